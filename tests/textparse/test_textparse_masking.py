"""Personal data masked in messages kept for review (consultoria.textparse.masking)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consultoria.textparse.masking import CNPJ, CPF, EMAIL, PHONE, mask_personal_data

WRITTEN = {
    EMAIL: ["ana.souza+erp@metal-joinville.com.br", "TI@EMPRESA.COM"],
    CPF: ["123.456.789-09", "12345678909"],
    CNPJ: ["12.345.678/0001-95", "12345678000195"],
    PHONE: [
        "(47) 99999-1234",
        "47 3333-4444",
        "+55 11 91234-5678",
        "4733334444",
        "11912345678",
        # Eleven digits with a CPF's check digits, but after "(": an area code, so a phone.
        "(41930110030",
    ],
}


@pytest.mark.parametrize(
    ("written", "placeholder"),
    [(written, placeholder) for placeholder, ways in WRITTEN.items() for written in ways],
)
def test_personal_data_is_masked(written: str, placeholder: str) -> None:
    assert mask_personal_data(f"contato {written}, obrigado") == f"contato {placeholder}, obrigado"
    assert mask_personal_data(written) == placeholder


@pytest.mark.parametrize(
    "text",
    [
        "quanto custa um plantão em 10/03/2027 das 20h às 21h?",
        "ticket 18234567 da consultoria do suporte",
        "cancelar o P-0042",
        "o valor foi R$ 2.400,00 mais impostos",
        "encerrar às 14:30 do dia 12/10",
        "rejeição 539 na nota 000123",
        "45 minutos com 2 especialistas",
        "versão 12.1.2310 do protheus",
    ],
)
def test_what_is_not_personal_stays(text: str) -> None:
    assert mask_personal_data(text) == text


@given(
    st.from_regex(r"\(?[1-9]{2}\)? ?9?[2-9]\d{3}-?\d{4}", fullmatch=True),
    st.sampled_from(["liga pra ", "meu numero: ", "fone ", ""]),
    st.sampled_from(["", " obrigado", ", urgente"]),
)
def test_any_written_phone_is_masked(phone: str, before: str, after: str) -> None:
    masked = mask_personal_data(f"{before}{phone}{after}")
    # Eleven bare digits with a CPF's check digits are masked as one: hidden either way.
    assert masked in (f"{before}{PHONE}{after}", f"{before}{CPF}{after}")


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=80))
def test_text_without_digits_or_at_signs_is_unchanged(text: str) -> None:
    if "@" not in text:
        assert mask_personal_data(text) == text

"""Durations, head counts and plantão references (consultoria.textparse.quantities)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consultoria.textparse import names_a_duration, parse_count, parse_duration_minutes, parse_ref

# fmt: off
_UNITS = (
    "zero", "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove", "dez",
    "onze", "doze", "treze", "catorze", "quinze", "dezesseis", "dezessete", "dezoito", "dezenove",
)
_TENS = (
    "", "", "vinte", "trinta", "quarenta", "cinquenta", "sessenta", "setenta", "oitenta", "noventa",
)
_HUNDREDS = (
    "", "cento", "duzentos", "trezentos", "quatrocentos", "quinhentos", "seiscentos",
    "setecentos", "oitocentos", "novecentos",
)
# fmt: on


def spell(n: int) -> str:
    """Portuguese words for 0 ≤ n ≤ 999, as a customer would type them."""
    if n < 20:
        return _UNITS[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " e " + _UNITS[n % 10])
    if n == 100:
        return "cem"
    return _HUNDREDS[n // 100] + ("" if n % 100 == 0 else " e " + spell(n % 100))


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("45 minutos", 45),
        ("45min", 45),
        ("45 m", 45),
        ("45 MIN", 45),
        ("1h30", 90),
        ("1h 30min", 90),
        ("1:30", 90),
        ("uma hora e meia", 90),
        ("Uma Hora E Meia", 90),
        ("hora e meia", 90),
        ("meia hora", 30),
        ("duas horas", 120),
        ("2 horas e 15 minutos", 135),
        ("1 hora e 20", 80),
        ("90", 90),
        (" 90 ", 90),
        ("noventa minutos", 90),
        ("vinte e cinco minutos", 25),
        ("cento e vinte minutos", 120),
        ("3 hrs", 180),
        ("22hs", 1320),
        ("1,5 h", 90),
        ("1.5 hora", 90),
        ("2,5 min", 3),  # a partial minute counts as a whole one
        ("0,1 h", 6),
        ("quanto custa 45 minutos de telefônica?", 45),
        ("uma consultoria de 2 horas com 3 especialistas", 120),
        ("3 horas e 2 especialistas", 180),
    ],
)
def test_duration(text: str, minutes: int) -> None:
    assert parse_duration_minutes(text) == minutes


@pytest.mark.parametrize(
    "text",
    [
        "",
        "garbage",
        "quanto custa por hora?",
        "sábado das 8h às 18h",
        "das 8 às 18",
        "06/03/2027",
        "1h75",
        "2 especialistas",
    ],
)
def test_no_duration(text: str) -> None:
    assert parse_duration_minutes(text) is None


@given(st.integers(min_value=0, max_value=999))
def test_spelled_minutes(n: int) -> None:
    assert parse_duration_minutes(f"{spell(n)} minutos") == n


@given(st.integers(min_value=0, max_value=48), st.integers(min_value=0, max_value=59))
def test_hours_and_minutes(hours: int, minutes: int) -> None:
    expected = hours * 60 + minutes
    assert parse_duration_minutes(f"{hours}h{minutes:02d}") == expected
    assert parse_duration_minutes(f"{hours} horas e {minutes} minutos") == expected
    assert parse_duration_minutes(f"{hours}:{minutes:02d}") == expected


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("2 especialistas", 2),
        ("dois analistas", 2),
        ("três", 3),
        ("tres", 3),
        ("3", 3),
        ("um especialista", 1),
        ("duas pessoas", 2),
        ("apenas um", 1),
        ("quero um plantão no sábado com 3 consultores", 3),
        ("plantão das 8 às 18 com dois especialistas", 2),
        ("cinco DBAs", 5),
    ],
)
def test_count(text: str, count: int) -> None:
    assert parse_count(text) == count


@pytest.mark.parametrize("text", ["", "blah", "quero um plantão", "sábado das 8 às 18", "45 min"])
def test_no_count(text: str) -> None:
    assert parse_count(text) is None


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("P-0042", "P-0042"),
        ("p42", "P-0042"),
        ("P 42", "P-0042"),
        ("p-42", "P-0042"),
        ("plantão 42", "P-0042"),
        ("plantao nº 42", "P-0042"),
        ("o plantão #7", "P-0007"),
        ("encerrar o plantão P-0042 agora", "P-0042"),
        ("P-12345", "P-12345"),
    ],
)
def test_ref(text: str, ref: str) -> None:
    assert parse_ref(text) == ref


@pytest.mark.parametrize(
    "text",
    ["", "plantão 24h", "plantão 24x7", "plantão 2 especialistas", "P-0", "plantão de sábado"],
)
def test_no_ref(text: str) -> None:
    assert parse_ref(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45 minutos", True),
        ("meia hora", True),
        ("1h30", True),
        ("uma hora e meia", True),
        ("quanto fica 45 min de telefonica", True),
        ("90", False),
        ("uma", False),
        ("quero calcular uma consultoria telefonica", False),
    ],
)
def test_names_a_duration_needs_a_unit(text: str, expected: bool) -> None:
    assert names_a_duration(text) is expected

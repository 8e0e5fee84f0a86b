"""Whether a message names the Consultoria's world (actions/relevance.py)."""

from __future__ import annotations

import pytest

from actions.relevance import mentions_domain


@pytest.mark.parametrize(
    "text",
    [
        "qual o mínimo diário do plantão?",
        "PLANTAO no domingo é mais caro?",
        "os valores incluem impostos?",
        "como funciona o reajuste pelo igp-m",
        "vcs tem DBA de oracle?",
        "quando a consultoria do suporte é abonada?",
        "o termo de aceite vale pra sempre?",
        "a telefônica atende de madrugada?",
        "posso cancelar depois?",
        "abro ticket no portal?",
        "o protheus caiu",
        "quero um consultor in loco",
        "qual o horário comercial?",
    ],
)
def test_domain_words_with_or_without_accents(text: str) -> None:
    assert mentions_domain(text)


@pytest.mark.parametrize(
    "text",
    [
        "qual o maior lago do mundo",
        "o banco abre no sabado?",
        "quem pintou a mona lisa",
        "como pago boleto vencido",
        "quantas horas devo dormir",
        "quero conhecer o nordeste",
        "me conta uma piada",
        "a plantação de soja vai bem?",
        "que atendimento horrível",
        "quantos minutos tem uma hora?",
    ],
)
def test_other_subjects(text: str) -> None:
    assert not mentions_domain(text)

"""FoldingTokenizer (rasa_runtime/nlu.py) leaves a self-introduction out of what the classifier
reads, in the Rasa environment: only a clause that introduces who writes and ends before the
question, never a question that merely starts with "sou"."""

from __future__ import annotations

import pytest

from tests.runtime.probes import run_probe

# (message, the introduction left out, or None)
CASES = [
    (
        "oi, tudo bem? sou da empresa Metalúrgica Joinville e queria entender o plantão",
        "sou da empresa Metalúrgica Joinville",
    ),
    ("bom dia! aqui é o Paulo da Agro Serra, qual o horário?", "aqui é o Paulo da Agro Serra"),
    ("boa tarde, sou a Lia do fiscal. o plantão cobra?", "sou a Lia do fiscal"),
    ("sou da unidade Campinas, quero agendar um plantão", "sou da unidade Campinas"),
    ("Sou do TI da Têxtil Norte; quanto custa o minuto?", "Sou do TI da Têxtil Norte"),
    ("sou obrigado a aceitar o termo?", None),
    ("sou cliente TOTVS", None),
    ("isso aqui é um chatbot?", None),
    ("sou da empresa X quero um orçamento", None),  # no word ends the clause: all kept
    ("oi, sou o Marcos", None),
]
PROBE = (
    "import json, sys\n"
    "from rasa_runtime.nlu import introduction\n"
    "print(json.dumps([introduction(text) for text in json.loads(sys.argv[1])]))\n"
)


@pytest.fixture(scope="module")
def spans() -> list[list[int] | None]:
    texts = [text for text, _ in CASES]
    result: list[list[int] | None] = run_probe(["-c", PROBE], texts)
    return result


@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES)))
def test_the_introduction_left_out(
    spans: list[list[int] | None], index: int, case: tuple[str, str | None]
) -> None:
    text, left_out = case
    span = spans[index]
    shown = None if span is None else text[span[0] : span[1]].strip()
    assert shown == left_out

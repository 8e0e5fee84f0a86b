"""FoldingTokenizer (rasa_runtime/nlu.py) leaves a self-introduction out of what the classifier
reads, in the Rasa environment: only a clause that introduces who writes and ends before the
question, never a question that merely starts with "sou"."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.scale.cluster import RASA_PYTHON
from tests.stack import ROOT

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
    probe = subprocess.run(
        [str(RASA_PYTHON), "-c", PROBE, json.dumps([text for text, _ in CASES])],
        cwd=ROOT,
        env=os.environ | {"TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert probe.returncode == 0, probe.stderr[-3000:]
    result: list[list[int] | None] = json.loads(probe.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES)))
def test_the_introduction_left_out(
    spans: list[list[int] | None], index: int, case: tuple[str, str | None]
) -> None:
    text, left_out = case
    span = spans[index]
    shown = None if span is None else text[span[0] : span[1]].strip()
    assert shown == left_out

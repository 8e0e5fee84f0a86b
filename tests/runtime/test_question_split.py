"""QuestionsRestInput (rasa_runtime/channels.py), in the Rasa environment: where a message is
split into questions, and which parses make the parts questions answered one by one."""

from __future__ import annotations

from typing import Any

import pytest

from tests.runtime.probes import run_probe

SPLITS = [
    (
        "quanto custa o minuto da telefônica? e o plantão é cobrado se ninguém ligar?",
        ["quanto custa o minuto da telefônica?", "e o plantão é cobrado se ninguém ligar?"],
    ),
    ("qual o horário?como reajusta?", ["qual o horário?", "como reajusta?"]),
    ("quanto custa? tem mínimo? e o reajuste?", ["quanto custa?", "tem mínimo?", "e o reajuste?"]),
    ("o plantão cobra?? e o domingo", ["o plantão cobra??", "e o domingo"]),
    ("qual o valor do minuto?", ["qual o valor do minuto?"]),
    ("o plantão cobra? ok?", ["o plantão cobra? ok?"]),  # "ok?" stands for nothing alone
    ("a? b? c? d?", ["a? b? c? d?"]),
    ("quanto custa o plantão no sábado", ["quanto custa o plantão no sábado"]),
    ("", [""]),
]


def parse(intent: str, key: str = "", sure: float = 0.95, faq_sure: float = 0.9) -> dict[str, Any]:
    response = {"intent_response_key": key, "confidence": faq_sure}
    selector = {"faq": {"response": response}} if key else {}
    return {"intent": {"name": intent, "confidence": sure}, "response_selector": selector}


DECISIONS = [
    ([parse("faq", "faq/minimo"), parse("faq", "faq/reajuste")], True),
    ([parse("ask_price"), parse("faq", "faq/plantao_cobranca")], True),
    ([parse("ask_quote"), parse("inform")], True),  # "quanto fica sábado? e no domingo?"
    ([parse("faq", "faq/minimo"), parse("hour_bank_balance"), parse("human_handoff")], True),
    ([parse("faq", "faq/minimo"), parse("faq", "faq/minimo")], False),  # the same question
    ([parse("greet"), parse("faq", "faq/minimo")], False),  # a greeting is no question
    ([parse("faq", "faq/minimo"), parse("nlu_fallback")], False),
    ([parse("faq", "faq/minimo"), parse("inform")], False),  # a detail of no quote
    ([parse("faq", "faq/minimo"), parse("book_plantao")], False),  # a form is no answer
    ([parse("affirm"), parse("faq", "faq/minimo")], False),
    # a part the classifiers are unsure of, read alone ("e se ninguém ligar, pago igual?")
    ([parse("faq", "faq/minimo"), parse("faq", "faq/cobrado", faq_sure=0.61)], False),
    ([parse("ask_price", sure=0.6), parse("faq", "faq/minimo")], False),
    ([parse("faq", "faq/minimo", faq_sure=0.7), parse("ask_price", sure=0.8)], True),
]

# (the whole message's parse, its parts' parses, whether the reply asks for the other question)
ONE_OF_SEVERAL = [
    # "plantão no domingo é mais caro? e se ninguém ligar, pago igual?": the second part, alone,
    # is too unsure to answer, and the message's answer is one of the two
    (
        parse("faq", "faq/fds"),
        [parse("faq", "faq/fds"), parse("faq", "faq/cobrado", 0.9, 0.6)],
        True,
    ),
    (parse("ask_price"), [parse("ask_price"), parse("faq", "faq/minimo", sure=0.5)], True),
    # a greeting and one question: only one question was asked
    (parse("faq", "faq/minimo"), [parse("greet"), parse("faq", "faq/minimo")], False),
    # the message itself was not understood: the fallback speaks, nothing to add
    (parse("nlu_fallback"), [parse("faq", "faq/a"), parse("ask_price", sure=0.5)], False),
    (parse("faq", "faq/a", sure=0.6), [parse("faq", "faq/a"), parse("faq", "faq/b")], False),
    # the FAQ answer to the whole message is the action's to judge (a domain word lowers its bar)
    (parse("faq", "faq/a", faq_sure=0.4), [parse("faq", "faq/a"), parse("faq", "faq/b")], True),
]

PROBE = (
    "import json, sys\n"
    "from rasa_runtime.channels import answered_separately, one_of_several_answered,"
    " question_parts\n"
    "texts, decisions, several = json.loads(sys.argv[1])\n"
    "print(json.dumps([[question_parts(t) for t in texts],"
    " [answered_separately(p) for p in decisions],"
    " [one_of_several_answered(w, p) for w, p in several]]))\n"
)


@pytest.fixture(scope="module")
def results() -> list[list[Any]]:
    several = [[whole, parts] for whole, parts, _ in ONE_OF_SEVERAL]
    cases = [[text for text, _ in SPLITS], [parses for parses, _ in DECISIONS], several]
    found: list[list[Any]] = run_probe(["-c", PROBE], cases)
    return found


@pytest.mark.parametrize(("index", "expected"), [(i, parts) for i, (_, parts) in enumerate(SPLITS)])
def test_the_questions_of_a_message(
    results: list[list[Any]], index: int, expected: list[str]
) -> None:
    assert results[0][index] == expected


@pytest.mark.parametrize(("index", "expected"), [(i, d) for i, (_, d) in enumerate(DECISIONS)])
def test_which_parts_are_answered_one_by_one(
    results: list[list[Any]], index: int, expected: bool
) -> None:
    assert results[1][index] is expected


@pytest.mark.parametrize(
    ("index", "expected"), [(i, o) for i, (*_, o) in enumerate(ONE_OF_SEVERAL)]
)
def test_when_the_reply_asks_for_the_other_question(
    results: list[list[Any]], index: int, expected: bool
) -> None:
    assert results[2][index] is expected

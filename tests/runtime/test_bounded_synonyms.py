"""BoundedSynonymMapper (rasa_runtime/nlu.py) in the Rasa environment, with the synonyms of the
project's training data: a modality DIET drew one word too wide gets the known value and span
inside it, a span with no known modality is dropped, and other entities pass untouched."""

from __future__ import annotations

from typing import Any

import pytest

from tests.runtime.probes import run_probe


def entity(text: str, said: str, name: str = "modalidade") -> dict[str, Any]:
    start = text.index(said)
    return {"entity": name, "start": start, "end": start + len(said), "value": said}


CASES = [
    # (text, span DIET drew, what is left: (value, the text it spans) or None)
    ("quanto custa um plantão em 10/03/2027?", "plantão em", ("plantao", "plantão")),
    ("plantao 31/12 das 20h ate 02h", "plantao 31/12", ("plantao", "plantao")),
    ("valor de um plantao sexta", "plantao sexta", ("plantao", "plantao")),
    (
        "uma hora de consultoria telefônica amanhã",
        "consultoria telefônica amanhã",
        ("consultoria_telefonica", "consultoria telefônica"),
    ),
    (
        "a consultoria do suporte no ticket",
        "a consultoria do suporte",
        ("consultoria_suporte", "consultoria do suporte"),
    ),
    ("quero o AMS, como faço?", "quero o", None),
    ("plantão", "plantão", ("plantao", "plantão")),
]


@pytest.fixture(scope="module")
def processed() -> list[list[dict[str, Any]]]:
    cases = [{"text": text, "entities": [entity(text, span)]} for text, span, _ in CASES]
    cases.append(
        {"text": "sábado das 8 às 18", "entities": [entity("sábado das 8 às 18", "sábado", "data")]}
    )
    result: list[list[dict[str, Any]]] = run_probe(["-m", "tests.runtime.synonym_probe"], cases)
    return result


@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES)))
def test_a_modality_is_a_known_value_or_nothing(
    processed: list[list[dict[str, Any]]], index: int, case: tuple[str, str, Any]
) -> None:
    text, _, expected = case
    left = processed[index]
    if expected is None:
        assert left == []
        return
    [found] = left
    value, spanned = expected
    assert (found["value"], text[found["start"] : found["end"]]) == (value, spanned)


def test_other_entities_pass_untouched(processed: list[list[dict[str, Any]]]) -> None:
    [left] = processed[-1]
    assert (left["entity"], left["start"], left["end"], left["value"]) == ("data", 0, 6, "sábado")

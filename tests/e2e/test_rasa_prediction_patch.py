"""rasa_runtime's prediction patch (DIET and the ResponseSelector call their concrete TensorFlow
function directly) predicts what Rasa predicts: every held-out NLU example (tests/nlu) is parsed
with the trained model, first by Rasa as it is, then patched, in one Rasa process
(tests/runtime/prediction_probe.py), and the two parses compared. Needs a trained model (`make
model`), not the running stack."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.scale.cluster import RASA_ENV, RASA_PYTHON, current_model
from tests.stack import ROOT, StackError

TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def parses(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    try:
        model = current_model()
    except StackError as exc:
        pytest.fail(str(exc))
    out = tmp_path_factory.mktemp("prediction") / "parses.json"
    nlu = sorted(str(path) for path in (ROOT / "tests" / "nlu").glob("*.yml"))
    probe = subprocess.run(
        [str(RASA_PYTHON), "-m", "tests.runtime.prediction_probe", str(model), str(out), *nlu],
        cwd=ROOT,
        env=os.environ | RASA_ENV | {"TF_CPP_MIN_LOG_LEVEL": "3"},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr[-3000:]
    result: dict[str, Any] = json.loads(Path(out).read_text(encoding="utf-8"))
    return result


def differences(rasa: Any, patched: Any, where: str = "") -> Iterator[str]:
    """Where `patched` differs from `rasa`: numbers by more than TOLERANCE, the rest at all."""
    if isinstance(rasa, dict) and isinstance(patched, dict):
        if rasa.keys() != patched.keys():
            yield f"{where}: keys {sorted(rasa)} != {sorted(patched)}"
            return
        for key in rasa:
            yield from differences(rasa[key], patched[key], f"{where}.{key}")
    elif isinstance(rasa, list) and isinstance(patched, list):
        if len(rasa) != len(patched):
            yield f"{where}: {len(rasa)} items != {len(patched)}"
            return
        for index, (left, right) in enumerate(zip(rasa, patched, strict=True)):
            yield from differences(left, right, f"{where}[{index}]")
    elif _is_number(rasa) and _is_number(patched):
        if abs(rasa - patched) > TOLERANCE:
            yield f"{where}: {rasa!r} != {patched!r}"
    elif rasa != patched:
        yield f"{where}: {rasa!r} != {patched!r}"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def test_every_held_out_example_went_through_the_patched_prediction(
    parses: dict[str, Any],
) -> None:
    assert len(parses["texts"]) >= 200
    assert len(parses["rasa"]) == len(parses["patched"]) == len(parses["texts"])
    # DIET and the ResponseSelector: both predicted through their concrete function.
    assert parses["concrete_models"] == 2


@pytest.mark.parametrize("key", ["intent", "intent_ranking", "entities", "response_selector"])
def test_patched_prediction_is_rasas(parses: dict[str, Any], key: str) -> None:
    found = [
        f"{text!r}{difference}"
        for text, rasa, patched in zip(
            parses["texts"], parses["rasa"], parses["patched"], strict=True
        )
        for difference in differences(rasa[key], patched[key], f" {key}")
    ]
    assert not found, f"{len(found)} differences, first: " + "; ".join(found[:10])


def test_the_comparison_sees_a_difference() -> None:
    """The comparison itself: what it must and must not report."""
    ranking = [{"name": "greet", "confidence": 0.9}, {"name": "deny", "confidence": 0.1}]
    close = [{"name": "greet", "confidence": 0.9 + 1e-7}, {"name": "deny", "confidence": 0.1}]
    swapped = [ranking[1], ranking[0]]
    far = [{"name": "greet", "confidence": 0.9 + 1e-5}, {"name": "deny", "confidence": 0.1}]
    assert list(differences(ranking, close)) == []
    assert len(list(differences(ranking, swapped))) == 4  # both names, both confidences
    assert list(differences(ranking, far)) == [f"[0].confidence: 0.9 != {0.9 + 1e-5!r}"]
    assert list(differences([{"value": "x"}], [{"value": "y"}])) == ["[0].value: 'x' != 'y'"]

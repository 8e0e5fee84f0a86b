"""Runs in the Rasa environment (test_patch_guard.py starts it): breaks the installed Rasa the
way an upgrade could, one way at a time, and prints as JSON what rasa_runtime.patches says."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import rasa
from rasa.core.actions import action
from rasa.shared.core.events import Event
from rasa.utils.tensorflow.models import RasaModel

from rasa_runtime import UnsupportedRasaError

_MISSING = object()


@contextmanager
def _replaced(owner: Any, name: str, value: Any) -> Iterator[None]:
    """`owner.name` is `value` (or missing) inside the block, and its own value again after."""
    saved = vars(owner)[name]
    if value is _MISSING:
        delattr(owner, name)
    else:
        setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, saved)


def _refusal(attempt: Callable[[], object]) -> str | None:
    try:
        attempt()
    except UnsupportedRasaError as error:
        return str(error)
    return None


def _import_patches() -> object:
    return importlib.import_module("rasa_runtime.patches")


def _apply() -> None:
    importlib.import_module("rasa_runtime.patches").apply()


def _predict_with_training_flag(self: Any, batch_in: Any, training: bool = False) -> Any:
    raise AssertionError("never called")


def _predict_differently(self: Any, batch_in: Any) -> Any:
    raise AssertionError("never called")


def _as_rasas(function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` named as Rasa's `RasaModel._rasa_predict`, as an upgrade could change it."""
    function.__module__ = RasaModel.__module__
    function.__qualname__ = "RasaModel._rasa_predict"
    return function


def _scenarios() -> dict[str, Callable[[], Any]]:
    """Each one makes a context manager that breaks Rasa, one way, inside its block."""
    resolve_by_type = vars(Event)["resolve_by_type"].__func__
    return {
        "version": lambda: _replaced(rasa, "__version__", "3.7.0"),
        "missing": lambda: _replaced(action.RemoteAction, "_validate_action_result", _MISSING),
        "kind": lambda: _replaced(Event, "resolve_by_type", resolve_by_type),
        "renamed": lambda: _replaced(RasaModel, "_rasa_predict", RasaModel.predict_step),
        "signature": lambda: _replaced(
            RasaModel, "_rasa_predict", _as_rasas(_predict_with_training_flag)
        ),
        "source": lambda: _replaced(RasaModel, "_rasa_predict", _as_rasas(_predict_differently)),
    }


def _patched_attributes() -> list[Any]:
    return [
        vars(action.RemoteAction)["_validate_action_result"],
        vars(Event)["resolve_by_type"],
        vars(RasaModel)["_rasa_predict"],
    ]


def main() -> None:
    originals = _patched_attributes()
    refusals: dict[str, str | None] = {}
    scenarios = _scenarios()
    # Before anything imports the patches: a class they import has gone.
    with _replaced(action, "RemoteAction", _MISSING):
        refusals["import"] = _refusal(_import_patches)
    for name, broken in scenarios.items():
        with broken():
            refusals[name] = _refusal(_apply)
    with scenarios["missing"](), scenarios["signature"]():
        refusals["two_problems"] = _refusal(_apply)
    untouched = _patched_attributes() == originals
    applied = _refusal(_apply) is None and _refusal(_apply) is None  # the second one: no-op
    patched = all(
        now is not before for now, before in zip(_patched_attributes(), originals, strict=True)
    )
    result = {"refusals": refusals, "untouched": untouched, "applied": applied, "patched": patched}
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()

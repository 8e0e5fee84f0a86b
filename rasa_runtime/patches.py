"""Fixes to Rasa 3.6 at run time, each measured by `make bench` (see README, Benchmark).

Each one keeps Rasa's behaviour and only removes work that Rasa repeats on every turn:

- Every action-server response is checked with `jsonschema.validate`, which first checks the
  schema itself against the JSON Schema metaschema and builds a new validator: about half the
  CPU time of a turn with a custom action. The validator is now built once. Its `oneOf` over the
  23 event schemas first tries only the schemas whose `event` constant matches the event (the
  others cannot match); only an invalid event takes the full check, for the same error messages.
- Every event read back from the tracker store looks its class up by walking all subclasses of
  `Event`; the classes are now indexed by type name on first use.
- DIET and the ResponseSelector predict through a `tf.function` with a fixed input signature,
  whose every call re-matches its inputs against that signature; they now call the one concrete
  function it holds directly, which computes the same outputs.

Each fix copies or replaces a piece of Rasa's code, so `apply()` first checks that the installed
Rasa is the release they were written for (`RASA_VERSION`) and that every function they replace
or reproduce is still the one they were written against (`EXPECTED`: its kind, name, parameters
and a digest of its source); otherwise it raises `UnsupportedRasaError` and patches nothing.
After a Rasa upgrade, review each fix against the new code, then update both.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import rasa

from rasa_runtime import RASA_VERSION, UnsupportedRasaError, check_version

try:
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from jsonschema.protocols import Validator
    from jsonschema.validators import extend, validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses
    from rasa.utils.tensorflow import models
except ImportError as error:  # an upgrade moved or removed something the fixes build on
    raise UnsupportedRasaError(
        f"rasa_runtime.patches was written for Rasa {RASA_VERSION} and cannot import what it "
        f"patches from the installed Rasa {rasa.__version__}: {error}"
    ) from error


@dataclass(frozen=True)
class Original:
    """A function of Rasa (or of a library it calls) as the fixes expect to find it."""

    module: str
    name: str  # its dotted path in `module`, which is also its __qualname__
    kind: str  # "function" or "staticmethod", as defined in its class or module
    parameters: str  # its signature without annotations or defaults
    source_sha256: str  # the first 16 hex digits of the sha256 of its dedented source


# A source digest also vouches for what the fixes read that the function reads itself: the
# `_tf_predict_step` and `_run_eagerly` of a model, `tf_utils`, `DIAGNOSTIC_DATA`, `DOCS_BASE_URL`,
# `all_subclasses`. The refusal names each function that differs, and how (its new digest too).
EXPECTED: tuple[Original, ...] = (
    Original(
        "rasa.core.actions.action",
        "RemoteAction._validate_action_result",
        "function",
        "(self, result)",
        "2fd08b8cf644390e",
    ),
    Original(
        "rasa.shared.core.events",
        "Event.resolve_by_type",
        "staticmethod",
        "(type_name, default)",
        "eab381cd0a9958e1",
    ),
    Original(
        "rasa.utils.tensorflow.models",
        "RasaModel._rasa_predict",
        "function",
        "(self, batch_in)",
        "44ef41f40635e70e",
    ),
    # Not replaced, but reproduced: the action-response check does what it does.
    Original(
        "jsonschema.validators",
        "validate",
        "function",
        "(instance, schema, cls, *args, **kwargs)",
        "dc1e7e6a0aee8a4e",
    ),
)

# Rasa's own functions, kept by `apply()` for the cases the fixes hand back to them.
_original: dict[str, Callable[..., Any]] = {}


def check() -> None:
    """Raise `UnsupportedRasaError` unless Rasa is the release the fixes were written for and
    every function in `EXPECTED` is still the one they were written against."""
    check_version()
    problems = [problem for expected in EXPECTED if (problem := _mismatch(expected))]
    if problems:
        raise UnsupportedRasaError(
            f"rasa_runtime.patches does not match the installed Rasa {rasa.__version__}: "
            + "; ".join(problems)
            + "; review the fixes against it, then update EXPECTED (rasa_runtime/patches.py)"
        )


def _mismatch(expected: Original) -> str | None:
    """How the installed function differs from `expected`, or None when it does not."""
    where = f"{expected.module}.{expected.name}"
    try:
        found = _lookup(expected.module, expected.name)
    except (ImportError, AttributeError):
        return f"{where} is missing"
    kind = _kind(found)
    if kind != expected.kind:
        return f"{where} is a {kind}, expected a {expected.kind}"
    function = found.__func__ if isinstance(found, staticmethod | classmethod) else found
    defined_as = f"{function.__module__}.{function.__qualname__}"
    if defined_as != where:
        return f"{where} is now {defined_as}"
    parameters = _parameters(function)
    if parameters != expected.parameters:
        return f"{where} takes {parameters}, expected {expected.parameters}"
    digest = _source_digest(function)
    if digest != expected.source_sha256:
        return (
            f"{where} has changed: its source has sha256 {digest}, "
            f"expected {expected.source_sha256}"
        )
    return None


def _lookup(module: str, name: str) -> Any:
    """The attribute as stored in its class or module (a staticmethod stays one)."""
    owner: Any = importlib.import_module(module)
    *path, attribute = name.split(".")
    for part in path:
        owner = getattr(owner, part)
    return inspect.getattr_static(owner, attribute)


def _kind(found: Any) -> str:
    if isinstance(found, staticmethod):
        return "staticmethod"
    if isinstance(found, classmethod):
        return "classmethod"
    return "function" if inspect.isfunction(found) else type(found).__name__


def _parameters(function: Callable[..., Any]) -> str:
    signature = inspect.signature(function)
    bare = [
        parameter.replace(annotation=parameter.empty, default=parameter.empty)
        for parameter in signature.parameters.values()
    ]
    return str(signature.replace(parameters=bare, return_annotation=signature.empty))


def _source_digest(function: Callable[..., Any]) -> str:
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        return "unavailable"
    return hashlib.sha256(source.encode()).hexdigest()[:16]


@cache
def _action_response_validator() -> Validator:
    schema = RemoteAction.action_response_format_spec()
    base = validator_for(schema)
    base.check_schema(schema)
    one_of = base.VALIDATORS["oneOf"]

    def one_of_matching_event(
        validator: Validator, alternatives: list[Any], instance: Any, schema: dict[str, Any]
    ) -> Iterator[ValidationError]:
        if isinstance(instance, dict) and isinstance(instance.get("event"), str):
            candidates = [
                alternative
                for alternative in alternatives
                if _event_constant(alternative) in (None, instance["event"])
            ]
            if not any(one_of(validator, candidates, instance, schema)):
                return
        # Invalid: the full check, so the errors are exactly the ones Rasa would report.
        yield from one_of(validator, alternatives, instance, schema)

    validator_class: type[Validator] = extend(base, {"oneOf": one_of_matching_event})
    return validator_class(schema)


def _event_constant(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return None
    event = schema.get("properties", {}).get("event")
    return event.get("const") if isinstance(event, dict) else None


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    # The error `jsonschema.validate` would raise: the best match, not the first one found.
    error = best_match(_action_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


@cache
def _event_classes() -> dict[str, type[Event]]:
    classes: dict[str, type[Event]] = {}
    for event_class in all_subclasses(Event):
        classes.setdefault(event_class.type_name, event_class)
    return classes


def _resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    found = _event_classes().get(type_name)
    # Unknown names (and classes defined after the index was built) take Rasa's own path.
    return found if found is not None else _original["resolve_by_type"](type_name, default)


def _predict_with_concrete_function(
    self: models.RasaModel, batch_in: tuple[Any, ...]
) -> dict[str, Any]:
    step = self._tf_predict_step
    if step is None or self._run_eagerly:
        return _original["rasa_predict"](self, batch_in)  # first call: Rasa builds the tf.function
    cached = self.__dict__.get("_concrete_predict")
    if cached is None or cached[0] is not step:
        cached = (step, step.get_concrete_function())
        self.__dict__["_concrete_predict"] = cached
    outputs: dict[str, Any] = models.tf_utils.sync_to_numpy_or_python_type(cached[1](batch_in))
    if models.DIAGNOSTIC_DATA in outputs:
        outputs[models.DIAGNOSTIC_DATA] = self._empty_lists_to_none_in_dict(
            outputs[models.DIAGNOSTIC_DATA]
        )
    return outputs


def apply() -> None:
    """Patch Rasa after `check()`, which raises `UnsupportedRasaError` (and nothing is patched)
    when the installed Rasa is not the one the fixes were written for. Patches once."""
    if _original:
        return
    check()
    _original["resolve_by_type"] = Event.resolve_by_type
    _original["rasa_predict"] = models.RasaModel._rasa_predict
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[method-assign,assignment]
    models.RasaModel._rasa_predict = _predict_with_concrete_function  # type: ignore[method-assign]

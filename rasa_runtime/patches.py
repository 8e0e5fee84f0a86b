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
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import extend, validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses
from rasa.utils.tensorflow import models

_resolve_event_by_type = Event.resolve_by_type
_rasa_predict = models.RasaModel._rasa_predict


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
    return found if found is not None else _resolve_event_by_type(type_name, default)


def _predict_with_concrete_function(
    self: models.RasaModel, batch_in: tuple[Any, ...]
) -> dict[str, Any]:
    step = self._tf_predict_step
    if step is None or self._run_eagerly:
        return _rasa_predict(self, batch_in)  # first call: Rasa builds the tf.function
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
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[method-assign,assignment]
    models.RasaModel._rasa_predict = _predict_with_concrete_function  # type: ignore[method-assign]

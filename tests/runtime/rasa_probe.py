"""Runs in the Rasa environment (test_rasa_patches.py starts it): compares each patched path of
rasa_runtime with Rasa's own on the same inputs, and prints the comparison as JSON."""

from __future__ import annotations

import json
import sys
from typing import Any

import jsonschema
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.utils.common import all_subclasses

from rasa_runtime import patches

RESPONSES: list[dict[str, Any]] = [
    {
        "events": [
            {"event": "slot", "name": "modalidade", "value": "plantao", "timestamp": None},
            {"event": "active_loop", "name": "booking_form"},
            {"event": "bot", "text": "Olá"},
            {"event": "followup", "name": "action_listen"},
        ],
        "responses": [{"text": "Olá", "buttons": []}],
    },
    {"events": [], "responses": []},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot"}]},
    {"events": [{"event": "user", "text": 3}]},
    {"events": [{"name": "x"}]},
    {"events": [{"event": 5}]},
    {"events": [{"event": "slot", "name": "x", "value": 1, "timestamp": "ontem"}]},
    {"events": [{"event": "slot", "name": 3}]},
    {"events": {}},
    {"responses": "x"},
]


def _rasa_verdict(response: dict[str, Any]) -> str:
    try:
        jsonschema.validate(response, RemoteAction.action_response_format_spec())
    except jsonschema.ValidationError as error:
        return error.message
    return "valid"


def _patched_verdict(response: dict[str, Any]) -> str:
    action = RemoteAction.__new__(RemoteAction)
    try:
        action._validate_action_result(response)
    except jsonschema.ValidationError as error:
        return error.message.split(". Failed to validate Action server response")[0]
    return "valid"


def _resolve(type_name: str, default: type[Event] | None = None) -> str:
    try:
        found = Event.resolve_by_type(type_name, default)
    except ValueError as error:
        return f"ValueError: {error}"
    return "None" if found is None else found.__name__


def main() -> None:
    names = sorted({cls.type_name for cls in all_subclasses(Event)})
    probes = [(name, None) for name in [*names, "topic", "no_such_event"]]
    probes.append(("no_such_event", SlotSet))
    rasa = {
        "responses": [_rasa_verdict(r) for r in RESPONSES],
        "events": [_resolve(*probe) for probe in probes],
    }
    patches.apply()
    patched = {
        "responses": [_patched_verdict(r) for r in RESPONSES],
        "events": [_resolve(*probe) for probe in probes],
    }
    sys.stdout.write(
        json.dumps({"rasa": rasa, "patched": patched, "event_types": len(names)}) + "\n"
    )


if __name__ == "__main__":
    main()

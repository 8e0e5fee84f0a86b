"""Shared by the booking, Term, shift and privacy action tests: trackers of one sender and a
booked shift, with the real action server code and a real SQLite database."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker

from actions.identity import remember_person
from actions.tracker import Caller
from consultoria import db, runtime
from consultoria.db import Person, Plantao
from consultoria.services import plantoes
from consultoria.services.actors import Customer

DOMAIN_DIR = Path(__file__).parents[2] / "domain"
DOMAIN: dict[str, Any] = {"slots": {}, "forms": {}}
for _name in ("core.yml", "booking.yml", "terms.yml"):
    _part = yaml.safe_load((DOMAIN_DIR / _name).read_text("utf-8"))
    DOMAIN["slots"].update(_part.get("slots", {}))
    DOMAIN["forms"].update(_part.get("forms", {}))

# A Saturday far ahead, so every check passes whatever day the suite runs.
SATURDAY = "06/06/2037"
SENDER = "test-user"


def turn(
    text: str = "",
    intent: str = "inform",
    *,
    slots: dict[str, Any] | None = None,
    asked_by: str | None = None,
    sender: str = SENDER,
    entities: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
    active_loop: str | None = None,
    message_id: str = "m-1",
) -> Tracker:
    """The tracker after a user message; `asked_by` is the action that asked the question."""
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.99},
        "entities": entities or [],
    }
    events: list[dict[str, Any]] = []
    if asked_by:
        events += [
            {"event": "action", "name": asked_by},
            {"event": "action", "name": "action_listen"},
        ]
    events.append(
        {
            "event": "user",
            "text": text,
            "parse_data": message,
            "input_channel": "rest",
            "message_id": message_id,
            "metadata": metadata or {},
        }
    )
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": slots or {},
            "latest_message": message,
            "events": events,
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": "action_listen",
        }
    )


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(dispatcher: Any) -> str:
    return "\n".join(str(m.get("text") or "") for m in dispatcher.messages)


def customer(sender: str = SENDER, perfil: str = "cliente", unit: str | None = None) -> Person:
    with db.unit_of_work(runtime.sessions()) as session:
        return remember_person(session, Caller("rest", sender, "Ana", None), perfil, unit)


def shift(person: Person, start: datetime, hours: int = 10, state: str = "requested") -> Plantao:
    """A shift booked directly through the service (bypassing the booking form's checks), moved
    to `state` as if by the system."""
    with db.unit_of_work(runtime.sessions()) as session:
        plantao, _ = plantoes.request_plantao(
            session,
            Customer(person, "rest"),
            start_at=start,
            end_at=start + timedelta(hours=hours),
            specialists=1,
            reason="Virada de versão",
            contact_phone="(11) 91234-5678",
            request_key=None,
            price_version_id=None,
            quoted_minutes=hours * 60,
            quoted_amount=Decimal("4.00") * hours * 60,
        )
        if state != "requested":
            plantoes.transition(
                session, plantao.id, None, to_state=state, allowed_from={"requested"}
            )
        return plantao

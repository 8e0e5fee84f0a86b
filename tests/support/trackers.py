"""The one way tests build a rasa_sdk Tracker: the conversation as Rasa hands it to the action
server right after a user message, and readers of what an action answered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker

DOMAIN_DIR = Path(__file__).parents[2] / "domain"
SENDER = "test-user"


def _domain() -> dict[str, Any]:
    """The slots and forms of every domain file, merged as Rasa merges them."""
    merged: dict[str, dict[str, Any]] = {"slots": {}, "forms": {}}
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        part = yaml.safe_load(path.read_text("utf-8")) or {}
        for key, found in merged.items():
            found.update(part.get(key) or {})
    return merged


DOMAIN = _domain()


def turn(
    text: str = "",
    intent: str = "inform",
    *,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    asked_by: str | None = None,
    events: list[dict[str, Any]] | None = None,
    sender: str = SENDER,
    metadata: dict[str, Any] | None = None,
    active_loop: str | None = None,
    message_id: str = "m-1",
    ranking: list[dict[str, Any]] | None = None,
    latest: dict[str, Any] | None = None,
) -> Tracker:
    """The tracker after `sender` said `text`, classified as `intent`.

    `asked_by` is the action that asked the question being answered (it comes before the
    message); `events` come after it, as the slot candidates a form appends. `ranking` is the
    classifier's intent ranking (the intent alone by default) and `latest` adds other parse
    results (a response selector's) to the latest message.
    """
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.99},
        "intent_ranking": ranking or [{"name": intent, "confidence": 0.99}],
        "entities": entities or [],
        **(latest or {}),
    }
    before: list[dict[str, Any]] = []
    if asked_by:
        before = [
            {"event": "action", "name": asked_by},
            {"event": "action", "name": "action_listen"},
        ]
    said = {
        "event": "user",
        "text": text,
        "parse_data": message,
        "input_channel": "rest",
        "message_id": message_id,
        "metadata": metadata or {},
    }
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": slots or {},
            "latest_message": message,
            "events": [*before, said, *(events or [])],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": "action_listen",
        }
    )


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The slots an action set, by name."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(dispatcher: Any) -> str:
    """Everything the action said, one message a line."""
    return "\n".join(str(m.get("text") or "") for m in dispatcher.messages)

"""The one way tests build a rasa_sdk Tracker: the conversation as Rasa hands it to the action
server right after a user message, and readers of what an action answered."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.pending import FORM, QUESTION, ask

DOMAIN_DIR = Path(__file__).parents[2] / "domain"
SENDER = "test-user"


def _domain() -> dict[str, Any]:
    """The slots, forms and responses of every domain file, merged as Rasa merges them."""
    merged: dict[str, dict[str, Any]] = {"slots": {}, "forms": {}, "responses": {}}
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
    asked: list[dict[str, Any]] | None = None,
    events: list[dict[str, Any]] | None = None,
    history: list[dict[str, Any]] | None = None,
    sender: str = SENDER,
    metadata: dict[str, Any] | None = None,
    active_loop: str | None = None,
    message_id: str = "m-1",
    ranking: list[dict[str, Any]] | None = None,
    latest: dict[str, Any] | None = None,
) -> Tracker:
    """The tracker after `sender` said `text`, classified as `intent`.

    `asked_by` is the action that asked the question being answered (it comes before the
    message) and `asked` what it said (a dispatcher's messages): they become the bot events Rasa
    keeps, and the last question among them is the open one unless `slots` say otherwise.
    `events` come after the message, as the slot candidates a form appends; `history` comes
    before everything else (the slots set earlier in the conversation). `ranking` is the
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
    before = [*(history or []), *_asking(asked_by, asked or [])]
    slots = {**open_slots(asked or []), **(slots or {})}
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
            "slots": slots,
            "latest_message": message,
            "events": [*before, said, *(events or [])],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": "action_listen",
        }
    )


def _asking(asked_by: str | None, asked: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events of `asked_by` saying `asked`, then waiting for the answer."""
    if not asked_by:
        return []
    return [
        {"event": "action", "name": asked_by},
        *bot_events(asked),
        {"event": "action", "name": "action_listen"},
    ]


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The slots an action set, by name."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(dispatcher: Any) -> str:
    """Everything the action said, one message a line."""
    return "\n".join(str(m.get("text") or "") for m in dispatcher.messages)


def bot_events(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bot events Rasa records for an action's messages: the keys that are not part of a
    message (a question's id and what it showed) become the event's metadata."""
    return [
        {
            "event": "bot",
            "text": m.get("text"),
            "data": {"buttons": m.get("buttons")},
            "metadata": {QUESTION: m[QUESTION]} if QUESTION in m else {},
        }
        for m in messages
    ]


def open_slots(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """The slots that make the last question among `messages` the open one."""
    questions = [m[QUESTION] for m in messages if QUESTION in m]
    if not questions:
        return {}
    if questions[-1]["kind"] == FORM:
        return {QUESTION: questions[-1]["id"]}
    return {"pendente": questions[-1]["kind"], QUESTION: questions[-1]["id"]}


def payload(button: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The intent and entities Rasa reads from a button's payload (`/affirm{"pergunta": …}`)."""
    text = str(button["payload"]).removeprefix("/")
    intent, brace, rest = text.partition("{")
    found = json.loads(brace + rest) if brace else {}
    return intent, [{"entity": name, "value": value} for name, value in found.items()]


def press(button: dict[str, Any], **context: Any) -> Tracker:
    """The tracker after a button was pressed: its payload as the message (see `turn`)."""
    intent, entities = payload(button)
    return turn(str(button["payload"]), intent, entities=entities, **context)


def buttons(dispatcher: Any) -> list[dict[str, Any]]:
    """Every button the action showed, in order."""
    return [b for m in dispatcher.messages for b in (m.get("buttons") or [])]


def question(kind: str, **shown: Any) -> list[dict[str, Any]]:
    """A question of `kind` as the bot asks it (with "Sim" and "Não" bound to it), for tests of
    the actions that answer it."""
    dispatcher = CollectingDispatcher()
    yes_no = [{"title": "Sim", "payload": "/affirm"}, {"title": "Não", "payload": "/deny"}]
    ask(dispatcher, kind, f"Confirma ({kind})?", yes_no, shown)
    return dispatcher.messages

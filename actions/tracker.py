"""Typed readers of what the latest message carries: every action reads the tracker through
these, so a change in Rasa's message shape is handled in one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker

DEFAULT_CHANNEL = "rest"


def text(tracker: Tracker) -> str:
    """The latest user message, stripped."""
    return str(tracker.latest_message.get("text") or "").strip()


def entities(tracker: Tracker, name: str) -> list[str]:
    """Every non-empty value of entity `name` in the latest message, in order."""
    return [
        str(found["value"])
        for found in tracker.latest_message.get("entities", [])
        if found.get("entity") == name and found.get("value") not in (None, "")
    ]


def entity(tracker: Tracker, name: str) -> str | None:
    """The first non-empty value of entity `name` in the latest message."""
    return next(iter(entities(tracker, name)), None)


def entity_names(tracker: Tracker) -> set[str]:
    """The names of the entities the latest message carries, with a value or not."""
    return {str(found.get("entity")) for found in tracker.latest_message.get("entities", [])}


def intent(tracker: Tracker) -> str | None:
    name = (tracker.latest_message.get("intent") or {}).get("name")
    return None if name is None else str(name)


def intent_ranking(tracker: Tracker) -> list[str]:
    """The intents the classifier ranked for the latest message, likeliest first."""
    ranking = tracker.latest_message.get("intent_ranking", [])
    return [str(ranked["name"]) for ranked in ranking if ranked.get("name") is not None]


def response_ranking(tracker: Tracker, selector: str) -> list[str]:
    """The keys (`faq/banco_horas`) a response selector ranked for the latest message."""
    found = tracker.latest_message.get("response_selector", {}).get(selector, {})
    return [str(ranked.get("intent_response_key", "")) for ranked in found.get("ranking", [])]


@dataclass(frozen=True)
class Caller:
    """The sender of the latest message, as the channel describes them."""

    channel: str
    user_id: str
    name: str
    message_id: str | None


def _latest_user_event(tracker: Tracker) -> dict[str, Any]:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return dict(event)
    return {}


def caller(tracker: Tracker) -> Caller:
    """sender_id plus the metadata a front end sends (the Telegram bot: channel, names, ids)."""
    event = _latest_user_event(tracker)
    metadata = event.get("metadata") or tracker.latest_message.get("metadata") or {}
    channel = metadata.get("channel") or event.get("input_channel") or DEFAULT_CHANNEL
    name = metadata.get("first_name") or metadata.get("username") or ""
    # A front end's own message id (Telegram's) survives redelivery; Rasa's is per request.
    message_id = metadata.get("message_id") or event.get("message_id")
    return Caller(
        channel=str(channel),
        user_id=str(tracker.sender_id),
        name=str(name),
        message_id=None if message_id is None else str(message_id),
    )

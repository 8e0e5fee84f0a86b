"""Typed readers of what the latest message carries: every action reads the tracker through
these, so a change in Rasa's message shape is handled in one place."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker

from consultoria import identity

logger = logging.getLogger(__name__)

# The channel of a sender no front end vouches for.
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


def scored_intent_ranking(tracker: Tracker) -> list[tuple[str, float]]:
    """The classifier's intents for the latest message with their confidences, likeliest first;
    without Rasa's own `nlu_fallback`, which says only that none was confident enough."""
    return [
        (str(ranked["name"]), float(ranked.get("confidence") or 0.0))
        for ranked in tracker.latest_message.get("intent_ranking", [])
        if ranked.get("name") not in (None, "nlu_fallback")
    ]


def response_ranking(tracker: Tracker, selector: str) -> list[str]:
    """The keys (`faq/banco_horas`) a response selector ranked for the latest message."""
    found = tracker.latest_message.get("response_selector", {}).get(selector, {})
    return [str(ranked.get("intent_response_key", "")) for ranked in found.get("ranking", [])]


def response_choice(tracker: Tracker, selector: str) -> tuple[str, float] | None:
    """The key (`faq/banco_horas`) a response selector picked for the latest message and its
    confidence; a button's payload (`/faq/banco_horas`) names its key with certainty."""
    said = text(tracker)
    if said.startswith(f"/{selector}/"):
        return said.removeprefix("/").split("{")[0], 1.0
    found = tracker.latest_message.get("response_selector", {}).get(selector, {})
    picked = found.get("response") or {}
    key = picked.get("intent_response_key")
    if not key:
        return None
    return str(key), float(picked.get("confidence") or 0.0)


@dataclass(frozen=True)
class Caller:
    """The sender of the latest message: a channel user a front end's signature proves, or an
    anonymous customer of the REST channel."""

    channel: str
    user_id: str
    name: str
    message_id: str | None


# Events that put every slot back to its initial value.
_RESETS = frozenset({"restart", "reset_slots"})


def before_this_message(tracker: Tracker, slot: str) -> Any:
    """The slot's value before the latest message (Rasa has already set its candidates)."""
    value = before = None
    for event in tracker.events:
        kind = event.get("event")
        if kind == "user":
            before = value
        elif kind in _RESETS:
            value = None
        elif kind == "slot" and event.get("name") == slot:
            value = event.get("value")
    return before


def set_by_this_message(tracker: Tracker) -> list[str]:
    """The slots set since the latest message, in order (a button's entities, mapped by Rasa)."""
    names: list[str] = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "slot" and event.get("name") not in names:
            names.append(str(event.get("name")))
    return names[::-1]


def _latest_user_event(tracker: Tracker) -> dict[str, Any]:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return dict(event)
    return {}


def _proven(claim: object, sender_id: str) -> identity.Identity | None:
    secret = identity.secret_from(os.environ)
    if secret is None:
        return None
    try:
        return identity.verify(secret, claim, sender_id=sender_id, now=time.time())
    except identity.Unverified as exc:
        if claim is not None:
            logger.warning("identity claim rejected: %s", exc.reason)
        return None


def owned_by_a_channel_user(tracker: Tracker) -> bool:
    """Whether a front end ever signed a message of this conversation: it then belongs to that
    channel user, whatever an unsigned message under the same sender id claims."""
    secret = identity.secret_from(os.environ)
    sender = str(tracker.sender_id)
    claims = (
        (event.get("metadata") or {}).get("identity")
        for event in tracker.events
        if event.get("event") == "user"
    )
    return secret is not None and any(
        identity.signed_ever(secret, claim, sender_id=sender) for claim in claims
    )


def caller(tracker: Tracker) -> Caller:
    """Who sent the latest message (SPEC §6).

    The channel and user come only from a signature that verifies for this sender (the
    Telegram bot's, the terminal chat's as staff); anything else is the REST customer named by
    the sender id, whatever its metadata says. Records and the staff roster are keyed on
    (channel, user), so such a sender reaches no Telegram user's records and no staff power.
    """
    event = _latest_user_event(tracker)
    metadata = event.get("metadata") or tracker.latest_message.get("metadata") or {}
    name = str(metadata.get("first_name") or metadata.get("username") or "")
    sender = str(tracker.sender_id)
    proven = _proven(metadata.get("identity"), sender)
    if proven is not None:
        # The front end's own message id (Telegram's) survives redelivery; Rasa's is per request.
        return Caller(proven.channel, proven.user_id, name, proven.message_id)
    message_id = event.get("message_id")
    return Caller(DEFAULT_CHANNEL, sender, name, None if message_id is None else str(message_id))

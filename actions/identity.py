"""Who is talking: the channel user behind a conversation, and their person record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.db import Person, get_or_create_person

DEFAULT_CHANNEL = "rest"
ROLES = {"cliente": "customer", "consultor": "consultant"}


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


def find_person(session: Session, who: Caller) -> Person | None:
    return session.scalar(
        select(Person).where(Person.channel == who.channel, Person.channel_user_id == who.user_id)
    )


def remember_person(session: Session, who: Caller, perfil: str, unit: str | None) -> Person:
    """Create or update the person with the role they declared (asked once, then known)."""
    person = get_or_create_person(session, who.channel, who.user_id, who.name)
    person.role = ROLES[perfil]
    person.unit = unit if perfil == "consultor" else None
    if who.name and not person.name:
        person.name = who.name
    session.flush()
    return person

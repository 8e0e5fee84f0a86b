"""Who is talking: the channel user behind a conversation, and their person record."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.tracker import Caller
from consultoria.db import Person, get_or_create_person

ROLES = {"cliente": "customer", "consultor": "consultant"}


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

"""Who is talking: the channel user behind a conversation, and their person record."""

from __future__ import annotations

from sqlalchemy.orm import Session

from actions.tracker import Caller
from consultoria.db import Person
from consultoria.services import people
from consultoria.services.actors import Customer

# The `perfil` slot's values and the roles they declare.
ROLES = {"cliente": "customer", "consultor": "consultant"}


def find_person(session: Session, who: Caller) -> Person | None:
    return people.find_person(session, who.channel, who.user_id)


def remember_person(session: Session, who: Caller, perfil: str, unit: str | None) -> Person:
    """Create or update the person with the role they declared (asked once, then known)."""
    return people.remember_person(
        session, who.channel, who.user_id, who.name, role=ROLES[perfil], unit=unit
    )


def acting_customer(session: Session, who: Caller) -> Customer:
    """The sender as the customer who answers or books; someone without a record yet is
    recorded as a customer (a consultant says so when a form asks)."""
    person = find_person(session, who) or remember_person(session, who, "cliente", None)
    return Customer(person, who.channel)

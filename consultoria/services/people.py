"""People and the staff roster: the person behind a channel user, the role they declared, and
who is staff, which the roster seeded from the configuration alone decides."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultoria.db.idempotent import add_or_get
from consultoria.db.models import Person, StaffMember
from consultoria.services.actors import Staff
from consultoria.settings import StaffSeed

TELEGRAM = "telegram"
CONSULTANT = "consultant"


def find_person(session: Session, channel: str, channel_user_id: str) -> Person | None:
    return session.scalar(
        select(Person).where(Person.channel == channel, Person.channel_user_id == channel_user_id)
    )


def get_or_create_person(
    session: Session, channel: str, channel_user_id: str, name: str, role: str = "customer"
) -> Person:
    """The person behind a channel user; `role` applies only when the record is created."""
    person, _ = add_or_get(
        session,
        Person(channel=channel, channel_user_id=channel_user_id, name=name, role=role),
        partial(find_person, session, channel, channel_user_id),
    )
    return person


def remember_person(
    session: Session, channel: str, channel_user_id: str, name: str, *, role: str, unit: str | None
) -> Person:
    """Create or update the person with the role they declared (asked once, then known).

    Only a consultant bills a unit; a name the channel gives fills one not known yet.
    """
    person = get_or_create_person(session, channel, channel_user_id, name)
    person.role = role
    person.unit = unit if role == CONSULTANT else None
    if name and not person.name:
        person.name = name
    session.flush()
    return person


def bill_to(person: Person) -> dict[str, str | None]:
    """Who pays what `person` books now: their unit when they are a consultant with one (SPEC
    §2), otherwise the customer; the plantão's columns `bill_to` and `bill_to_unit`."""
    if person.role == CONSULTANT and person.unit:
        return {"bill_to": "consultant_unit", "bill_to_unit": person.unit}
    return {"bill_to": "customer", "bill_to_unit": None}


def _find_member(session: Session, channel: str, channel_user_id: str) -> StaffMember | None:
    return session.scalar(
        select(StaffMember).where(
            StaffMember.channel == channel, StaffMember.channel_user_id == channel_user_id
        )
    )


def sync_staff(session: Session, seeds: Iterable[StaffSeed]) -> None:
    """Add or reactivate the configured staff; members added otherwise are left as they are."""
    for seed in seeds:
        member, created = add_or_get(
            session,
            StaffMember(channel=TELEGRAM, channel_user_id=seed.telegram_user_id, name=seed.name),
            partial(_find_member, session, TELEGRAM, seed.telegram_user_id),
        )
        if not created:
            member.active = True
            member.name = seed.name


def is_staff(session: Session, channel: str, channel_user_id: str) -> bool:
    member = _find_member(session, channel, channel_user_id)
    return member is not None and member.active


def staff_person(session: Session, channel: str, channel_user_id: str, name: str) -> Person:
    """The person record events point to when a roster member acts."""
    return get_or_create_person(session, channel, channel_user_id, name, role="staff")


def staff_actor(session: Session, channel: str, channel_user_id: str, name: str) -> Staff | None:
    """The roster member behind a channel user as the actor of staff operations, or None."""
    if not is_staff(session, channel, channel_user_id):
        return None
    return Staff(staff_person(session, channel, channel_user_id, name), channel)

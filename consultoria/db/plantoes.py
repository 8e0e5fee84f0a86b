"""Plantão bookings: the request, state changes by compare-and-set, and who may see what."""

from __future__ import annotations

from collections.abc import Iterable, Set
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .idempotent import add_or_get
from .models import Notification, Person, Plantao, PlantaoEvent, format_ref
from .types import utcnow

# SPEC §4. A confirmed shift can also be ended early: staff may end it before anything
# marked it in progress.
TRANSITIONS: dict[str, frozenset[str]] = {
    "requested": frozenset({"confirmed", "cancelled"}),
    "confirmed": frozenset({"in_progress", "cancelled", "ended_early"}),
    "in_progress": frozenset({"completed", "ended_early"}),
    "completed": frozenset(),
    "ended_early": frozenset(),
    "cancelled": frozenset(),
}

_STATE_PHRASES = {
    "requested": "ainda aguarda confirmação",
    "confirmed": "já está confirmado",
    "in_progress": "já está em andamento",
    "completed": "já foi concluído",
    "ended_early": "já foi encerrado",
    "cancelled": "já está cancelado",
}


class PlantaoNotFound(LookupError):
    """No shift has this id; the message is pt-BR."""

    def __init__(self, plantao_id: int) -> None:
        super().__init__(f"Não encontrei o plantão {format_ref(plantao_id)}.")
        self.plantao_id = plantao_id


class StateConflict(Exception):
    """The shift is no longer in a state that allows the change; the message is pt-BR."""

    def __init__(self, plantao_id: int, state: str) -> None:
        super().__init__(f"O plantão {format_ref(plantao_id)} {_STATE_PHRASES[state]}.")
        self.plantao_id = plantao_id
        self.state = state


class InvalidTransition(ValueError):
    """A change the lifecycle never allows: a programming error, not a user's."""


def _find_person(session: Session, channel: str, channel_user_id: str) -> Person | None:
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
        partial(_find_person, session, channel, channel_user_id),
    )
    return person


def _find_by_request_key(session: Session, request_key: str | None) -> Plantao | None:
    if request_key is None:
        return None
    return session.scalar(select(Plantao).where(Plantao.request_key == request_key))


def _record(session: Session, plantao: Plantao, event: PlantaoEvent) -> None:
    """Append the event and, for what the staff chat must hear about, its notification."""
    session.add(event)
    session.flush()
    if event.to_state in ("requested", "cancelled"):
        session.add(
            Notification(
                kind=f"plantao_{event.to_state}",
                # Only references: the sender reads the current shift and event when it runs.
                payload={"plantao_id": plantao.id, "ref": plantao.ref, "event_id": event.id},
                dedupe_key=f"plantao:{plantao.id}:{event.to_state}",
            )
        )
        session.flush()


def request_plantao(
    session: Session,
    *,
    person: Person,
    start_at: datetime,
    end_at: datetime,
    specialists: int,
    reason: str,
    contact_phone: str,
    request_key: str | None,
    price_version_id: int | None,
    quoted_minutes: int,
    quoted_amount: Decimal | None,
    channel: str,
) -> tuple[Plantao, bool]:
    """Book a shift in state `requested`; a repeated `request_key` returns the first booking."""
    plantao, created = add_or_get(
        session,
        Plantao(
            person_id=person.id,
            start_at=start_at,
            end_at=end_at,
            specialists=specialists,
            reason=reason,
            contact_phone=contact_phone,
            request_key=request_key,
            price_version_id=price_version_id,
            quoted_minutes=quoted_minutes,
            quoted_amount=quoted_amount,
        ),
        partial(_find_by_request_key, session, request_key),
    )
    if created:
        event = PlantaoEvent(
            plantao_id=plantao.id,
            to_state="requested",
            actor_person_id=person.id,
            actor_role="customer",
            channel=channel,
        )
        _record(session, plantao, event)
    return plantao, created


def transition(
    session: Session,
    plantao_id: int,
    *,
    to_state: str,
    allowed_from: Set[str],
    actor_person_id: int | None,
    actor_role: str,
    channel: str,
    billed_minutes: int | None = None,
    amount_due: Decimal | None = None,
    ended_at: datetime | None = None,
    specialist_name: str | None = None,
    note: str | None = None,
    due_minutes: int | None = None,
    due_amount: Decimal | None = None,
) -> Plantao:
    """Move a shift from one of `allowed_from` to `to_state`, or raise StateConflict.

    The UPDATE only matches the state and version read here, so of two concurrent changes
    exactly one wins, whatever the isolation level. `due_minutes`/`due_amount` are what the
    event records as then due while the shift's own amounts stay unset (e.g. on confirmation).
    """
    if not allowed_from or any(to_state not in TRANSITIONS.get(s, ()) for s in allowed_from):
        raise InvalidTransition(f"{sorted(allowed_from)} -> {to_state} is not a plantão transition")
    plantao = session.get(Plantao, plantao_id, populate_existing=True)
    if plantao is None:
        raise PlantaoNotFound(plantao_id)
    if plantao.state not in allowed_from:
        raise StateConflict(plantao_id, plantao.state)
    from_state = plantao.state
    changes: dict[str, Any] = {
        "state": to_state,
        "version": plantao.version + 1,
        "updated_at": utcnow(),
    }
    optional = {
        "billed_minutes": billed_minutes,
        "amount_due": amount_due,
        "ended_at": ended_at,
        "specialist_name": specialist_name,
    }
    changes.update({key: value for key, value in optional.items() if value is not None})
    changed = session.scalar(
        update(Plantao)
        .where(
            Plantao.id == plantao_id,
            Plantao.state.in_(allowed_from),
            Plantao.version == plantao.version,
        )
        .values(changes)
        .returning(Plantao.id)
        # Refresh in-session objects only for rows the database really changed.
        .execution_options(synchronize_session="fetch")
    )
    if changed is None:
        session.refresh(plantao)
        raise StateConflict(plantao_id, plantao.state)
    event = PlantaoEvent(
        plantao_id=plantao_id,
        from_state=from_state,
        to_state=to_state,
        actor_person_id=actor_person_id,
        actor_role=actor_role,
        channel=channel,
        billed_minutes=due_minutes if plantao.billed_minutes is None else plantao.billed_minutes,
        amount_due=due_amount if plantao.amount_due is None else plantao.amount_due,
        note=note,
    )
    _record(session, plantao, event)
    return plantao


def get_plantao_for_person(session: Session, plantao_id: int, person_id: int) -> Plantao | None:
    """The shift if it belongs to `person_id`; None otherwise, as if it did not exist."""
    return session.scalar(
        select(Plantao).where(Plantao.id == plantao_id, Plantao.person_id == person_id)
    )


def list_plantoes_for_person(session: Session, person_id: int) -> list[Plantao]:
    query = select(Plantao).where(Plantao.person_id == person_id)
    return list(session.scalars(query.order_by(Plantao.start_at, Plantao.id)))


def list_plantoes(
    session: Session,
    *,
    day_start_utc: datetime | None = None,
    day_end_utc: datetime | None = None,
    states: Iterable[str] | None = None,
) -> list[Plantao]:
    """Shifts whose window overlaps [day_start_utc, day_end_utc), in the given states."""
    query = select(Plantao)
    if day_end_utc is not None:
        query = query.where(Plantao.start_at < day_end_utc)
    if day_start_utc is not None:
        query = query.where(Plantao.end_at > day_start_utc)
    if states is not None:
        query = query.where(Plantao.state.in_(tuple(states)))
    return list(session.scalars(query.order_by(Plantao.start_at, Plantao.id)))


def find_by_request_key(session: Session, request_key: str) -> Plantao | None:
    """The booking an earlier delivery of the same confirmation made, if any."""
    return _find_by_request_key(session, request_key)

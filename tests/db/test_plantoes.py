"""Shift lifecycle: booking, state changes, history, outbox, and who may see a shift."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consultoria.db import (
    TRANSITIONS,
    InvalidTransition,
    Notification,
    Person,
    PlantaoEvent,
    PlantaoNotFound,
    StateConflict,
    get_or_create_person,
    get_plantao_for_person,
    list_plantoes,
    list_plantoes_for_person,
    transition,
    unit_of_work,
)
from consultoria.db.models import PLANTAO_STATES

from .conftest import SATURDAY, Book, by_staff


def _history(factory: sessionmaker[Session], plantao_id: int) -> list[tuple[str | None, str]]:
    with factory() as session:
        events = session.scalars(
            select(PlantaoEvent)
            .where(PlantaoEvent.plantao_id == plantao_id)
            .order_by(PlantaoEvent.id)
        )
        return [(e.from_state, e.to_state) for e in events]


def _outbox(factory: sessionmaker[Session]) -> list[tuple[str, str]]:
    with factory() as session:
        rows = session.scalars(select(Notification).order_by(Notification.id))
        return [(n.kind, n.dedupe_key) for n in rows]


def test_transition_table_covers_every_state() -> None:
    assert set(TRANSITIONS) == set(PLANTAO_STATES)
    assert all(targets <= set(PLANTAO_STATES) for targets in TRANSITIONS.values())


def test_get_or_create_person_is_idempotent(factory: sessionmaker[Session]) -> None:
    with unit_of_work(factory) as session:
        first = get_or_create_person(session, "telegram", "77", "Eva")
    with unit_of_work(factory) as session:
        again = get_or_create_person(session, "telegram", "77", "Eva Maria")
        other_channel = get_or_create_person(session, "whatsapp", "77", "Eva")
    assert again.id == first.id
    assert other_channel.id != first.id


def test_request_records_event_and_notification(
    factory: sessionmaker[Session], person: Person, book: Book
) -> None:
    plantao = book(request_key="tg:1001:msg:55")
    assert (plantao.ref, plantao.state, plantao.version) == ("P-0001", "requested", 1)
    assert _history(factory, plantao.id) == [(None, "requested")]
    with factory() as session:
        event = session.scalars(select(PlantaoEvent)).one()
        notification = session.scalars(select(Notification)).one()
    assert (event.actor_person_id, event.actor_role, event.channel) == (
        person.id,
        "customer",
        "telegram",
    )
    assert notification.kind == "plantao_requested"
    assert notification.dedupe_key == "plantao:1:requested"
    assert notification.payload == {"plantao_id": 1, "ref": "P-0001", "event_id": event.id}
    assert notification.delivered_at is None
    assert notification.attempts == 0


def test_same_request_key_books_once(factory: sessionmaker[Session], book: Book) -> None:
    first = book(request_key="tg:1001:msg:55")
    again = book(request_key="tg:1001:msg:55")
    different = book(request_key="tg:1001:msg:56")
    without_key = [book(), book()]
    assert again.id == first.id
    assert len({first.id, different.id, *(p.id for p in without_key)}) == 4
    assert _history(factory, first.id) == [(None, "requested")]
    assert len(_outbox(factory)) == 4


def test_full_lifecycle(factory: sessionmaker[Session], book: Book) -> None:
    plantao = book()
    with unit_of_work(factory) as session:
        confirmed = by_staff(session, plantao.id, "confirmed", "requested", specialist_name="Fábio")
        assert (confirmed.state, confirmed.version, confirmed.specialist_name) == (
            "confirmed",
            2,
            "Fábio",
        )
    with unit_of_work(factory) as session:
        by_staff(session, plantao.id, "in_progress", "confirmed")
    ended_at = SATURDAY + timedelta(hours=2)
    with unit_of_work(factory) as session:
        ended = by_staff(
            session,
            plantao.id,
            "ended_early",
            "confirmed",
            "in_progress",
            billed_minutes=240,
            amount_due=Decimal("960.00"),
            ended_at=ended_at,
            note="Cliente liberou o especialista",
        )
    assert (ended.state, ended.version, ended.billed_minutes) == ("ended_early", 4, 240)
    assert ended.ended_at == ended_at
    assert _history(factory, plantao.id) == [
        (None, "requested"),
        ("requested", "confirmed"),
        ("confirmed", "in_progress"),
        ("in_progress", "ended_early"),
    ]
    with factory() as session:
        last = session.scalars(select(PlantaoEvent).order_by(PlantaoEvent.id.desc())).first()
    assert last is not None
    assert (last.amount_due, last.note) == (Decimal("960.00"), "Cliente liberou o especialista")
    # Only requests and cancellations reach the staff chat.
    assert [kind for kind, _ in _outbox(factory)] == ["plantao_requested"]


def test_cancellation_notifies(factory: sessionmaker[Session], person: Person, book: Book) -> None:
    plantao = book()
    with unit_of_work(factory) as session:
        cancelled = transition(
            session,
            plantao.id,
            to_state="cancelled",
            allowed_from={"requested", "confirmed"},
            actor_person_id=person.id,
            actor_role="customer",
            channel="telegram",
            billed_minutes=0,
            amount_due=Decimal("0.00"),
        )
    assert cancelled.state == "cancelled"
    assert _outbox(factory) == [
        ("plantao_requested", f"plantao:{plantao.id}:requested"),
        ("plantao_cancelled", f"plantao:{plantao.id}:cancelled"),
    ]


def test_state_conflict_names_the_current_state(factory: sessionmaker[Session], book: Book) -> None:
    plantao = book()
    with unit_of_work(factory) as session:
        by_staff(session, plantao.id, "cancelled", "requested", "confirmed")
    expected = r"^O plantão P-0001 já está cancelado\.$"
    with pytest.raises(StateConflict, match=expected) as caught, unit_of_work(factory) as session:
        by_staff(session, plantao.id, "cancelled", "requested", "confirmed")
    assert caught.value.state == "cancelled"
    assert _history(factory, plantao.id) == [(None, "requested"), ("requested", "cancelled")]


@pytest.mark.parametrize(
    ("allowed_from", "to_state"),
    [
        ({"requested"}, "ended_early"),
        ({"requested"}, "in_progress"),
        ({"in_progress"}, "cancelled"),
        ({"confirmed", "completed"}, "cancelled"),
        ({"cancelled"}, "requested"),
        (set(), "cancelled"),
        ({"requested"}, "archived"),
    ],
)
def test_invalid_transitions(
    factory: sessionmaker[Session], book: Book, allowed_from: set[str], to_state: str
) -> None:
    plantao = book()
    with pytest.raises(InvalidTransition), unit_of_work(factory) as session:
        by_staff(session, plantao.id, to_state, *allowed_from)


def test_unknown_shift(factory: sessionmaker[Session]) -> None:
    with pytest.raises(PlantaoNotFound, match="P-0099"), unit_of_work(factory) as session:
        by_staff(session, 99, "confirmed", "requested")


def test_a_person_sees_only_their_shifts(
    factory: sessionmaker[Session], person: Person, other_person: Person, book: Book
) -> None:
    mine = book(person)
    theirs = book(other_person)
    with factory() as session:
        assert get_plantao_for_person(session, mine.id, person.id) is not None
        assert get_plantao_for_person(session, theirs.id, person.id) is None
        assert [p.id for p in list_plantoes_for_person(session, person.id)] == [mine.id]
        assert [p.id for p in list_plantoes_for_person(session, other_person.id)] == [theirs.id]


def test_list_by_day_and_state(factory: sessionmaker[Session], book: Book) -> None:
    day = SATURDAY.replace(hour=3)  # midnight in São Paulo, in UTC
    overnight = book(start_at=day - timedelta(hours=2), hours=4)  # from the day before
    morning = book(start_at=SATURDAY)
    next_day = book(start_at=day + timedelta(days=1))
    with unit_of_work(factory) as session:
        by_staff(session, morning.id, "confirmed", "requested")
    with factory() as session:
        on_the_day = list_plantoes(session, day_start_utc=day, day_end_utc=day + timedelta(days=1))
        pending = list_plantoes(session, states={"requested"})
        everything = list_plantoes(session)
    assert [p.id for p in on_the_day] == [overnight.id, morning.id]
    assert [p.id for p in pending] == [overnight.id, next_day.id]
    assert [p.id for p in everything] == [overnight.id, morning.id, next_day.id]

"""Plantão lifecycle: booking, state changes, history, outbox, and who may see a plantão."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consultoria.db import Notification, Person, PlantaoEvent, unit_of_work
from consultoria.db.models import PLANTAO_STATES
from consultoria.services import plantoes
from consultoria.services.actors import Customer, Staff
from consultoria.services.people import get_or_create_person, staff_person
from consultoria.services.plantoes import (
    TRANSITIONS,
    InvalidTransition,
    PlantaoNotFound,
    StateConflict,
)
from consultoria.settings import Settings
from tests.support.databases import SATURDAY, Book, by_customer, by_staff, end_early_by_staff


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
        ended = end_early_by_staff(
            session, plantao.id, ended_at, note="Cliente liberou o especialista"
        )
    assert (ended.state, ended.version, ended.charged_minutes) == ("ended_early", 4, 240)
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
        cancelled = by_customer(
            session,
            plantao.id,
            person,
            "cancelled",
            "requested",
            "confirmed",
            charged_minutes=0,
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
    with pytest.raises(StateConflict) as caught, unit_of_work(factory) as session:
        by_staff(session, plantao.id, "cancelled", "requested", "confirmed")
    assert (caught.value.ref, caught.value.state) == ("P-0001", "cancelled")
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


def test_unknown_plantao(factory: sessionmaker[Session]) -> None:
    with pytest.raises(PlantaoNotFound, match="P-0099"), unit_of_work(factory) as session:
        by_staff(session, 99, "confirmed", "requested")


def test_a_person_sees_only_their_plantoes(
    factory: sessionmaker[Session], person: Person, other_person: Person, book: Book
) -> None:
    mine = book(person)
    theirs = book(other_person)
    me, them = Customer(person, "telegram"), Customer(other_person, "telegram")
    with factory() as session:
        assert plantoes.get(session, me, mine.id).id == mine.id
        with pytest.raises(PlantaoNotFound):
            plantoes.get(session, me, theirs.id)
        assert [p.id for p in plantoes.list_for_customer(session, me)] == [mine.id]
        assert [p.id for p in plantoes.list_for_customer(session, them)] == [theirs.id]


def test_a_customer_changes_only_their_own_plantoes(
    factory: sessionmaker[Session], person: Person, other_person: Person, book: Book
) -> None:
    theirs = book(other_person)
    with pytest.raises(PlantaoNotFound), unit_of_work(factory) as session:
        by_customer(session, theirs.id, person, "cancelled", "requested")
    assert _history(factory, theirs.id) == [(None, "requested")]


def test_a_repeated_request_is_found_only_by_whoever_made_it(
    factory: sessionmaker[Session], person: Person, other_person: Person, book: Book
) -> None:
    first = book(request_key="tg:1001:msg:55")
    with factory() as session:
        found = plantoes.find_by_request_key(
            session, Customer(person, "telegram"), "tg:1001:msg:55"
        )
        other = Customer(other_person, "telegram")
        assert found is not None and found.id == first.id
        assert plantoes.find_by_request_key(session, other, "tg:1001:msg:55") is None
        assert plantoes.find_by_request_key(session, other, "tg:1001:msg:56") is None


def test_only_open_plantoes_are_offered_for_cancelling(
    factory: sessionmaker[Session], person: Person, book: Book
) -> None:
    waiting = book()
    confirmed = book(start_at=SATURDAY + timedelta(days=1))
    cancelled = book(start_at=SATURDAY + timedelta(days=2))
    with unit_of_work(factory) as session:
        by_staff(session, confirmed.id, "confirmed", "requested")
        by_staff(session, cancelled.id, "cancelled", "requested")
    with factory() as session:
        own = plantoes.list_for_customer(
            session, Customer(person, "telegram"), cancellable_only=True
        )
    assert [p.id for p in own] == [waiting.id, confirmed.id]


def test_list_by_day_and_state(
    factory: sessionmaker[Session], person: Person, book: Book, settings: Settings
) -> None:
    day = SATURDAY.replace(hour=3)  # midnight in São Paulo, in UTC
    overnight = book(start_at=day - timedelta(hours=2), hours=4)  # from the day before
    morning = book(start_at=SATURDAY)
    next_day = book(start_at=day + timedelta(days=1))
    with unit_of_work(factory) as session:
        by_staff(session, morning.id, "confirmed", "requested")
        staff = Staff(staff_person(session, "telegram", "900", "Equipe Plantão"), "telegram")

    def listed(on: date | None) -> list[int]:
        with factory() as session:
            found = plantoes.list_for_staff(
                session, staff, day=on, now=SATURDAY, rules=settings.tariff
            )
        assert all(item.customer is not None and item.customer.id == person.id for item in found)
        return [item.plantao.id for item in found]

    assert listed(date(2030, 6, 1)) == [overnight.id, morning.id]
    assert listed(date(2030, 6, 2)) == [next_day.id]
    assert listed(None) == [overnight.id, next_day.id]  # awaiting confirmation

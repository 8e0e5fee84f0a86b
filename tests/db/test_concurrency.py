"""Races between real concurrent sessions: exactly one change wins, nothing is duplicated.

Each competitor runs in its own thread with its own connection, released together by a
barrier. SQLite serializes writers (BEGIN IMMEDIATE + busy_timeout), so there the loser waits
and then sees the winner's commit; PostgreSQL runs them truly in parallel, and the tests marked
`postgres_only` force the exact interleavings the compare-and-set and the savepoint handle.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from consultoria.db import Notification, Person, Plantao, PlantaoEvent, unit_of_work
from consultoria.services.actors import Customer
from consultoria.services.people import get_or_create_person
from consultoria.services.plantoes import StateConflict, request_plantao
from tests.support.databases import (
    SATURDAY,
    Book,
    by_customer,
    by_staff,
    end_early_by_staff,
    postgres_only,
)
from tests.support.races import race, race_to_create

ROUNDS = 5


def _in_session(
    factory: sessionmaker[Session], change: Callable[..., Plantao], *args: Any, **kwargs: Any
) -> Callable[[], Plantao]:
    """`change(session, *args, **kwargs)` in a unit of work of its own, when called."""

    def move() -> Plantao:
        with unit_of_work(factory) as session:
            return change(session, *args, **kwargs)

    return move


def _cancel(
    factory: sessionmaker[Session], plantao_id: int, person: Person
) -> Callable[[], Plantao]:
    cancellable = ("requested", "confirmed")
    return _in_session(factory, by_customer, plantao_id, person, "cancelled", *cancellable)


def _count(factory: sessionmaker[Session], model: type[Any], *where: Any) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _split(outcomes: list[Any]) -> tuple[list[Plantao], list[StateConflict]]:
    wins = [o for o in outcomes if isinstance(o, Plantao)]
    conflicts = [o for o in outcomes if isinstance(o, StateConflict)]
    assert len(wins) + len(conflicts) == len(outcomes), outcomes
    return wins, conflicts


def test_two_cancellations_one_wins(
    factory: sessionmaker[Session], person: Person, book: Book
) -> None:
    for round_ in range(ROUNDS):
        plantao = book(start_at=SATURDAY + timedelta(days=round_))
        wins, conflicts = _split(
            race(_cancel(factory, plantao.id, person), _cancel(factory, plantao.id, person))
        )
        assert len(wins) == 1
        assert [(c.plantao_id, c.state) for c in conflicts] == [(plantao.id, "cancelled")]
        assert (
            _count(
                factory,
                PlantaoEvent,
                PlantaoEvent.plantao_id == plantao.id,
                PlantaoEvent.to_state == "cancelled",
            )
            == 1
        )
        assert (
            _count(
                factory, Notification, Notification.dedupe_key == f"plantao:{plantao.id}:cancelled"
            )
            == 1
        )


def test_cancellation_racing_an_early_end(
    factory: sessionmaker[Session], person: Person, book: Book
) -> None:
    for round_ in range(ROUNDS):
        plantao = book(start_at=SATURDAY + timedelta(days=round_))
        _in_session(factory, by_staff, plantao.id, "confirmed", "requested")()
        ended_at = plantao.start_at + timedelta(hours=1)
        end_early = _in_session(factory, end_early_by_staff, plantao.id, ended_at)
        wins, conflicts = _split(race(_cancel(factory, plantao.id, person), end_early))
        assert len(wins) == 1
        assert len(conflicts) == 1
        winner = wins[0].state
        assert conflicts[0].state == winner
        with factory() as session:
            final = session.get_one(Plantao, plantao.id)
            events = session.scalars(
                select(PlantaoEvent.to_state)
                .where(PlantaoEvent.plantao_id == plantao.id)
                .order_by(PlantaoEvent.id)
            ).all()
        assert (final.state, final.version) == (winner, 3)
        assert events == ["requested", "confirmed", winner]
        cancellations = _count(
            factory, Notification, Notification.dedupe_key == f"plantao:{plantao.id}:cancelled"
        )
        assert cancellations == (1 if winner == "cancelled" else 0)


def _book_in(session: Session, person: Person, request_key: str) -> tuple[Plantao, bool]:
    return request_plantao(
        session,
        Customer(person, "telegram"),
        start_at=SATURDAY,
        end_at=SATURDAY + timedelta(hours=10),
        specialists=1,
        reason="Virada de sistema",
        contact_phone="+55 11 3333-4444",
        request_key=request_key,
        price_version_id=None,
        quoted_minutes=600,
        quoted_amount=Decimal("2400.00"),
    )


def _request(
    factory: sessionmaker[Session], person: Person, request_key: str
) -> Callable[[], tuple[Plantao, bool]]:
    def request() -> tuple[Plantao, bool]:
        with unit_of_work(factory) as session:
            return _book_in(session, person, request_key)

    return request


def test_same_request_delivered_twice_at_once(
    factory: sessionmaker[Session], person: Person
) -> None:
    for round_ in range(ROUNDS):
        key = f"tg:1001:update:{round_}"
        outcomes = race(*(_request(factory, person, key) for _ in range(3)))
        assert sorted(created for _, created in outcomes) == [False, False, True]
        assert len({plantao.id for plantao, _ in outcomes}) == 1
        assert _count(factory, Plantao, Plantao.request_key == key) == 1
    assert _count(factory, PlantaoEvent) == ROUNDS
    assert _count(factory, Notification) == ROUNDS


def test_first_message_of_a_new_person_from_two_workers(factory: sessionmaker[Session]) -> None:
    race_to_create(
        factory, lambda session: get_or_create_person(session, "telegram", "4242", "Gil").id
    )
    assert _count(factory, Person, Person.channel_user_id == "4242") == 1


@postgres_only
def test_compare_and_set_rejects_a_change_committed_after_the_read(
    factory: sessionmaker[Session], person: Person, book: Book
) -> None:
    plantao = book()
    cancel = _cancel(factory, plantao.id, person)
    cancelled: list[Plantao] = []

    def cancel_before_update(state: ORMExecuteState) -> None:
        # The customer's cancellation commits after this session read `requested`, version 1.
        if state.is_update and not cancelled:
            cancelled.append(cancel())

    with pytest.raises(StateConflict) as caught, unit_of_work(factory) as session:
        event.listen(session, "do_orm_execute", cancel_before_update)
        by_staff(session, plantao.id, "confirmed", "requested")
    assert caught.value.state == "cancelled"
    with factory() as session:
        final = session.get_one(Plantao, plantao.id)
    assert [p.state for p in cancelled] == ["cancelled"]
    assert (final.state, final.version) == ("cancelled", 2)
    assert _count(factory, PlantaoEvent, PlantaoEvent.plantao_id == plantao.id) == 2


@postgres_only
def test_request_key_race_is_resolved_by_the_savepoint(
    factory: sessionmaker[Session], person: Person
) -> None:
    key = "tg:1001:update:9"
    with unit_of_work(factory) as session:
        # The other worker commits the same key after this one found it free, before its INSERT.
        event.listen(
            session, "before_flush", lambda *_: _request(factory, person, key)(), once=True
        )
        plantao, created = _book_in(session, person, key)
    assert not created
    assert _count(factory, Plantao, Plantao.request_key == key) == 1
    assert _count(factory, PlantaoEvent, PlantaoEvent.plantao_id == plantao.id) == 1

"""Term versions and acceptances on SQLite and PostgreSQL, with real concurrent sessions: the
same Term text is one version, a confirmation delivered twice at once books and accepts once,
and two customers' cancellations of one plantão record one outcome."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from actions.booking import ActionConfirmBooking
from actions.identity import remember_person
from actions.my_plantoes import ActionConfirmCancellation
from actions.terms import current_term
from actions.tracker import Caller
from consultoria import runtime
from consultoria.db import (
    Notification,
    Person,
    Plantao,
    PlantaoEvent,
    TermAcceptance,
    TermVersion,
    unit_of_work,
)
from consultoria.services.actors import Customer
from consultoria.services.terms import has_accepted, record_answer, sync_term
from consultoria.tariff import Modality
from tests.support.cancellations import ask_to_cancel, yes_after
from tests.support.databases import Book
from tests.support.plantoes import BOOKING_FORM
from tests.support.races import race, race_to_create
from tests.support.trackers import DOMAIN, question, texts, turn


@pytest.fixture
def live_database(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The actions' own runtime pointed at this test's database."""
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    runtime.sessions.cache_clear()
    yield
    runtime.sessions().kw["bind"].dispose()
    runtime.sessions.cache_clear()


def _count(factory: sessionmaker[Session], model: Any) -> int:
    with unit_of_work(factory) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_new_text_is_the_next_version_and_the_same_text_is_not(
    factory: sessionmaker[Session],
) -> None:
    with unit_of_work(factory) as session:
        first = sync_term(session, "plantao", "Termo", "texto 1")
        assert sync_term(session, "plantao", "Termo", "texto 1").id == first.id
        second = sync_term(session, "plantao", "Termo", "texto 2")
        assert (first.version, second.version) == (1, 2)


def test_concurrent_syncs_of_one_text_make_one_version(factory: sessionmaker[Session]) -> None:
    race_to_create(factory, lambda session: sync_term(session, "plantao", "Termo", "texto").id)
    assert _count(factory, TermVersion) == 1


def test_answers_are_append_only_and_the_last_one_counts(
    factory: sessionmaker[Session], person: Person
) -> None:
    with unit_of_work(factory) as session:
        version = sync_term(session, "plantao", "Termo", "texto")
        customer = Customer(person, "telegram")
        answer: dict[str, Any] = {
            "term": version,
            "shown_sha256": "a" * 64,
            "price_version_id": None,
            "quote": None,
        }
        record_answer(session, customer, accepted=False, message_id="1", **answer)
        assert not has_accepted(session, customer, version)
        record_answer(session, customer, accepted=True, message_id="2", **answer)
        record_answer(session, customer, accepted=True, message_id="2", **answer)  # redelivered
        assert has_accepted(session, customer, version)
    assert _count(factory, TermAcceptance) == 2
    with pytest.raises(IntegrityError), unit_of_work(factory) as session:
        session.execute(TermAcceptance.__table__.delete())


def test_a_confirmation_delivered_twice_at_once_books_and_accepts_once(
    live_database: None, factory: sessionmaker[Session]
) -> None:
    # The runtime records the configured prices first, as the action server does on start.
    with unit_of_work(runtime.sessions()) as session:
        remember_person(session, Caller("rest", "test-user", "Ana", None), "cliente", None)
        version, _ = current_term(session, runtime.context(), Modality.PLANTAO)
    shown = {**BOOKING_FORM, "termo_versao": float(version.id), "termo_hash": "b" * 64}
    asked = question("termo")

    def deliver() -> list[dict[str, Any]]:
        tracker = turn(
            "aceito", "affirm", slots=shown, asked_by="action_booking_summary", asked=asked
        )
        return asyncio.run(ActionConfirmBooking().run(CollectingDispatcher(), tracker, DOMAIN))

    race(deliver, deliver)
    counts = [_count(factory, m) for m in (Plantao, TermAcceptance, Notification)]
    assert counts == [1, 1, 1]


def test_two_cancellations_of_one_plantao_record_one_outcome(
    live_database: None, factory: sessionmaker[Session], book: Book, person: Person
) -> None:
    plantao = book()
    with unit_of_work(factory) as session:
        # The plantão's owner, as the channel names them in this conversation.
        owner = session.get(Person, person.id)
        assert owner is not None
        owner.channel, owner.channel_user_id = "rest", "test-user"

    asked = asyncio.run(ask_to_cancel(plantao.ref))

    def cancel() -> str:
        dispatcher = CollectingDispatcher()
        tracker = yes_after(asked, plantao.ref)
        asyncio.run(ActionConfirmCancellation().run(dispatcher, tracker, DOMAIN))
        return texts(dispatcher)  # the answer, then the calendar file when it cancelled

    replies = race(cancel, cancel)
    assert sum("cancelado (" in r for r in replies) == 1
    assert sum("Não cancelei" in r for r in replies) == 1
    with unit_of_work(factory) as session:
        events = session.scalars(select(PlantaoEvent).where(PlantaoEvent.to_state == "cancelled"))
        assert len(list(events)) == 1

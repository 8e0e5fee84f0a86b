"""Answers to a service's Term on SQLite and PostgreSQL: a Consultoria do Suporte acceptance
names its ticket and is recorded once per ticket and version, a refusal is recorded each time,
a consultant's answer records the unit, one person's acceptance is not another's, and each
answer recorded now tells the staff chat through the outbox."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consultoria.db import Notification, Person, TermAcceptance, TermVersion, unit_of_work
from consultoria.services.actors import Customer
from consultoria.services.people import remember_person
from consultoria.services.reports import acceptances_between
from consultoria.services.terms import (
    TERM_ANSWERED_KIND,
    ServiceAnswer,
    acceptance_of,
    answer_service_term,
    has_accepted,
    sync_term,
)
from consultoria.textparse import SAO_PAULO
from tests.support.races import race

TICKET = "18234567"


def _term(session: Session, modality: str = "suporte") -> TermVersion:
    return sync_term(session, modality, "Termo", f"Termo de {modality}")


def _given(term: TermVersion, **fields: Any) -> ServiceAnswer:
    values: dict[str, Any] = {
        "accepted": True,
        "shown_sha256": term.sha256,
        "price_version_id": None,
        "message_id": "m-1",
        "ticket": TICKET,
        **fields,
    }
    return ServiceAnswer(term=term, **values)


def _answer(factory: sessionmaker[Session], person: Person, **fields: Any) -> tuple[int, bool]:
    with unit_of_work(factory) as session:
        term = _term(session, fields.pop("modality", "suporte"))
        answer, created = answer_service_term(
            session, Customer(person, "telegram"), _given(term, **fields)
        )
        return answer.id, created


def _stored(factory: sessionmaker[Session]) -> list[tuple[Any, ...]]:
    with unit_of_work(factory) as session:
        rows = session.scalars(select(TermAcceptance).order_by(TermAcceptance.id))
        return [(r.person_id, r.modality, r.accepted, r.ticket, r.role, r.unit) for r in rows]


def _announced(factory: sessionmaker[Session]) -> list[tuple[str, dict[str, Any]]]:
    with unit_of_work(factory) as session:
        rows = session.scalars(select(Notification).order_by(Notification.id))
        return [(n.kind, dict(n.payload)) for n in rows]


def test_an_acceptance_for_a_ticket_is_recorded_once_and_announced(
    factory: sessionmaker[Session], person: Person
) -> None:
    first, created = _answer(factory, person)
    again, created_again = _answer(factory, person, message_id="m-2")
    assert (created, created_again) == (True, False) and again == first
    assert _stored(factory) == [(person.id, "suporte", True, TICKET, "customer", None)]
    assert _announced(factory) == [(TERM_ANSWERED_KIND, {"acceptance_id": first})]


def test_another_ticket_or_a_refusal_is_a_new_answer(
    factory: sessionmaker[Session], person: Person
) -> None:
    _answer(factory, person, accepted=False)
    _answer(factory, person, accepted=False, message_id="m-1")  # the same message again
    _answer(factory, person, accepted=False, message_id="m-2")
    _answer(factory, person)
    _answer(factory, person, ticket="18234568")
    stored = [(accepted, ticket) for _, _, accepted, ticket, _, _ in _stored(factory)]
    assert stored == [(False, TICKET), (False, TICKET), (True, TICKET), (True, "18234568")]
    assert len(_announced(factory)) == 4


def test_a_consultant_answers_for_their_unit(
    factory: sessionmaker[Session], person: Person
) -> None:
    with unit_of_work(factory) as session:
        consultant = remember_person(
            session, "telegram", "3003", "Bia", role="consultant", unit="Unidade Campinas"
        )
    _answer(factory, consultant)
    assert _stored(factory) == [
        (consultant.id, "suporte", True, TICKET, "consultant", "Unidade Campinas")
    ]


def test_one_persons_acceptance_is_not_anothers(
    factory: sessionmaker[Session], person: Person, other_person: Person
) -> None:
    _answer(factory, person)
    with unit_of_work(factory) as session:
        term = _term(session)
        mine = acceptance_of(session, Customer(person, "telegram"), term, TICKET)
        theirs = acceptance_of(session, Customer(other_person, "telegram"), term, TICKET)
        elsewhere = acceptance_of(session, Customer(person, "telegram"), term, "18234568")
    assert mine is not None and theirs is None and elsewhere is None
    _, created = _answer(factory, other_person)
    assert created


def test_the_telefonica_term_is_accepted_once_per_version_without_a_ticket(
    factory: sessionmaker[Session], person: Person
) -> None:
    _, created = _answer(factory, person, modality="telefonica", ticket=None)
    _, again = _answer(factory, person, modality="telefonica", ticket=None, message_id="m-2")
    assert (created, again) == (True, False)
    with unit_of_work(factory) as session:
        assert has_accepted(session, Customer(person, "telegram"), _term(session, "telefonica"))
        # An acceptance for a ticket is not an acceptance of the version for no ticket.
        assert not has_accepted(session, Customer(person, "telegram"), _term(session))
    assert _stored(factory) == [(person.id, "telefonica", True, None, "customer", None)]


def test_the_same_acceptance_delivered_twice_at_once_is_recorded_once(
    factory: sessionmaker[Session], person: Person
) -> None:
    with unit_of_work(factory) as session:
        _term(session)

    results = race(
        lambda: _answer(factory, person, message_id="m-1")[1],
        lambda: _answer(factory, person, message_id="m-2")[1],
    )
    assert sorted(results) == [False, True]
    with unit_of_work(factory) as session:
        count = session.scalar(select(func.count()).select_from(TermAcceptance))
    assert count == 1 and len(_announced(factory)) == 1


def test_the_telefonica_accepted_twice_at_once_is_recorded_once(
    factory: sessionmaker[Session], person: Person
) -> None:
    """No ticket, so no unique index: the person's row lock makes the second wait and find the
    first."""
    with unit_of_work(factory) as session:
        _term(session, "telefonica")
    results = race(
        *(
            lambda n=n: _answer(factory, person, modality="telefonica", ticket=None, message_id=n)
            for n in ("m-1", "m-2", "m-3")
        )
    )
    assert sorted(created for _, created in results) == [False, False, True]
    assert _stored(factory) == [(person.id, "telefonica", True, None, "customer", None)]
    assert len(_announced(factory)) == 1


def test_the_acceptances_report_names_the_ticket(
    factory: sessionmaker[Session], person: Person
) -> None:
    _answer(factory, person, accepted=False)
    _answer(factory, person, modality="telefonica", ticket=None)
    today = datetime.now(SAO_PAULO).date()
    with unit_of_work(factory) as session:
        rows = acceptances_between(session, today - timedelta(days=1), today, SAO_PAULO)
    assert [(r.modality, r.decision, r.subject) for r in rows] == [
        ("suporte", "refused", f"ticket {TICKET}"),
        ("telefonica", "accepted", None),
    ]

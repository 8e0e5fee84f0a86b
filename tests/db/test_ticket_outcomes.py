"""Staff decisions on a Consultoria do Suporte ticket, on SQLite and PostgreSQL: the outcome and
minutes recorded against the accepted Term, priced by the tariff engine (minimum per call, waived
for a new inconsistency, minutes only while the rate is unset, a consultant's unit billed), a
correction appended, the customer told through the outbox, and nothing recorded without an
acceptance or with bad input; a customer reads the decisions on their own acceptances only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consultoria.db import (
    Notification,
    Person,
    PriceVersionRow,
    TicketOutcomeRow,
    unit_of_work,
)
from consultoria.services import tickets
from consultoria.services.actors import Customer, Staff
from consultoria.services.people import remember_person, staff_person
from consultoria.services.terms import ServiceAnswer, answer_service_term, sync_term
from consultoria.services.tickets import (
    OUTCOME_RECORDED_KIND,
    Decision,
    InvalidMinutes,
    InvalidTicket,
    NoAcceptance,
    NothingToRecord,
    OutcomeMissing,
)
from consultoria.settings import Settings
from consultoria.textparse import TicketOutcome

TICKET = "18234567"
NEW = TicketOutcome.NEW_INCONSISTENCY
PUBLISHED = TicketOutcome.PUBLISHED
NONE = TicketOutcome.NO_INCONSISTENCY


def accept(
    factory: sessionmaker[Session], person: Person, *, ticket: str = TICKET, **kw: Any
) -> int:
    """The person's answer to the Suporte Term for `ticket` (accepted unless told)."""
    with unit_of_work(factory) as session:
        term = sync_term(session, "suporte", "Termo", "Termo da Consultoria do Suporte")
        given = ServiceAnswer(
            term=term,
            accepted=kw.get("accepted", True),
            shown_sha256=term.sha256,
            price_version_id=None,
            message_id=kw.get("message_id", "m-accept"),
            ticket=ticket,
        )
        answer, _ = answer_service_term(session, Customer(person, "telegram"), given)
        return answer.id


def set_rate(factory: sessionmaker[Session], per_minute: str | None) -> int:
    with unit_of_work(factory) as session:
        row = PriceVersionRow(
            modality="suporte",
            per_minute=None if per_minute is None else Decimal(per_minute),
            effective=date(2026, 1, 1),
            source="config",
        )
        session.add(row)
        session.flush()
        return row.id


def decide(
    factory: sessionmaker[Session],
    settings: Settings,
    outcome: TicketOutcome | None,
    minutes: int | None,
    *,
    ticket: str = TICKET,
    message_id: str | None = None,
) -> tickets.Recorded:
    with unit_of_work(factory) as session:
        staff = Staff(staff_person(session, "telegram", "9001", "Carla"), "telegram")
        decision = Decision(ticket, outcome, minutes, message_id)
        return tickets.record(session, staff, decision, settings.tariff)


def rows(factory: sessionmaker[Session]) -> list[tuple[Any, ...]]:
    with unit_of_work(factory) as session:
        found = session.scalars(select(TicketOutcomeRow).order_by(TicketOutcomeRow.id))
        return [(r.outcome, r.minutes, r.billed_minutes, r.amount) for r in found]


def told(factory: sessionmaker[Session]) -> list[dict[str, Any]]:
    with unit_of_work(factory) as session:
        found = session.scalars(
            select(Notification).where(Notification.kind == OUTCOME_RECORDED_KIND)
        )
        return [dict(n.payload) for n in found]


def test_an_outcome_then_the_minutes_are_priced_and_the_customer_told(
    factory: sessionmaker[Session], settings: Settings, person: Person
) -> None:
    acceptance_id = accept(factory, person)
    price_id = set_rate(factory, "2.50")
    first = decide(factory, settings, PUBLISHED, None, message_id="s-1")
    second = decide(factory, settings, None, 35, message_id="s-2")
    assert rows(factory) == [
        ("published", None, None, None),
        ("published", 35, 35, Decimal("87.50")),
    ]
    assert second.acceptance.id == acceptance_id and second.customer.id == person.id
    assert second.row.price_version_id == price_id and second.row.staff_person_id != person.id
    assert (second.row.channel, second.row.message_id) == ("telegram", "s-2")
    assert told(factory) == [{"outcome_id": first.row.id}, {"outcome_id": second.row.id}]


def test_the_minimum_applies_and_a_new_inconsistency_is_waived(
    factory: sessionmaker[Session], settings: Settings, person: Person
) -> None:
    accept(factory, person)
    set_rate(factory, "2.50")
    decide(factory, settings, NONE, 4)
    decide(factory, settings, NEW, None)  # a correction keeps the minutes
    assert rows(factory) == [
        ("no_inconsistency", 4, 10, Decimal("25.00")),
        ("new_inconsistency", 4, 10, Decimal("0.00")),
    ]
    with unit_of_work(factory) as session:
        state = tickets.latest(session, TICKET)
        assert state is not None and state.outcome == "new_inconsistency"


def test_with_the_rate_unset_only_minutes_are_recorded(
    factory: sessionmaker[Session], settings: Settings, person: Person
) -> None:
    accept(factory, person)
    price_id = set_rate(factory, None)
    charged = decide(factory, settings, NONE, 45)
    waived = decide(factory, settings, NEW, None)
    assert rows(factory) == [
        ("no_inconsistency", 45, 45, None),
        ("new_inconsistency", 45, 45, Decimal("0.00")),
    ]
    assert charged.row.price_version_id == price_id == waived.row.price_version_id


def test_a_consultants_acceptance_bills_their_unit(
    factory: sessionmaker[Session], settings: Settings
) -> None:
    with unit_of_work(factory) as session:
        consultant = remember_person(
            session, "telegram", "3003", "Bia", role="consultant", unit="Unidade Campinas"
        )
    accept(factory, consultant)
    set_rate(factory, "2.00")
    recorded = decide(factory, settings, PUBLISHED, 20)
    assert (recorded.acceptance.role, recorded.acceptance.unit) == (
        "consultant",
        "Unidade Campinas",
    )
    with unit_of_work(factory) as session:
        quote = tickets.quote(session, recorded.acceptance, PUBLISHED, 20, settings.tariff)
    assert quote.bill_to.value == "consultant_unit" and quote.amount == Decimal("40.00")


def test_the_same_message_twice_is_recorded_once(
    factory: sessionmaker[Session], settings: Settings, person: Person
) -> None:
    accept(factory, person)
    first = decide(factory, settings, NONE, 30, message_id="s-1")
    again = decide(factory, settings, NONE, 30, message_id="s-1")
    assert (first.created, again.created, again.row.id) == (True, False, first.row.id)
    assert len(rows(factory)) == 1 and len(told(factory)) == 1


@pytest.mark.parametrize(
    ("ticket", "outcome", "minutes", "refusal"),
    [
        ("1823", NONE, 30, InvalidTicket),
        ("１８２３４５６７", NONE, 30, InvalidTicket),  # digits, but not ASCII
        (TICKET, None, None, NothingToRecord),
        (TICKET, NONE, 0, InvalidMinutes),
        (TICKET, NONE, -5, InvalidMinutes),
        (TICKET, None, 30, OutcomeMissing),  # minutes before any outcome
        ("18234568", NONE, 30, NoAcceptance),  # nobody accepted this ticket
    ],
)
def test_bad_input_records_nothing(
    factory: sessionmaker[Session],
    settings: Settings,
    person: Person,
    ticket: str,
    outcome: TicketOutcome | None,
    minutes: int | None,
    refusal: type[Exception],
) -> None:
    accept(factory, person)
    with pytest.raises(refusal):
        decide(factory, settings, outcome, minutes, ticket=ticket)
    assert rows(factory) == [] and told(factory) == []


def test_a_refused_or_withdrawn_term_is_no_acceptance(
    factory: sessionmaker[Session], settings: Settings, person: Person, other_person: Person
) -> None:
    accept(factory, person, accepted=False)
    with pytest.raises(NoAcceptance):
        decide(factory, settings, NONE, 30)
    accept(factory, other_person)
    accept(factory, other_person, accepted=False, message_id="m-withdrawn")
    with pytest.raises(NoAcceptance):
        decide(factory, settings, NONE, 30)
    with unit_of_work(factory) as session:
        assert session.scalar(select(func.count()).select_from(TicketOutcomeRow)) == 0


def test_a_customer_reads_only_decisions_on_their_own_acceptances(
    factory: sessionmaker[Session], settings: Settings, person: Person, other_person: Person
) -> None:
    mine = accept(factory, person)
    theirs = accept(factory, other_person, ticket="18234568")
    decide(factory, settings, NONE, 30)
    decide(factory, settings, PUBLISHED, 30)
    decide(factory, settings, NEW, 15, ticket="18234568")
    with unit_of_work(factory) as session:
        own = tickets.outcomes_of(session, Customer(person, "telegram"))
        other = tickets.outcomes_of(session, Customer(other_person, "telegram"))
        assert {key: (row.outcome, row.minutes) for key, row in own.items()} == {
            mine: ("published", 30)
        }
        assert {key: row.outcome for key, row in other.items()} == {theirs: "new_inconsistency"}

"""Consultoria do Suporte tickets (SPEC §3.2, §5, §6): the only door to the `ticket_outcomes`
rows, the staff's decisions on a ticket whose Suporte Term a customer or consultant accepted.

Staff record the outcome of the analysis and the minutes registered on the ticket, together or
one at a time; each decision appends a row that carries the other one forward, so the latest
row of a ticket is its state and a correction is one more row. The tariff engine prices the
minutes (per minute, the minimum per call, waived for a new inconsistency, minutes only while
the rate is unset) at the price in force on the day the Term was accepted, billed to the
consultant's unit when a consultant accepted it. The customer who accepted is told through the
outbox, in the same transaction. Each function is one step of the caller's `unit_of_work`;
refusals are exceptions the front ends word.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultoria.db.models import Person, TermAcceptance, TicketOutcomeRow
from consultoria.db.prices import load_price_table
from consultoria.services import outbox
from consultoria.services.actors import Customer, Staff
from consultoria.services.terms import price_version_id
from consultoria.tariff import Inconsistency, Modality, Quote, RequestedBy, TariffRules
from consultoria.tariff import quote_suporte as engine_quote
from consultoria.textparse import TICKET_DIGITS, TicketOutcome

# The outbox kind that tells the customer of a staff decision on their ticket.
OUTCOME_RECORDED_KIND = "ticket_outcome_recorded"
# How each outcome reads to the tariff engine.
INCONSISTENCY = {
    TicketOutcome.NEW_INCONSISTENCY: Inconsistency.NEW,
    TicketOutcome.PUBLISHED: Inconsistency.PUBLISHED,
    TicketOutcome.NO_INCONSISTENCY: Inconsistency.NONE,
}


class TicketRefused(Exception):
    """Nothing was recorded for `ticket`; the subclass says why."""

    def __init__(self, ticket: str) -> None:
        super().__init__(ticket)
        self.ticket = ticket


class InvalidTicket(TicketRefused):
    """Not a ticket number: 6 to 12 ASCII digits."""


class NoAcceptance(TicketRefused):
    """Nobody has an accepted Consultoria do Suporte Term for this ticket."""


class InvalidMinutes(TicketRefused):
    """The minutes registered must be a positive whole number."""

    def __init__(self, ticket: str, minutes: int) -> None:
        super().__init__(ticket)
        self.minutes = minutes


class OutcomeMissing(TicketRefused):
    """Minutes were given before any outcome: the engine needs the outcome to price them."""


class NothingToRecord(TicketRefused):
    """Neither an outcome nor minutes were given."""


@dataclass(frozen=True)
class Decision:
    """What staff say about a ticket: the outcome and/or the minutes, from one message."""

    ticket: str
    outcome: TicketOutcome | None
    minutes: int | None
    message_id: str | None


@dataclass(frozen=True)
class Recorded:
    """The ticket's state after a decision: the row, the acceptance it belongs to, the person
    who accepted, and True when this call appended the row (False: the same message again)."""

    row: TicketOutcomeRow
    acceptance: TermAcceptance
    customer: Person
    created: bool


def _check(decision: Decision) -> None:
    ticket = decision.ticket
    if not (ticket.isascii() and ticket.isdigit() and len(ticket) in TICKET_DIGITS):
        raise InvalidTicket(ticket)
    if decision.outcome is None and decision.minutes is None:
        raise NothingToRecord(ticket)
    if decision.minutes is not None and decision.minutes < 1:
        raise InvalidMinutes(ticket, decision.minutes)


def _answers_newest_first(session: Session, ticket: str) -> Iterator[TermAcceptance]:
    return iter(
        session.scalars(
            select(TermAcceptance)
            .where(
                TermAcceptance.modality == Modality.SUPORTE.value, TermAcceptance.ticket == ticket
            )
            .order_by(TermAcceptance.id.desc())
        )
    )


def accepted_for(session: Session, ticket: str) -> TermAcceptance | None:
    """The most recent Suporte Term acceptance for the ticket still standing: the last answer
    of its person to that version was "Aceito"."""
    answered: set[tuple[int, int]] = set()
    for answer in _answers_newest_first(session, ticket):
        key = (answer.person_id, answer.term_version_id)
        if key not in answered and answer.accepted:
            return answer
        answered.add(key)
    return None


def latest(session: Session, ticket: str) -> TicketOutcomeRow | None:
    """The ticket's state: the last decision recorded on it."""
    return session.scalar(
        select(TicketOutcomeRow)
        .join(TermAcceptance, TermAcceptance.id == TicketOutcomeRow.acceptance_id)
        .where(TermAcceptance.ticket == ticket)
        .order_by(TicketOutcomeRow.id.desc())
        .limit(1)
    )


def quote(
    session: Session,
    acceptance: TermAcceptance,
    outcome: TicketOutcome,
    minutes: int,
    rules: TariffRules,
) -> Quote:
    """The engine's price of `minutes` on the ticket, at the price in force on the day the Term
    was accepted (the service starts then), billed to the unit of a consultant who accepted."""
    return engine_quote(
        minutes,
        inconsistency=INCONSISTENCY[outcome],
        day=acceptance.created_at.astimezone(rules.calendar.timezone).date(),
        table=load_price_table(session),
        rules=rules,
        requested_by=RequestedBy.CONSULTANT
        if acceptance.role == "consultant"
        else RequestedBy.CUSTOMER,
    )


def _row(
    session: Session,
    staff: Staff,
    acceptance: TermAcceptance,
    decision: Decision,
    state: tuple[TicketOutcome, int | None],
    rules: TariffRules,
) -> TicketOutcomeRow:
    """The decision's row: the ticket's state after it, priced when the minutes are known."""
    outcome, minutes = state
    priced = None if minutes is None else quote(session, acceptance, outcome, minutes, rules)
    effective = None if priced is None or priced.price is None else priced.price.effective
    return TicketOutcomeRow(
        acceptance_id=acceptance.id,
        outcome=outcome.value,
        minutes=minutes,
        staff_person_id=staff.person_id,
        channel=staff.channel,
        message_id=decision.message_id,
        price_version_id=price_version_id(session, Modality.SUPORTE.value, effective),
        billed_minutes=None if priced is None else priced.minutes_per_specialist,
        amount=None if priced is None else priced.amount,
    )


def _same_message(previous: TicketOutcomeRow, staff: Staff, decision: Decision) -> bool:
    return (
        decision.message_id is not None
        and previous.message_id == decision.message_id
        and previous.staff_person_id == staff.person_id
    )


def _state(
    decision: Decision, previous: TicketOutcomeRow | None
) -> tuple[TicketOutcome, int | None]:
    """The outcome and minutes after the decision: what it leaves out stays as it was."""
    if previous is None:
        if decision.outcome is None:
            raise OutcomeMissing(decision.ticket)
        return decision.outcome, decision.minutes
    outcome = decision.outcome or TicketOutcome(previous.outcome)
    return outcome, previous.minutes if decision.minutes is None else decision.minutes


def record(session: Session, staff: Staff, decision: Decision, rules: TariffRules) -> Recorded:
    """Append the staff's decision on the ticket and tell the customer who accepted its Term.

    What the decision leaves out (the outcome, or the minutes) is carried from the ticket's
    previous state. The same message delivered twice is recorded once.
    """
    _check(decision)
    acceptance = accepted_for(session, decision.ticket)
    if acceptance is None:
        raise NoAcceptance(decision.ticket)
    customer = session.get_one(Person, acceptance.person_id)
    previous = latest(session, decision.ticket)
    if previous is not None and _same_message(previous, staff, decision):
        return Recorded(previous, acceptance, customer, created=False)
    row = _row(session, staff, acceptance, decision, _state(decision, previous), rules)
    session.add(row)
    session.flush()
    outbox.enqueue(
        session, OUTCOME_RECORDED_KIND, {"outcome_id": row.id}, f"ticket_outcome:{row.id}"
    )
    return Recorded(row, acceptance, customer, created=True)


def outcomes_of(session: Session, customer: Customer) -> dict[int, TicketOutcomeRow]:
    """The latest staff decision on each of the customer's own acceptances, by acceptance id:
    nobody else's decisions are read."""
    rows = session.scalars(
        select(TicketOutcomeRow)
        .join(TermAcceptance, TermAcceptance.id == TicketOutcomeRow.acceptance_id)
        .where(TermAcceptance.person_id == customer.person_id)
        .order_by(TicketOutcomeRow.id)
    )
    return {row.acceptance_id: row for row in rows}


def announced(session: Session, outcome_id: int) -> Recorded | None:
    """The decision an outbox notification refers to, with its acceptance and customer."""
    row = session.get(TicketOutcomeRow, outcome_id)
    if row is None:
        return None
    acceptance = session.get_one(TermAcceptance, row.acceptance_id)
    return Recorded(row, acceptance, session.get_one(Person, acceptance.person_id), created=False)

"""The reports the business runs on (SPEC §10): the charged plantões of a month and the audit
of Term answers between two days. Read-only: the only door to these rows for reporting, for the
`consultoria report` command and, later, the staff chat. Rows are plain values in the report's
column order; the front ends choose the format (table, CSV, JSON).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from decimal import Decimal

from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import Session

from consultoria.db.models import (
    Person,
    Plantao,
    TermAcceptance,
    TermVersion,
    format_appointment_ref,
    format_ref,
)
from consultoria.db.prices import load_price_table
from consultoria.services import plantoes
from consultoria.tariff import Modality, TariffRules

# A plantão has a charge once closed with an amount: run to the end, ended early, or cancelled
# too late to be free (SPEC §10).
CHARGED_STATES = ("completed", "ended_early", "cancelled")


@dataclass(frozen=True)
class Month:
    """A calendar month, as `--month 2030-06` names it."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """`YYYY-MM`; ValueError for anything else."""
        first = date.fromisoformat(f"{text.strip()}-01")
        if len(text.strip()) != len("YYYY-MM"):
            raise ValueError(text)
        return cls(first.year, first.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def next_first_day(self) -> date:
        return date(self.year + self.month // 12, self.month % 12 + 1, 1)


@dataclass(frozen=True)
class PlantaoRow:
    """One charged plantão, the columns of `consultoria report plantoes` in order."""

    reference: str
    bill_to: str  # who is invoiced: the consultant's unit, or the customer
    customer: str
    start: str  # ISO 8601 in the configured zone, with its offset
    end: str
    state: str
    minutes_per_specialist: int
    specialists: int
    amount: str  # "240.00"
    price_effective: str | None  # the price version in force on the start day
    term_version: int | None  # the Plantão Term version the booking was made under


@dataclass(frozen=True)
class AcceptanceRow:
    """One answer to a Term, the columns of `consultoria report acceptances` in order."""

    time: str  # ISO 8601 in UTC
    person: str
    user_id: str
    channel: str
    role: str
    unit: str | None
    modality: str
    term_version: int
    sha256: str
    decision: str  # "accepted" or "refused"
    subject: str | None  # what it was for: a plantão reference, a ticket, an appointment


def _local_midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


def _term_version(session: Session, plantao: Plantao) -> int | None:
    """The version of the acceptance that booked the plantão; for a booking under a Term accepted
    before, the last version the person had accepted by then."""
    query = (
        select(TermVersion.version)
        .join(TermAcceptance, TermAcceptance.term_version_id == TermVersion.id)
        .where(
            TermAcceptance.accepted.is_(True),
            TermAcceptance.modality == Modality.PLANTAO.value,
            or_(
                TermAcceptance.plantao_id == plantao.id,
                and_(
                    TermAcceptance.person_id == plantao.person_id,
                    TermAcceptance.created_at <= plantao.created_at,
                ),
            ),
        )
        # The acceptance of this very booking first, then the latest one before it.
        .order_by(
            case((TermAcceptance.plantao_id == plantao.id, 0), else_=1), TermAcceptance.id.desc()
        )
        .limit(1)
    )
    return session.scalar(query)


def _bill_to(plantao: Plantao, customer: Person) -> str:
    if plantao.bill_to == "consultant_unit" and plantao.bill_to_unit:
        return plantao.bill_to_unit
    return customer.name


def plantoes_of_month(
    session: Session, month: Month, *, now: datetime, rules: TariffRules
) -> list[PlantaoRow]:
    """Every plantão starting in `month` (in the rules' zone) that has a charge, by start.

    Time is brought up to `now` first, as every read of plantões does: a window that ended
    while nobody looked is completed, and billed, before it is reported."""
    plantoes.advance(session, now, rules)
    zone = rules.calendar.timezone
    query = (
        select(Plantao, Person)
        .join(Person, Person.id == Plantao.person_id)
        .where(
            Plantao.start_at >= _local_midnight(month.first_day, zone),
            Plantao.start_at < _local_midnight(month.next_first_day, zone),
            Plantao.state.in_(CHARGED_STATES),
            Plantao.amount_due > 0,
        )
        .order_by(Plantao.start_at, Plantao.id)
    )
    prices = load_price_table(session)
    rows: list[PlantaoRow] = []
    for plantao, customer in session.execute(query).tuples():
        start = plantao.start_at.astimezone(zone)
        price = prices.price_on(Modality.PLANTAO, start.date())
        rows.append(
            PlantaoRow(
                reference=plantao.ref,
                bill_to=_bill_to(plantao, customer),
                customer=customer.name,
                start=start.isoformat(),
                end=plantao.end_at.astimezone(zone).isoformat(),
                state=plantao.state,
                minutes_per_specialist=(plantao.charged_minutes or 0) // plantao.specialists,
                specialists=plantao.specialists,
                amount=str(plantao.amount_due or Decimal("0.00")),
                price_effective=None if price is None else price.effective.isoformat(),
                term_version=_term_version(session, plantao),
            )
        )
    return rows


def _subject(answer: TermAcceptance) -> str | None:
    """What an answer was for: the plantão it booked, the Técnica appointment it requested, or
    the Support ticket."""
    if answer.plantao_id is not None:
        return format_ref(answer.plantao_id)
    if answer.appointment_id is not None:
        return format_appointment_ref(answer.appointment_id)
    return None if answer.ticket is None else f"ticket {answer.ticket}"


def acceptances_between(
    session: Session, first: date, last: date, zone: tzinfo
) -> list[AcceptanceRow]:
    """Every acceptance and refusal recorded from the start of `first` to the end of `last`
    (days in `zone`), oldest first."""
    query = (
        select(TermAcceptance, TermVersion, Person)
        .join(TermVersion, TermVersion.id == TermAcceptance.term_version_id)
        .join(Person, Person.id == TermAcceptance.person_id)
        .where(
            TermAcceptance.created_at >= _local_midnight(first, zone),
            TermAcceptance.created_at
            < _local_midnight(date.fromordinal(last.toordinal() + 1), zone),
        )
        .order_by(TermAcceptance.created_at, TermAcceptance.id)
    )
    return [
        AcceptanceRow(
            time=answer.created_at.isoformat(),
            person=person.name,
            user_id=person.channel_user_id,
            channel=answer.channel,
            role=answer.role,
            unit=answer.unit,
            modality=answer.modality,
            term_version=version.version,
            sha256=answer.text_sha256,
            decision="accepted" if answer.accepted else "refused",
            subject=_subject(answer),
        )
        for answer, version, person in session.execute(query).tuples()
    ]

"""The customers' hour banks (SPEC §3.2), the only door to their rows: minutes bought at a lower
price are credited by the business; the minutes of a Consultoria Telefônica are taken from the
balance first, and what exceeds it is charged at the table price by the tariff engine.

A person without any credit has no hour bank (None), which is not the same as a bank used up
(0): their quotes carry no hour-bank lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from consultoria.db.models import HourBankEntry, Person
from consultoria.db.prices import load_price_table
from consultoria.services.terms import price_version_id
from consultoria.tariff import Modality, Quote, TariffRules, quote_telefonica

# The latest movements a customer sees with the balance.
RECENT_MOVEMENTS = 5


class HourBankError(ValueError):
    """A movement that cannot be recorded; the message is pt-BR and nothing was written."""


@dataclass(frozen=True)
class CallUse:
    """A Consultoria Telefônica call charged through the hour bank."""

    entry: HourBankEntry
    quote: Quote  # the engine's quote, with the minutes taken and the balance left


def balance(session: Session, person_id: int) -> int | None:
    """Minutes left in the person's hour bank; None when they never had one."""
    minutes = HourBankEntry.minutes
    signed = case((HourBankEntry.kind == "use", -minutes), else_=minutes)
    total, entries = session.execute(
        select(func.coalesce(func.sum(signed), 0), func.count(HourBankEntry.id)).where(
            HourBankEntry.person_id == person_id
        )
    ).one()
    return int(total) if entries else None


def movements(
    session: Session, person_id: int, limit: int | None = RECENT_MOVEMENTS
) -> list[HourBankEntry]:
    """The person's latest movements (all of them with `limit` None), newest first."""
    query = (
        select(HourBankEntry)
        .where(HourBankEntry.person_id == person_id)
        .order_by(HourBankEntry.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def _locked(session: Session, person: Person) -> None:
    """Serialise the movements of one person's bank: two calls charged at once must not both
    take the same minutes (PostgreSQL row lock; SQLite writes one transaction at a time)."""
    session.execute(select(Person.id).where(Person.id == person.id).with_for_update())


def credit(session: Session, person: Person, minutes: int, note: str | None) -> HourBankEntry:
    """Add `minutes` bought to the person's bank."""
    if minutes <= 0:
        raise HourBankError("o crédito precisa ser de pelo menos 1 minuto")
    _locked(session, person)
    entry = HourBankEntry(person_id=person.id, kind="credit", minutes=minutes, note=note)
    session.add(entry)
    session.flush()
    return entry


def use_for_call(
    session: Session,
    person: Person,
    minutes: int,
    *,
    specialists: int,
    day: date,
    ticket: str | None,
    rules: TariffRules,
) -> CallUse:
    """Charge a Consultoria Telefônica call of `minutes` registered on `day`: the engine takes
    what it can from the balance and prices the rest at the table price of that day."""
    _locked(session, person)
    left = balance(session, person.id)
    if left is None:
        raise HourBankError("sem banco de horas: registre um crédito antes")
    table = load_price_table(session)
    quote = quote_telefonica(
        minutes, day=day, table=table, rules=rules, specialists=specialists, hour_bank_minutes=left
    )
    used = 0 if quote.hour_bank is None else quote.hour_bank.used_minutes
    effective = None if quote.price is None else quote.price.effective
    entry = HourBankEntry(
        person_id=person.id,
        kind="use",
        minutes=used,
        ticket=ticket,
        specialists=specialists,
        charged_minutes=quote.charged_minutes,
        amount=quote.amount,
        price_version_id=price_version_id(session, Modality.TELEFONICA.value, effective),
        service_day=day,
    )
    session.add(entry)
    session.flush()
    return CallUse(entry, quote)

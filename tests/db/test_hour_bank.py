"""The hour bank on SQLite and PostgreSQL (SPEC §3.2): credits, Consultoria Telefônica calls
taken from the balance first with the excess priced by the engine, one person's bank apart from
another's, and two calls charged at once never taking the same minutes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consultoria import db
from consultoria.db import HourBankEntry, Person, unit_of_work
from consultoria.services import hour_bank
from consultoria.services.hour_bank import CallUse, HourBankError
from consultoria.settings import Settings, load_settings
from tests.support.races import race

DAY = date(2027, 3, 10)


@pytest.fixture
def settings(factory: sessionmaker[Session]) -> Settings:
    loaded = load_settings()
    with unit_of_work(factory) as session:
        db.sync_config_prices(session, loaded.prices)
    return loaded


def _credit(factory: sessionmaker[Session], person: Person, minutes: int) -> None:
    with unit_of_work(factory) as session:
        hour_bank.credit(session, person, minutes, "contrato 2027")


def _call(
    factory: sessionmaker[Session],
    person: Person,
    settings: Settings,
    minutes: int,
    specialists: int = 1,
) -> CallUse:
    with unit_of_work(factory) as session:
        return hour_bank.use_for_call(
            session,
            person,
            minutes,
            specialists=specialists,
            day=DAY,
            ticket="18234567",
            rules=settings.tariff,
        )


def _balance(factory: sessionmaker[Session], person: Person) -> int | None:
    with unit_of_work(factory) as session:
        return hour_bank.balance(session, person.id)


def _rows(factory: sessionmaker[Session]) -> int:
    with unit_of_work(factory) as session:
        return session.scalar(select(func.count(HourBankEntry.id))) or 0


def test_without_a_credit_there_is_no_bank_and_nothing_is_charged_through_it(
    factory: sessionmaker[Session], person: Person, settings: Settings
) -> None:
    assert _balance(factory, person) is None
    with pytest.raises(HourBankError, match="sem banco de horas"):
        _call(factory, person, settings, 30)
    assert _rows(factory) == 0


def test_a_call_within_the_balance_costs_nothing(
    factory: sessionmaker[Session], person: Person, settings: Settings
) -> None:
    _credit(factory, person, 60)
    used = _call(factory, person, settings, 45)
    assert (used.entry.minutes, used.entry.charged_minutes, used.entry.amount) == (
        45,
        0,
        Decimal("0.00"),
    )
    assert used.quote.hour_bank is not None and used.quote.hour_bank.remaining_minutes == 15
    assert _balance(factory, person) == 15


def test_the_excess_is_charged_at_the_table_price_after_the_minimum(
    factory: sessionmaker[Session], person: Person, settings: Settings
) -> None:
    _credit(factory, person, 15)
    # 5 min registered, 2 specialists: the 10-minute minimum each makes 20, 15 from the bank.
    used = _call(factory, person, settings, 5, specialists=2)
    assert (used.entry.minutes, used.entry.charged_minutes, used.entry.amount) == (
        15,
        5,
        Decimal("20.00"),
    )
    assert used.entry.price_version_id is not None and used.entry.service_day == DAY
    assert _balance(factory, person) == 0
    # A bank used up is still a bank: the next call is all charged, and says so.
    after = _call(factory, person, settings, 30)
    assert (after.entry.minutes, after.entry.amount) == (0, Decimal("120.00"))
    assert _balance(factory, person) == 0


def test_credits_add_up_and_must_be_positive(
    factory: sessionmaker[Session], person: Person
) -> None:
    _credit(factory, person, 600)
    _credit(factory, person, 120)
    assert _balance(factory, person) == 720
    with pytest.raises(HourBankError), unit_of_work(factory) as session:
        hour_bank.credit(session, person, 0, None)
    assert _rows(factory) == 2


def test_one_persons_bank_is_not_anothers(
    factory: sessionmaker[Session], person: Person, other_person: Person, settings: Settings
) -> None:
    _credit(factory, person, 60)
    assert _balance(factory, other_person) is None
    with pytest.raises(HourBankError):
        _call(factory, other_person, settings, 10)
    assert _balance(factory, person) == 60


def test_two_calls_charged_at_once_never_take_the_same_minutes(
    factory: sessionmaker[Session], person: Person, settings: Settings
) -> None:
    _credit(factory, person, 60)
    outcomes = race(
        lambda: _call(factory, person, settings, 40),
        lambda: _call(factory, person, settings, 40),
    )
    assert all(isinstance(o, CallUse) for o in outcomes), outcomes
    taken = sorted(o.entry.minutes for o in outcomes)
    assert taken == [20, 40]
    assert sorted(o.entry.amount for o in outcomes) == [Decimal("0.00"), Decimal("80.00")]
    assert _balance(factory, person) == 0


def test_movements_are_kept_as_written(factory: sessionmaker[Session], person: Person) -> None:
    _credit(factory, person, 60)
    with pytest.raises(Exception, match="append-only"), factory.begin() as session:
        session.execute(HourBankEntry.__table__.update().values(minutes=6000))
    assert _balance(factory, person) == 60

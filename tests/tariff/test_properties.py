"""Hypothesis properties of the tariff engine (SPEC §3.2, §3.3, §3.1)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from consultoria.settings import DEFAULT_CONFIG, load_settings
from consultoria.tariff import (
    Modality,
    PlantaoOutcome,
    PriceTable,
    Quote,
    TariffRules,
    TaxRate,
    ceil_minutes,
    quote_plantao,
    quote_telefonica,
    round_brl,
)

SETTINGS = load_settings(DEFAULT_CONFIG)
RULES: TariffRules = SETTINGS.tariff
TABLE: PriceTable = SETTINGS.price_table
TAX_RULES = dataclasses.replace(
    RULES, taxes=(TaxRate("ISS", Decimal("0.05")), TaxRate("PIS/COFINS", Decimal("0.0365")))
)
WEEK = 7 * 24 * 3600

PROPERTY = hyp_settings(max_examples=200, deadline=None)

_instants = st.datetimes(min_value=datetime(2027, 1, 1), max_value=datetime(2027, 12, 31, 23, 59))


@st.composite
def windows(draw: st.DrawFn) -> tuple[datetime, datetime, int]:
    """(start, end, resolution in seconds): 1 minute to 7 days, at minute or second resolution."""
    resolution = draw(st.sampled_from([60, 1]))
    start = draw(_instants).replace(microsecond=0)
    if resolution == 60:
        start = start.replace(second=0)
    short = st.integers(1, 36 * 60 * 60 // resolution)  # most plantões: up to a day and a half
    length = draw(st.one_of(short, st.integers(1, WEEK // resolution)))
    length = max(length * resolution, 60)
    return start, start + timedelta(seconds=length), resolution


@st.composite
def ended_at(draw: st.DrawFn, start: datetime, end: datetime, resolution: int) -> datetime:
    """Anywhere from 3 days before the start to 1 day after the end, on the same grid."""
    low = -3 * 24 * 3600 // resolution
    high = int((end - start).total_seconds() + 24 * 3600) // resolution
    # Favour the interesting band: around the free-cancellation limit and inside the window.
    near = st.integers(-25 * 3600 // resolution, int((end - start).total_seconds()) // resolution)
    offset = draw(st.one_of(near, st.integers(low, high)))
    return start + timedelta(seconds=offset * resolution)


@st.composite
def plantao_cases(draw: st.DrawFn) -> tuple[datetime, datetime, datetime]:
    start, end, resolution = draw(windows())
    return start, end, draw(ended_at(start, end, resolution))


def plantao(
    start: datetime,
    end: datetime,
    ended: datetime | None = None,
    specialists: int = 1,
    table: PriceTable = TABLE,
    rules: TariffRules = RULES,
) -> Quote:
    return quote_plantao(
        start, end, specialists=specialists, table=table, rules=rules, ended_at=ended
    )


specialists_st = st.integers(1, 5)


@PROPERTY
@given(case=plantao_cases(), specialists=specialists_st)
def test_billed_and_amount_never_negative(
    case: tuple[datetime, datetime, datetime], specialists: int
) -> None:
    start, end, ended = case
    q = plantao(start, end, ended, specialists)
    assert q.minutes_per_specialist >= 0
    assert q.amount is not None
    assert q.amount >= 0
    assert q.minutes_per_specialist == sum(d.billed_minutes for d in q.days)
    for day in q.days:
        assert 0 <= day.worked_minutes <= day.scheduled_minutes
        assert 0 <= day.billed_minutes <= day.scheduled_minutes
        assert day.minimum_minutes <= day.scheduled_minutes


@PROPERTY
@given(case=plantao_cases())
def test_outcome_matches_end_time(case: tuple[datetime, datetime, datetime]) -> None:
    start, end, ended = case
    q = plantao(start, end, ended)
    if ended >= end:
        assert q.outcome is PlantaoOutcome.FULL
    elif ended > start:
        assert q.outcome is PlantaoOutcome.EARLY_END
    elif start - ended >= timedelta(hours=24):
        assert q.outcome is PlantaoOutcome.CANCELLED_FREE
        assert q.minutes_per_specialist == 0
        assert q.amount == 0
    else:
        assert q.outcome is PlantaoOutcome.CANCELLED
        first = q.days[0]
        assert q.minutes_per_specialist == first.billed_minutes == first.minimum_minutes > 0


@PROPERTY
@given(case=plantao_cases(), specialists=specialists_st)
def test_a_waived_plantao_costs_nothing_and_explains_the_same_days(
    case: tuple[datetime, datetime, datetime], specialists: int
) -> None:
    start, end, ended = case
    rule = plantao(start, end, ended, specialists)
    waived = quote_plantao(
        start,
        end,
        specialists=specialists,
        table=TABLE,
        rules=TAX_RULES,
        ended_at=ended,
        waived=True,
    )
    assert (waived.amount, waived.gross_amount, waived.charged_minutes) == (0, 0, 0)
    assert (waived.outcome, waived.days) == (rule.outcome, rule.days)
    assert waived.minutes_per_specialist == rule.minutes_per_specialist


@PROPERTY
@given(case=plantao_cases())
def test_early_end_never_exceeds_full(case: tuple[datetime, datetime, datetime]) -> None:
    start, end, ended = case
    full = plantao(start, end)
    assert plantao(start, end, ended).minutes_per_specialist <= full.minutes_per_specialist


@PROPERTY
@given(window=windows())
def test_full_window_bills_window_minutes(window: tuple[datetime, datetime, int]) -> None:
    """§3.3.1: full = window minutes (a partial minute counting as one, §3)."""
    start, end, _ = window
    q = plantao(start, end)
    assert q.minutes_per_specialist == ceil_minutes(end - start)


@PROPERTY
@given(window=windows(), data=st.data())
def test_billed_non_decreasing_in_end_time(
    window: tuple[datetime, datetime, int], data: st.DataObject
) -> None:
    start, end, resolution = window
    t1 = data.draw(ended_at(start, end, resolution), label="t1")
    t2 = data.draw(ended_at(start, end, resolution), label="t2")
    t1, t2 = sorted((t1, t2))
    b1, b2 = (
        plantao(start, end, t1).minutes_per_specialist,
        plantao(start, end, t2).minutes_per_specialist,
    )
    assert b1 <= b2
    assert b2 <= plantao(start, end).minutes_per_specialist


@PROPERTY
@given(window=windows(), data=st.data())
def test_billed_non_decreasing_across_start(
    window: tuple[datetime, datetime, int], data: st.DataObject
) -> None:
    """Right before and right after the start: cancellation never costs more than an early end."""
    start, end, _ = window
    before = data.draw(st.integers(0, 25 * 3600), label="seconds before start")
    after = data.draw(st.integers(1, int((end - start).total_seconds())), label="seconds after")
    cancelled = plantao(start, end, start - timedelta(seconds=before)).minutes_per_specialist
    assert cancelled <= plantao(start, end, start + timedelta(seconds=after)).minutes_per_specialist


@PROPERTY
@given(case=plantao_cases(), specialists=specialists_st)
def test_amount_linear_in_specialists(
    case: tuple[datetime, datetime, datetime], specialists: int
) -> None:
    start, end, ended = case
    one = plantao(start, end, ended, 1)
    many = plantao(start, end, ended, specialists)
    assert one.amount is not None
    assert many.amount == specialists * one.amount
    assert many.minutes_per_specialist == one.minutes_per_specialist
    assert many.days == one.days


@PROPERTY
@given(case=plantao_cases(), specialists=specialists_st)
def test_taxes_add_up(case: tuple[datetime, datetime, datetime], specialists: int) -> None:
    start, end, ended = case
    q = plantao(start, end, ended, specialists, rules=TAX_RULES)
    assert q.amount is not None
    assert q.gross_amount == round_brl(q.amount / (1 - Decimal("0.0865")))
    assert sum(t.amount for t in q.taxes) == q.gross_amount - q.amount


@PROPERTY
@given(
    minutes=st.integers(0, 10_000),
    specialists=specialists_st,
    balance=st.none() | st.integers(0, 100_000),
)
def test_per_minute_quotes(minutes: int, specialists: int, balance: int | None) -> None:
    q = quote_telefonica(
        minutes,
        day=date(2027, 3, 8),
        table=TABLE,
        rules=RULES,
        specialists=specialists,
        hour_bank_minutes=balance,
    )
    minimum = RULES.minimum_minutes
    assert q.minutes_per_specialist >= minimum
    assert q.minutes_per_specialist == max(minimum, minutes)
    total = q.minutes_per_specialist * specialists
    assert q.amount == q.charged_minutes * Decimal("4.00")
    if balance is None:
        assert q.hour_bank is None
        assert q.charged_minutes == total
    else:
        assert q.hour_bank is not None
        assert q.hour_bank.used_minutes + q.charged_minutes == total
        assert q.hour_bank.remaining_minutes >= 0
        assert q.hour_bank.remaining_minutes == balance - q.hour_bank.used_minutes
        assert q.charged_minutes >= 0


@PROPERTY
@given(
    igpm=st.decimals(min_value=Decimal(-5), max_value=Decimal(30), places=4),
    modality=st.sampled_from([Modality.PLANTAO, Modality.TELEFONICA]),
    effective=st.dates(min_value=date(2027, 1, 1), max_value=date(2028, 12, 31)),
    data=st.data(),
)
def test_readjustment_never_changes_past_quotes(
    igpm: Decimal, modality: Modality, effective: date, data: st.DataObject
) -> None:
    new, version = TABLE.readjust(modality, igpm, effective, RULES)
    assert version.per_minute == round_brl(Decimal("4.00") * (1 + max(igpm, Decimal(0)) / 100))
    day = data.draw(
        st.dates(min_value=date(2026, 1, 1), max_value=effective - timedelta(days=1)), label="day"
    )
    start = datetime(day.year, day.month, day.day, 20)
    end = start + timedelta(hours=data.draw(st.integers(1, 7 * 24), label="hours"))
    assert plantao(start, end, table=new) == plantao(start, end, table=TABLE)
    assert quote_telefonica(45, day=day, table=new, rules=RULES) == quote_telefonica(
        45, day=day, table=TABLE, rules=RULES
    )
    later = data.draw(
        st.dates(min_value=effective, max_value=date(2029, 12, 31)), label="later day"
    )
    assert new.price_on(modality, later) == version
    assert new.price_on(modality, day) == TABLE.price_on(modality, day)

"""Plantão 24x7 (SPEC §3.3): full plantão, daily minimums, early end, cancellation, limits."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from consultoria.tariff import (
    Modality,
    PlantaoOutcome,
    PriceTable,
    PriceVersion,
    TariffError,
    TariffRules,
    TaxRate,
    WorkCalendar,
    quote_plantao,
)
from tests.support.tariff import at
from tests.support.tariff import quote_window as quote

SAT = date(2027, 3, 6)
FRI = date(2027, 3, 5)
MON = date(2027, 3, 8)
TIRADENTES = date(2027, 4, 21)  # Wednesday, national holiday


def test_calendar_facts_used_below(rules: TariffRules) -> None:
    cal = WorkCalendar(rules.calendar)
    assert SAT.weekday() == 5
    assert FRI.weekday() == 4
    assert MON.weekday() == 0
    assert TIRADENTES.weekday() == 2
    assert cal.holiday_name(TIRADENTES) == "Tiradentes"
    assert cal.holiday_name(date(2027, 3, 10)) is None
    assert cal.localize(at(SAT, 8)).utcoffset() == timedelta(hours=-3)


# --- §3.3.6: the worked example from the source --------------------------------------------------


def test_worked_example_full_saturday(rules: TariffRules, table: PriceTable) -> None:
    q = quote(rules, table, at(SAT, 8), at(SAT, 18))
    assert q.minutes_per_specialist == 600
    assert q.amount == Decimal("2400.00")
    assert q.outcome is PlantaoOutcome.FULL
    assert q.price_per_minute == Decimal("4.00")
    assert [(d.day, d.scheduled_minutes, d.worked_minutes, d.billed_minutes) for d in q.days] == [
        (SAT, 600, 600, 600)
    ]


def test_full_when_ended_at_or_after_the_end(rules: TariffRules, table: PriceTable) -> None:
    for ended in (at(SAT, 18), at(SAT, 23)):
        q = quote(rules, table, at(SAT, 8), at(SAT, 18), ended_at=ended)
        assert q.outcome is PlantaoOutcome.FULL
        assert q.minutes_per_specialist == 600


def test_worked_example_ended_at_13(rules: TariffRules, table: PriceTable) -> None:
    q = quote(rules, table, at(SAT, 8), at(SAT, 18), ended_at=at(SAT, 13))
    assert q.minutes_per_specialist == 300
    assert q.amount == Decimal("1200.00")
    assert q.outcome is PlantaoOutcome.EARLY_END
    (day,) = q.days
    assert (day.scheduled_minutes, day.worked_minutes, day.minimum_minutes) == (600, 300, 240)
    assert day.billed_minutes == 300


def test_worked_example_ended_at_10_bills_the_minimum(
    rules: TariffRules, table: PriceTable
) -> None:
    q = quote(rules, table, at(SAT, 8), at(SAT, 18), ended_at=at(SAT, 10))
    assert q.minutes_per_specialist == 240
    assert q.amount == Decimal("960.00")
    assert q.outcome is PlantaoOutcome.EARLY_END
    (day,) = q.days
    assert day.day == SAT
    assert (day.scheduled_minutes, day.worked_minutes) == (600, 120)
    assert (day.minimum_minutes, day.billed_minutes) == (240, 240)
    assert day.long_day


def test_lines_explain_the_worked_example(rules: TariffRules, table: PriceTable) -> None:
    q = quote(rules, table, at(SAT, 8), at(SAT, 18), ended_at=at(SAT, 10))
    assert any("240 min" in line and "R$ 960,00" in line for line in q.lines)
    assert any("mais impostos" in line for line in q.lines)
    day_line = next(line for line in q.lines if line.startswith("06/03/2027"))
    assert "sábado" in day_line
    assert "agendados 600 min" in day_line
    assert "trabalhados 120 min" in day_line
    assert "mínimo do dia 240 min" in day_line
    assert "cobrados 240 min" in day_line
    assert any("R$ 4,00" in line and "01/01/2026" in line for line in q.lines)


# --- §3.3.7: more examples -----------------------------------------------------------------------


def test_monday_evening_ended_early_bills_120(rules: TariffRules, table: PriceTable) -> None:
    q = quote(rules, table, at(MON, 19), at(MON, 23), ended_at=at(MON, 19, 30))
    assert q.minutes_per_specialist == 120
    assert q.amount == Decimal("480.00")
    (day,) = q.days
    assert (day.worked_minutes, day.minimum_minutes, day.billed_minutes) == (30, 120, 120)
    assert not day.long_day


def test_friday_to_saturday_full(rules: TariffRules, table: PriceTable) -> None:
    q = quote(rules, table, at(FRI, 20), at(SAT, 2))
    assert q.minutes_per_specialist == 360
    assert [(d.day, d.scheduled_minutes, d.billed_minutes) for d in q.days] == [
        (FRI, 240, 240),
        (SAT, 120, 120),
    ]


def test_friday_to_saturday_ended_friday_21(rules: TariffRules, table: PriceTable) -> None:
    q = quote(rules, table, at(FRI, 20), at(SAT, 2), ended_at=at(FRI, 21))
    assert q.minutes_per_specialist == 240
    fri, sat = q.days
    assert (fri.worked_minutes, fri.minimum_minutes, fri.billed_minutes) == (60, 240, 240)
    assert (sat.worked_minutes, sat.billed_minutes) == (0, 0)  # never reached


def test_friday_to_saturday_ended_saturday_01(rules: TariffRules, table: PriceTable) -> None:
    q = quote(rules, table, at(FRI, 20), at(SAT, 2), ended_at=at(SAT, 1))
    assert q.minutes_per_specialist == 360
    assert q.amount == Decimal("1440.00")
    fri, sat = q.days
    assert (fri.day, fri.scheduled_minutes, fri.worked_minutes, fri.billed_minutes) == (
        FRI,
        240,
        240,
        240,
    )
    assert (sat.day, sat.scheduled_minutes, sat.worked_minutes) == (SAT, 120, 60)
    assert (sat.minimum_minutes, sat.billed_minutes) == (120, 120)


def test_wednesday_national_holiday_bills_240(rules: TariffRules, table: PriceTable) -> None:
    q = quote(rules, table, at(TIRADENTES, 18), at(TIRADENTES, 22), ended_at=at(TIRADENTES, 18, 30))
    assert q.minutes_per_specialist == 240
    (day,) = q.days
    assert day.holiday_name == "Tiradentes"
    assert day.long_day
    assert (day.worked_minutes, day.minimum_minutes, day.billed_minutes) == (30, 240, 240)
    assert any("feriado: Tiradentes" in line for line in q.lines)


# --- §3.3.2: daily minimums ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "minimum"),
    [
        (date(2027, 3, 8), 120),  # Monday
        (date(2027, 3, 9), 120),  # Tuesday
        (date(2027, 3, 10), 120),  # Wednesday
        (date(2027, 3, 11), 120),  # Thursday
        (date(2027, 3, 12), 240),  # Friday
        (date(2027, 3, 13), 240),  # Saturday
        (date(2027, 3, 14), 240),  # Sunday
        (date(2027, 4, 21), 240),  # Wednesday, Tiradentes
        (date(2027, 11, 2), 240),  # Tuesday, Finados
        (date(2027, 11, 15), 240),  # Monday, Proclamação da República
        (date(2027, 12, 25), 240),  # Saturday, Natal
    ],
)
def test_daily_minimum_by_weekday_and_holiday(
    rules: TariffRules, table: PriceTable, day: date, minimum: int
) -> None:
    q = quote(rules, table, at(day, 18), at(day, 23, 59), ended_at=at(day, 18, 30))
    assert q.minutes_per_specialist == minimum
    (breakdown,) = q.days
    assert breakdown.minimum_minutes == minimum
    assert breakdown.long_day is (minimum == 240)


def test_minimum_capped_by_scheduled_minutes(rules: TariffRules, table: PriceTable) -> None:
    q = quote(rules, table, at(SAT, 20), at(SAT, 21), ended_at=at(SAT, 20, 10))
    assert q.minutes_per_specialist == 60
    (day,) = q.days
    assert (day.scheduled_minutes, day.worked_minutes, day.minimum_minutes) == (60, 10, 60)


def test_worked_above_minimum_is_billed(rules: TariffRules, table: PriceTable) -> None:
    q = quote(rules, table, at(MON, 18), at(MON, 23), ended_at=at(MON, 21, 15))
    assert q.minutes_per_specialist == 195


def test_extra_holiday_from_config_raises_the_minimum(
    rules: TariffRules, table: PriceTable
) -> None:
    tuesday = date(2027, 3, 9)
    calendar = dataclasses.replace(rules.calendar, extra_holidays=frozenset({tuesday}))
    custom = dataclasses.replace(rules, calendar=calendar)
    q = quote(custom, table, at(tuesday, 19), at(tuesday, 23), ended_at=at(tuesday, 19, 30))
    assert q.minutes_per_specialist == 240
    assert q.days[0].holiday_name == "feriado configurado"
    assert (
        quote(
            rules, table, at(tuesday, 19), at(tuesday, 23), at(tuesday, 19, 30)
        ).minutes_per_specialist
        == 120
    )


def test_subdivision_holiday_from_config(rules: TariffRules, table: PriceTable) -> None:
    day = date(2027, 6, 15)  # Tuesday, Aniversário do Acre (state holiday of AC)
    assert day.weekday() == 1
    calendar = dataclasses.replace(rules.calendar, holiday_subdivision="AC")
    custom = dataclasses.replace(rules, calendar=calendar)
    assert (
        quote(custom, table, at(day, 19), at(day, 23), at(day, 19, 30)).minutes_per_specialist
        == 240
    )
    assert (
        quote(rules, table, at(day, 19), at(day, 23), at(day, 19, 30)).minutes_per_specialist == 120
    )


def test_daily_minimums_come_from_the_rules(rules: TariffRules, table: PriceTable) -> None:
    plantao = dataclasses.replace(
        rules.plantao, daily_minimum_minutes={**rules.plantao.daily_minimum_minutes, 0: 90}
    )
    custom = dataclasses.replace(rules, plantao=plantao)
    assert (
        quote(custom, table, at(MON, 19), at(MON, 23), at(MON, 19, 30)).minutes_per_specialist == 90
    )


# --- §3.3.3: early end over several days ---------------------------------------------------------


def test_three_day_window_ended_on_the_middle_day(rules: TariffRules, table: PriceTable) -> None:
    thu, fri, sat = date(2027, 3, 4), FRI, SAT
    assert thu.weekday() == 3
    start, end = at(thu, 18), at(sat, 18)
    q = quote(rules, table, start, end, ended_at=at(fri, 10))
    assert [d.to_dict() for d in q.days] == [
        {
            "date": "2027-03-04",
            "scheduled_minutes": 360,
            "worked_minutes": 360,
            "minimum_minutes": 120,
            "billed_minutes": 360,
        },
        {
            "date": "2027-03-05",
            "scheduled_minutes": 1440,
            "worked_minutes": 600,
            "minimum_minutes": 240,
            "billed_minutes": 600,
        },
        {
            "date": "2027-03-06",
            "scheduled_minutes": 1080,
            "worked_minutes": 0,
            "minimum_minutes": 240,
            "billed_minutes": 0,
        },
    ]
    assert q.minutes_per_specialist == 960
    assert q.amount == Decimal("3840.00")
    assert any("não cobrado" in line and "06/03/2027" in line for line in q.lines)

    early = quote(rules, table, start, end, ended_at=at(fri, 2))
    assert [d.billed_minutes for d in early.days] == [360, 240, 0]
    assert early.minutes_per_specialist == 600

    full = quote(rules, table, start, end)
    assert [d.billed_minutes for d in full.days] == [360, 1440, 1080]
    assert full.minutes_per_specialist == 2880


def test_end_exactly_at_midnight_leaves_next_day_unbilled(
    rules: TariffRules, table: PriceTable
) -> None:
    q = quote(rules, table, at(FRI, 20), at(SAT, 2), ended_at=at(SAT, 0))
    assert [d.billed_minutes for d in q.days] == [240, 0]
    assert q.minutes_per_specialist == 240


def test_partial_minutes_count_as_whole(rules: TariffRules, table: PriceTable) -> None:
    start, end = at(SAT, 8), at(SAT, 18)
    assert quote(rules, table, start, end, at(SAT, 13, 0, 1)).minutes_per_specialist == 301
    assert quote(rules, table, start, end, at(SAT, 12, 59, 59)).minutes_per_specialist == 300
    ended = datetime(2027, 3, 6, 13, 0, 0, 1)
    assert quote(rules, table, start, end, ended).minutes_per_specialist == 301
    assert quote(rules, table, start, at(SAT, 8, 10, 30)).minutes_per_specialist == 11


def test_full_window_crossing_midnight_with_seconds_bills_window_minutes(
    rules: TariffRules, table: PriceTable
) -> None:
    """§3.3.1: full plantão billed = window minutes; §3: a partial minute counts as one minute."""
    start, end = at(FRI, 23, 59, 30), at(SAT, 0, 0, 30)  # a 60-second window
    q = quote(rules, table, start, end)
    assert q.minutes_per_specialist == 1


def test_aware_datetimes_are_read_in_the_configured_zone(
    rules: TariffRules, table: PriceTable
) -> None:
    start = datetime(2027, 3, 6, 11, tzinfo=timezone.utc)  # 08:00 in São Paulo
    end = datetime(2027, 3, 6, 21, tzinfo=timezone.utc)
    q = quote(rules, table, start, end, ended_at=datetime(2027, 3, 6, 13, tzinfo=timezone.utc))
    assert q.minutes_per_specialist == 240
    assert q.days[0].day == SAT
    assert q == quote(rules, table, at(SAT, 8), at(SAT, 18), ended_at=at(SAT, 10))


# --- §3.3.4: cancellation ------------------------------------------------------------------------


def test_cancellation_long_before_is_free(rules: TariffRules, table: PriceTable) -> None:
    q = quote(rules, table, at(SAT, 8), at(SAT, 18), ended_at=at(date(2027, 3, 1), 9))
    assert q.outcome is PlantaoOutcome.CANCELLED_FREE
    assert q.minutes_per_specialist == 0
    assert q.amount == Decimal("0.00")
    assert str(q.amount) == "0.00"
    assert all(d.billed_minutes == 0 for d in q.days)
    assert any("sem cobrança" in line for line in q.lines)


def test_cancellation_exactly_24h_before_is_free(rules: TariffRules, table: PriceTable) -> None:
    q = quote(rules, table, at(SAT, 8), at(SAT, 18), ended_at=at(FRI, 8))
    assert q.outcome is PlantaoOutcome.CANCELLED_FREE
    assert q.amount == Decimal("0.00")


def test_cancellation_under_24h_bills_first_day_minimum(
    rules: TariffRules, table: PriceTable
) -> None:
    q = quote(rules, table, at(SAT, 8), at(SAT, 18), ended_at=at(FRI, 8, 0, 1))
    assert q.outcome is PlantaoOutcome.CANCELLED
    assert q.minutes_per_specialist == 240
    assert q.amount == Decimal("960.00")
    (day,) = q.days
    assert (day.worked_minutes, day.minimum_minutes, day.billed_minutes) == (0, 240, 240)
    assert any("menos de 24 h" in line for line in q.lines)


def test_cancellation_at_start_is_a_cancellation(rules: TariffRules, table: PriceTable) -> None:
    q = quote(rules, table, at(SAT, 8), at(SAT, 18), ended_at=at(SAT, 8))
    assert q.outcome is PlantaoOutcome.CANCELLED
    assert q.minutes_per_specialist == 240


def test_cancellation_minimum_capped_by_first_day(rules: TariffRules, table: PriceTable) -> None:
    q = quote(rules, table, at(MON, 19), at(MON, 20), ended_at=at(MON, 12))
    assert q.minutes_per_specialist == 60  # min(120, 60)
    q = quote(rules, table, at(FRI, 23), at(SAT, 8), ended_at=at(FRI, 22))
    assert [d.billed_minutes for d in q.days] == [60, 0]  # only the first day, min(240, 60)
    q = quote(rules, table, at(FRI, 20), at(SAT, 2), ended_at=at(FRI, 19))
    assert [d.billed_minutes for d in q.days] == [240, 0]
    assert q.minutes_per_specialist == 240


def test_cancellation_notice_comes_from_the_rules(rules: TariffRules, table: PriceTable) -> None:
    plantao = dataclasses.replace(rules.plantao, free_cancellation_notice=timedelta(hours=48))
    custom = dataclasses.replace(rules, plantao=plantao)
    q = quote(custom, table, at(SAT, 8), at(SAT, 18), ended_at=at(date(2027, 3, 4), 9))
    assert q.outcome is PlantaoOutcome.CANCELLED
    assert quote(rules, table, at(SAT, 8), at(SAT, 18), at(date(2027, 3, 4), 9)).outcome is (
        PlantaoOutcome.CANCELLED_FREE
    )


# --- SPEC §4: a staff cancellation for lack of a specialist is waived ---------------------------


def test_a_waived_late_cancellation_shows_the_minimum_and_charges_nothing(
    rules: TariffRules, table: PriceTable
) -> None:
    q = quote_plantao(
        at(SAT, 8),
        at(SAT, 18),
        specialists=1,
        table=table,
        rules=rules,
        ended_at=at(FRI, 20),
        waived=True,
    )
    assert (q.outcome, q.waived, q.amount, q.charged_minutes) == (
        PlantaoOutcome.CANCELLED,
        True,
        Decimal("0.00"),
        0,
    )
    assert q.minutes_per_specialist == 240  # what the customer's rule bills, waived
    assert "Abonado: nada é cobrado por este plantão." in q.lines
    assert q.lines[-1] == "Total: 240 min (4h) abonados = R$ 0,00."


def test_a_waived_quote_of_two_specialists_does_not_multiply_into_a_charge(
    rules: TariffRules, table: PriceTable
) -> None:
    q = quote_plantao(
        at(MON, 19),
        at(MON, 23),
        specialists=2,
        table=table,
        rules=rules,
        ended_at=at(MON, 12),
        waived=True,
    )
    assert (q.amount, q.charged_minutes, q.minutes_per_specialist) == (Decimal("0.00"), 0, 120)
    assert not any("por especialista ×" in line for line in q.lines)
    assert q.lines[-1] == "Total: 240 min (4h) abonados = R$ 0,00."


def test_a_waived_quote_with_taxes_configured_grosses_up_nothing(
    rules: TariffRules, table: PriceTable
) -> None:
    taxed = dataclasses.replace(rules, taxes=(TaxRate("ISS", Decimal("0.05")),))
    q = quote_plantao(
        at(SAT, 8),
        at(SAT, 18),
        specialists=1,
        table=table,
        rules=taxed,
        ended_at=at(FRI, 20),
        waived=True,
    )
    assert (q.amount, q.gross_amount) == (Decimal("0.00"), Decimal("0.00"))
    assert [t.amount for t in q.taxes] == [Decimal("0.00")]


def test_not_waived_is_the_customers_rule(rules: TariffRules, table: PriceTable) -> None:
    waived = quote_plantao(
        at(SAT, 8),
        at(SAT, 18),
        specialists=1,
        table=table,
        rules=rules,
        ended_at=at(FRI, 20),
        waived=True,
    )
    charged = quote(rules, table, at(SAT, 8), at(SAT, 18), ended_at=at(FRI, 20))
    assert (charged.amount, charged.waived) == (Decimal("960.00"), False)
    assert waived.days == charged.days
    assert "Abonado: nada é cobrado por este plantão." not in charged.lines


# --- §3.3.5: specialists, and validation ---------------------------------------------------------


@pytest.mark.parametrize("specialists", [1, 2, 3, 5])
def test_specialists_multiply_the_amount(
    rules: TariffRules, table: PriceTable, specialists: int
) -> None:
    q = quote(rules, table, at(SAT, 8), at(SAT, 18), at(SAT, 10), specialists=specialists)
    assert q.minutes_per_specialist == 240  # per specialist
    assert q.specialists == specialists
    assert q.amount == Decimal("960.00") * specialists
    assert q.charged_minutes == 240 * specialists
    if specialists > 1:
        assert any(f"× {specialists} especialistas" in line for line in q.lines)


@pytest.mark.parametrize("specialists", [0, -1, 6])
def test_specialists_out_of_range(rules: TariffRules, table: PriceTable, specialists: int) -> None:
    with pytest.raises(TariffError, match="especialistas"):
        quote(rules, table, at(SAT, 8), at(SAT, 18), specialists=specialists)


@pytest.mark.parametrize("end", [at(SAT, 8), at(SAT, 7, 59)])
def test_end_not_after_start(rules: TariffRules, table: PriceTable, end: datetime) -> None:
    with pytest.raises(TariffError):
        quote(rules, table, at(SAT, 8), end)


def test_window_at_most_seven_days(rules: TariffRules, table: PriceTable) -> None:
    start = at(SAT, 8)
    q = quote(rules, table, start, start + timedelta(days=7))
    assert q.minutes_per_specialist == 7 * 1440
    assert len(q.days) == 8
    with pytest.raises(TariffError, match="7 dias"):
        quote(rules, table, start, start + timedelta(days=7, minutes=1))
    with pytest.raises(TariffError):
        quote(rules, table, start, start + timedelta(days=7, seconds=1))


# --- §3.1: price in force on the start day -------------------------------------------------------


def test_price_of_the_start_day_is_used(rules: TariffRules, table: PriceTable) -> None:
    new = PriceTable.of(
        (*table.versions, PriceVersion(Modality.PLANTAO, Decimal("4.50"), date(2027, 3, 6)))
    )
    across = quote(rules, new, at(FRI, 20), at(SAT, 2))  # starts the day before the new version
    assert across.price_per_minute == Decimal("4.00")
    assert across.amount == Decimal("1440.00")
    after = quote(rules, new, at(SAT, 0), at(SAT, 6))
    assert after.price_per_minute == Decimal("4.50")
    assert after.amount == Decimal("1620.00")


def test_unset_plantao_rate_quotes_minutes_only(rules: TariffRules) -> None:
    unset = PriceTable.of([PriceVersion(Modality.PLANTAO, None, date(2026, 1, 1))])
    q = quote(rules, unset, at(SAT, 8), at(SAT, 18), at(SAT, 10))
    assert q.minutes_per_specialist == 240
    assert q.amount is None
    assert q.to_dict()["amount"] is None
    assert any("conforme" in line and "Termo" in line for line in q.lines)

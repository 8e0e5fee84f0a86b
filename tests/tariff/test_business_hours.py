"""Business hours now (SPEC §11): open or closed at a moment, holidays included, and when the
team is back."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from consultoria.tariff import TariffRules
from consultoria.tariff.business_hours import business_clock


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("moment", "closes"),
    [
        ("2026-12-02T10:00:00-03:00", "2026-12-02T18:00:00-03:00"),  # Wednesday morning
        ("2026-12-04T08:00:00-03:00", "2026-12-04T18:00:00-03:00"),  # Friday, at opening
        ("2026-12-07T17:59:00-03:00", "2026-12-07T18:00:00-03:00"),  # Monday, a minute left
    ],
)
def test_open_in_business_hours_until_the_close(
    rules: TariffRules, moment: str, closes: str
) -> None:
    clock = business_clock(rules.calendar, at(moment))
    assert clock.open_now
    assert clock.closes_at == at(closes)
    assert clock.opens_at is None


@pytest.mark.parametrize(
    ("moment", "opens"),
    [
        # 03:00 on a Wednesday: back the same morning.
        ("2026-12-02T03:00:00-03:00", "2026-12-02T08:00:00-03:00"),
        # 18:00 is already closed; back the next morning.
        ("2026-12-02T18:00:00-03:00", "2026-12-03T08:00:00-03:00"),
        # Friday night and the whole weekend: back on Monday.
        ("2026-12-04T21:30:00-03:00", "2026-12-07T08:00:00-03:00"),
        ("2026-12-05T11:00:00-03:00", "2026-12-07T08:00:00-03:00"),
        ("2026-12-06T23:59:00-03:00", "2026-12-07T08:00:00-03:00"),
        # Christmas is a Friday in 2026: from Thursday evening the team is back on Monday.
        ("2026-12-24T19:00:00-03:00", "2026-12-28T08:00:00-03:00"),
        # New Year's Day 2027 is a Friday too.
        ("2027-01-01T10:00:00-03:00", "2027-01-04T08:00:00-03:00"),
        # Tiradentes, Wednesday 21/04/2027, in the morning: back on Thursday.
        ("2027-04-21T10:00:00-03:00", "2027-04-22T08:00:00-03:00"),
    ],
)
def test_closed_outside_business_hours_says_when_it_opens(
    rules: TariffRules, moment: str, opens: str
) -> None:
    clock = business_clock(rules.calendar, at(moment))
    assert not clock.open_now
    assert clock.closes_at is None
    assert clock.opens_at == at(opens)


def test_a_holiday_is_named(rules: TariffRules) -> None:
    clock = business_clock(rules.calendar, at("2027-04-21T10:00:00-03:00"))
    assert clock.holiday == "Tiradentes"
    assert business_clock(rules.calendar, at("2026-12-02T10:00:00-03:00")).holiday is None


def test_a_configured_extra_holiday_closes_the_day(rules: TariffRules) -> None:
    calendar = dataclasses.replace(rules.calendar, extra_holidays=frozenset({date(2026, 12, 2)}))
    clock = business_clock(calendar, at("2026-12-02T10:00:00-03:00"))
    assert not clock.open_now
    assert clock.holiday is not None
    assert clock.opens_at == at("2026-12-03T08:00:00-03:00")


def test_a_moment_in_another_zone_is_read_in_the_configured_one(rules: TariffRules) -> None:
    # 12:00 UTC is 09:00 in São Paulo: open.
    clock = business_clock(rules.calendar, at("2026-12-02T12:00:00+00:00"))
    assert clock.open_now
    assert clock.closes_at == at("2026-12-02T18:00:00-03:00")


def test_no_business_day_configured_means_no_opening(rules: TariffRules) -> None:
    calendar = dataclasses.replace(rules.calendar, business_weekdays=frozenset())
    clock = business_clock(calendar, at("2026-12-02T10:00:00-03:00"))
    assert (clock.open_now, clock.opens_at) == (False, None)

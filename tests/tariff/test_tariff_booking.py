"""Booking validation of a plantão request (SPEC §3.3 item 8)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from consultoria.tariff import TariffRules, check_booking

NOW = datetime(2027, 3, 1, 10)  # Monday


def test_weekend_booking_ok(rules: TariffRules) -> None:
    check = check_booking(
        datetime(2027, 3, 6, 8), datetime(2027, 3, 6, 18), 1, now=NOW, rules=rules
    )
    assert check.ok
    assert check.errors == ()
    assert check.warnings == ()


@pytest.mark.parametrize("start", [datetime(2027, 3, 1, 9), datetime(2027, 2, 27, 8)])
def test_past_start_is_an_error(rules: TariffRules, start: datetime) -> None:
    check = check_booking(start, start + timedelta(hours=10), 1, now=NOW, rules=rules)
    assert not check.ok
    assert any("futuro" in e for e in check.errors)


def test_start_equal_to_now_is_an_error(rules: TariffRules) -> None:
    check = check_booking(NOW, NOW + timedelta(hours=12), 1, now=NOW, rules=rules)
    assert not check.ok


def test_entirely_in_business_hours_points_to_telefonica(rules: TariffRules) -> None:
    check = check_booking(
        datetime(2027, 3, 8, 9), datetime(2027, 3, 8, 17), 1, now=NOW, rules=rules
    )
    assert not check.ok
    (error,) = check.errors
    assert "Consultoria Telefônica" in error
    assert "08:00" in error
    assert "18:00" in error


def test_exactly_business_hours_is_an_error(rules: TariffRules) -> None:
    check = check_booking(
        datetime(2027, 3, 8, 8), datetime(2027, 3, 8, 18), 1, now=NOW, rules=rules
    )
    assert not check.ok


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(2027, 3, 8, 17), datetime(2027, 3, 8, 19)),  # Monday, partly after 18:00
        (datetime(2027, 3, 8, 7, 59), datetime(2027, 3, 8, 12)),  # one minute before opening
        (datetime(2027, 4, 21, 9), datetime(2027, 4, 21, 17)),  # Wednesday, Tiradentes
        (datetime(2027, 3, 5, 9), datetime(2027, 3, 8, 17)),  # across a weekend
    ],
)
def test_partly_outside_business_hours_ok(
    rules: TariffRules, start: datetime, end: datetime
) -> None:
    check = check_booking(start, end, 1, now=NOW, rules=rules)
    assert check.ok, check.errors


def test_short_notice_is_only_a_warning(rules: TariffRules) -> None:
    now = datetime(2027, 3, 5, 12)
    check = check_booking(
        datetime(2027, 3, 6, 8), datetime(2027, 3, 6, 18), 1, now=now, rules=rules
    )
    assert check.ok
    (warning,) = check.warnings
    assert "24 h" in warning
    assert "não é garantida" in warning
    exactly = check_booking(
        datetime(2027, 3, 6, 12), datetime(2027, 3, 6, 18), 1, now=now, rules=rules
    )
    assert exactly.ok
    assert exactly.warnings == ()


def test_window_longer_than_seven_days(rules: TariffRules) -> None:
    start = datetime(2027, 3, 6, 8)
    assert check_booking(start, start + timedelta(days=7), 1, now=NOW, rules=rules).ok
    check = check_booking(start, start + timedelta(days=7, minutes=1), 1, now=NOW, rules=rules)
    assert not check.ok
    assert any("7 dias" in e for e in check.errors)


@pytest.mark.parametrize("specialists", [0, 6])
def test_specialists_out_of_range(rules: TariffRules, specialists: int) -> None:
    check = check_booking(
        datetime(2027, 3, 6, 8), datetime(2027, 3, 6, 18), specialists, now=NOW, rules=rules
    )
    assert not check.ok
    assert any("especialistas" in e and "1 a 5" in e for e in check.errors)


@pytest.mark.parametrize("specialists", [1, 5])
def test_specialists_in_range(rules: TariffRules, specialists: int) -> None:
    check = check_booking(
        datetime(2027, 3, 6, 8), datetime(2027, 3, 6, 18), specialists, now=NOW, rules=rules
    )
    assert check.ok


def test_end_not_after_start(rules: TariffRules) -> None:
    start = datetime(2027, 3, 6, 8)
    check = check_booking(start, start, 1, now=NOW, rules=rules)
    assert not check.ok
    check = check_booking(start, start - timedelta(hours=1), 1, now=NOW, rules=rules)
    assert not check.ok

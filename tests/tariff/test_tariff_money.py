"""Money and duration helpers (SPEC §3: half-up centavos, pt-BR format, whole minutes)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from consultoria.tariff import ceil_minutes, format_brl, format_minutes, format_moment, round_brl
from consultoria.tariff.money import format_percent


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2.345", "2.35"),  # half-up, not banker's (which gives 2.34)
        ("2.344", "2.34"),
        ("2.355", "2.36"),
        ("4.145", "4.15"),
        ("0.005", "0.01"),
        ("0.004", "0.00"),
        ("960", "960.00"),
        ("-2.345", "-2.35"),  # half away from zero
    ],
)
def test_round_brl_half_up(value: str, expected: str) -> None:
    result = round_brl(Decimal(value))
    assert result == Decimal(expected)
    assert str(result) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234.56", "R$ 1.234,56"),
        ("0", "R$ 0,00"),
        ("4", "R$ 4,00"),
        ("240", "R$ 240,00"),
        ("2400.00", "R$ 2.400,00"),
        ("1234567.891", "R$ 1.234.567,89"),
        ("2.345", "R$ 2,35"),
        ("-1234.5", "-R$ 1.234,50"),
    ],
)
def test_format_brl(value: str, expected: str) -> None:
    text = format_brl(Decimal(value))
    assert text == expected
    assert "\xa0" not in text


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(0), 0),
        (timedelta(microseconds=1), 1),
        (timedelta(seconds=1), 1),
        (timedelta(seconds=59), 1),
        (timedelta(seconds=60), 1),
        (timedelta(seconds=61), 2),
        (timedelta(minutes=59, seconds=59, microseconds=999_999), 60),
        (timedelta(hours=10), 600),
        (timedelta(days=1), 1440),
        (timedelta(days=7), 10080),
        (timedelta(days=7, microseconds=1), 10081),
    ],
)
def test_ceil_minutes_counts_a_partial_minute_as_whole(delta: timedelta, expected: int) -> None:
    assert ceil_minutes(delta) == expected


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (0, "0 min"),
        (45, "45 min"),
        (60, "60 min (1h)"),
        (90, "90 min (1h30)"),
        (240, "240 min (4h)"),
    ],
)
def test_format_minutes(minutes: int, expected: str) -> None:
    assert format_minutes(minutes) == expected


@pytest.mark.parametrize(
    ("fraction", "expected"),
    [
        ("0.05", "5%"),
        ("0.0365", "3,65%"),
        ("0.0375", "3,75%"),
        ("0.061677811864", "6,1678%"),  # 4 decimals at most
        ("0.0000015", "0,0002%"),  # a tie rounds to the even digit
        ("0.0000025", "0,0002%"),
        ("12.345", "1.234,5%"),
        ("-0.005", "-0,5%"),
        ("0", "0%"),
    ],
)
def test_format_percent(fraction: str, expected: str) -> None:
    assert format_percent(Decimal(fraction)) == expected


SAO_PAULO = ZoneInfo("America/Sao_Paulo")


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2027, 3, 1, 8, 5), "seg., 01/03/2027 08:05"),
        (datetime(2027, 3, 2, 23, 59, tzinfo=SAO_PAULO), "ter., 02/03/2027 23:59"),
        (datetime(2027, 3, 3, 0, 0), "qua., 03/03/2027 00:00"),
        (datetime(2027, 3, 4, 12, 30), "qui., 04/03/2027 12:30"),
        (datetime(2027, 3, 5, 18, 0), "sex., 05/03/2027 18:00"),
        (datetime(2027, 3, 6, 8, 0), "sáb., 06/03/2027 08:00"),
        (datetime(2027, 3, 7, 2, 0, tzinfo=timezone.utc), "dom., 07/03/2027 02:00"),  # own zone
    ],
)
def test_format_moment(moment: datetime, expected: str) -> None:
    assert format_moment(moment) == expected

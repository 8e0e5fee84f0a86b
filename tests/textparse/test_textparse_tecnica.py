"""What people type about Consultoria Técnica appointments: references, the preferred day,
period and time, the slot staff give, and "não sei" to the estimated duration."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from consultoria.textparse import SAO_PAULO
from consultoria.textparse.tecnica import (
    appointment_ref,
    declines_to_estimate,
    parse_period,
    parse_preferred_day,
    parse_slot,
    parse_time_of_day,
)

# Tuesday 01/12/2026, 10:00 in São Paulo.
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=SAO_PAULO)


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("cancela o T-0002", "T-0002"),
        ("cancelar a t2", "T-0002"),
        ("confirmar T 15 dia 15/03 às 14h", "T-0015"),
        ("quero cancelar a consultoria técnica", None),
        ("cancela o P-0002", None),
        ("T-0000", None),
    ],
)
def test_appointment_references(text: str, ref: str | None) -> None:
    assert appointment_ref(text) == ref


@pytest.mark.parametrize(
    ("text", "period"),
    [("terça de manhã", "manha"), ("pela manha", "manha"), ("à tarde", "tarde"), ("14h", None)],
)
def test_periods(text: str, period: str | None) -> None:
    assert parse_period(text) == period


@pytest.mark.parametrize(
    ("text", "day", "at"),
    [
        ("dia 15 às 14h", date(2026, 12, 15), time(14)),
        ("dia 15 as 10 e meia", date(2026, 12, 15), time(10, 30)),
        ("15/03 às 9 da manhã", date(2027, 3, 15), time(9)),
        ("amanha 14h30", date(2026, 12, 2), time(14, 30)),
        ("quinta ao meio-dia", date(2026, 12, 3), time(12)),
        ("proxima segunda a tarde", date(2026, 12, 7), None),
        ("às 16h", None, time(16)),
        ("as 9", None, time(9)),
        ("preciso de uma consultoria quinta de manhã", date(2026, 12, 3), None),
        ("2 consultorias na terça", date(2026, 12, 1), None),
        ("31/02 às 10h", None, time(10)),
    ],
)
def test_preferred_day_and_time(text: str, day: date | None, at: time | None) -> None:
    assert parse_preferred_day(text, NOW) == day
    assert parse_time_of_day(text) == at


@pytest.mark.parametrize(
    ("text", "slot"),
    [
        ("confirmar T-0002 dia 15/03 às 14h", datetime(2027, 3, 15, 14, tzinfo=SAO_PAULO)),
        ("T-0002 às 10h de quinta", datetime(2026, 12, 3, 10, tzinfo=SAO_PAULO)),
        ("confirma o t2 amanha 9h", datetime(2026, 12, 2, 9, tzinfo=SAO_PAULO)),
        ("confirmar T-0004 dia 15", None),
        ("confirmar T-0004 às 10h", None),
    ],
)
def test_the_slot_staff_give(text: str, slot: datetime | None) -> None:
    assert parse_slot(text, NOW) == slot


@pytest.mark.parametrize(
    ("text", "declines"),
    [
        ("não sei", True),
        ("nao sei ainda", True),
        ("sei lá", True),
        ("sem estimativa", True),
        ("nao tenho ideia", True),
        ("uns 90 min", False),
        ("2 horas", False),
    ],
)
def test_declining_to_estimate(text: str, declines: bool) -> None:
    assert declines_to_estimate(text) is declines

"""The end staff give for a booked plantão (consultoria.textparse.parse_staff_end_time, SPEC §4):
a time without a day is its most recent occurrence not after now inside the window, and a time
after now is an end that lies ahead; never the same time on another day of a long plantão."""

from __future__ import annotations

from datetime import datetime

import pytest

from consultoria.textparse import SAO_PAULO, Window, parse_end_time, parse_staff_end_time


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SAO_PAULO)


# Three days: Tuesday 01/12/2026 08:00 until Friday 04/12/2026 08:00.
THREE_DAYS = Window(at("2026-12-01 08:00"), at("2026-12-04 08:00"))


@pytest.mark.parametrize(
    ("text", "now", "moment"),
    [
        # On the third day, after 14:00: today's 14:00, not the first day's.
        ("encerrar o P-0042 às 14h", "2026-12-03 15:00", "2026-12-03 14:00"),
        ("encerrado às 14:00", "2026-12-03 14:00", "2026-12-03 14:00"),
        # Before 14:00 on the third day, the last 14:00 already past is yesterday's.
        ("encerrar o P-0042 às 14h", "2026-12-03 10:00", "2026-12-02 14:00"),
        # Just after midnight, "23h" is the night before.
        ("encerrar o P-0042 às 23h", "2026-12-03 00:30", "2026-12-02 23:00"),
        ("encerrar o P-0042 agora", "2026-12-03 15:07", "2026-12-03 15:07"),
        # A day written keeps its day.
        ("encerrar o P-0042 quinta às 9h", "2026-12-02 15:00", "2026-12-03 09:00"),
    ],
)
def test_a_time_is_its_latest_occurrence_inside_the_window(
    text: str, now: str, moment: str
) -> None:
    assert parse_staff_end_time(text, THREE_DAYS, at(now)) == at(moment)


def test_a_time_not_yet_reached_since_the_start_lies_ahead() -> None:
    today = Window(at("2026-12-01 08:00"), at("2026-12-01 22:00"))
    assert parse_staff_end_time("encerrar às 14h", today, at("2026-12-01 10:00")) == at(
        "2026-12-01 14:00"
    )
    # A plantão not started yet: the first such time after its start.
    tomorrow = Window(at("2026-12-02 08:00"), at("2026-12-02 22:00"))
    assert parse_staff_end_time("encerrar às 14h", tomorrow, at("2026-12-01 16:00")) == at(
        "2026-12-02 14:00"
    )


def test_the_customers_reading_is_unchanged() -> None:
    """A quote's "se eu encerrar às 14h" still counts from the window's start."""
    assert parse_end_time("encerrar às 14h", THREE_DAYS, at("2026-12-03 15:00")) == at(
        "2026-12-01 14:00"
    )


def test_no_time_is_no_end() -> None:
    assert parse_staff_end_time("encerrar o P-0042", THREE_DAYS, at("2026-12-03 15:00")) is None
    assert parse_staff_end_time("encerrar às 25h", THREE_DAYS, at("2026-12-03 15:00")) is None

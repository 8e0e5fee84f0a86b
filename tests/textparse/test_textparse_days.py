"""Day expressions (consultoria.textparse.parse_day)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consultoria.textparse import parse_day

TZ = ZoneInfo("America/Sao_Paulo")
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)
SATURDAY_EVENING = datetime(2026, 11, 28, 19, 0, tzinfo=TZ)
YEAR_END = datetime(2026, 12, 30, 9, 0, tzinfo=TZ)  # a Wednesday
WEEKDAYS = ("segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("hoje", date(2026, 11, 23)),
        ("hj", date(2026, 11, 23)),
        ("HOJE", date(2026, 11, 23)),
        ("amanhã", date(2026, 11, 24)),
        ("amanha", date(2026, 11, 24)),
        ("ontem", date(2026, 11, 22)),
        ("foi ontem à noite", date(2026, 11, 22)),
        ("depois de amanhã", date(2026, 11, 25)),
        ("sábado", date(2026, 11, 28)),
        ("sabado", date(2026, 11, 28)),
        ("sabádo", date(2026, 11, 28)),
        ("no sábado", date(2026, 11, 28)),
        ("próximo sábado", date(2026, 11, 28)),
        ("proximo sabado", date(2026, 11, 28)),
        ("sexta que vem", date(2026, 11, 27)),
        ("este domingo", date(2026, 11, 29)),
        ("segunda", date(2026, 11, 23)),  # today included
        ("segunda-feira", date(2026, 11, 23)),
        ("próxima segunda", date(2026, 11, 30)),
        ("2ª feira que vem", date(2026, 11, 30)),
        ("terça-feira", date(2026, 11, 24)),
        ("sábado da semana que vem", date(2026, 12, 5)),
        ("fds", date(2026, 11, 28)),
        ("fim de semana", date(2026, 11, 28)),
        ("final de semana", date(2026, 11, 28)),
        ("06/03/2027", date(2027, 3, 6)),
        ("06/03/27", date(2027, 3, 6)),
        ("06-03-2027", date(2027, 3, 6)),
        ("6/3", date(2027, 3, 6)),
        ("06/03", date(2027, 3, 6)),
        ("23/11", date(2026, 11, 23)),  # today is not in the past
        ("22/11", date(2027, 11, 22)),
        ("dia 15", date(2026, 12, 15)),
        ("dia 23", date(2026, 11, 23)),
        ("dia 31", date(2026, 12, 31)),
        ("dia primeiro", date(2026, 12, 1)),
        ("15 de março", date(2027, 3, 15)),
        ("15 de marco de 2027", date(2027, 3, 15)),
        ("quinze de março", date(2027, 3, 15)),
        ("1º de janeiro", date(2027, 1, 1)),
        ("25 de dez", date(2026, 12, 25)),
        ("29/02", date(2028, 2, 29)),
        ("2027-03-06", date(2027, 3, 6)),
        ("daqui a 3 dias", date(2026, 11, 26)),
        ("em duas semanas", date(2026, 12, 7)),
        ("próxima semana", date(2026, 11, 30)),  # dateparser fallback
        (
            "quanto custa um plantão no sábado das 8 às 18 se eu encerrar às 10h?",
            date(2026, 11, 28),
        ),
        ("das 20h de sexta às 2h de sábado", date(2026, 11, 27)),
        ("cancelar amanhã às 9h o plantão de sábado", date(2026, 11, 28)),
    ],
)
def test_day_from_monday(text: str, day: date) -> None:
    assert parse_day(text, MONDAY) == day


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("hoje", date(2026, 11, 28)),
        ("sábado", date(2026, 11, 28)),
        ("este sábado", date(2026, 11, 28)),
        ("próximo sábado", date(2026, 12, 5)),
        ("sábado que vem", date(2026, 12, 5)),
        ("fds", date(2026, 11, 28)),
        ("próximo fim de semana", date(2026, 12, 5)),
        ("domingo", date(2026, 11, 29)),
        ("sábado da semana que vem", date(2026, 12, 5)),
        ("sábado das 8 às 18", date(2026, 12, 5)),  # this one has already ended
        ("sábado das 20 às 23", date(2026, 11, 28)),
    ],
)
def test_day_from_saturday_evening(text: str, day: date) -> None:
    assert parse_day(text, SATURDAY_EVENING) == day


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("sábado", date(2027, 1, 2)),
        ("05/01", date(2027, 1, 5)),
        ("dia 2", date(2027, 1, 2)),
        ("2 de janeiro", date(2027, 1, 2)),
        ("amanhã", date(2026, 12, 31)),
        ("depois de amanhã", date(2027, 1, 1)),
        ("30/12", date(2026, 12, 30)),
    ],
)
def test_day_across_year_end(text: str, day: date) -> None:
    assert parse_day(text, YEAR_END) == day


@pytest.mark.parametrize(
    "text",
    ["", "garbage", "bom dia", "quanto custa?", "31/02", "31/02/2027", "32/01", "15/13", "45 min"],
)
def test_no_day(text: str) -> None:
    assert parse_day(text, MONDAY) is None


def test_now_in_another_zone_is_read_locally() -> None:
    late_monday = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # 23:00 Monday in São Paulo
    assert parse_day("amanhã", late_monday) == date(2026, 11, 24)


def test_naive_now_is_rejected() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_day("amanhã", datetime(2026, 11, 23, 10, 0))


moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1)).map(
    lambda naive: naive.replace(tzinfo=TZ)
)


@given(moments, st.sampled_from(range(7)))
def test_weekday_is_within_a_week(now: datetime, weekday: int) -> None:
    today = now.date()
    found = parse_day(WEEKDAYS[weekday], now)
    following = parse_day(f"próximo {WEEKDAYS[weekday]}", now)
    assert found is not None
    assert following is not None
    assert found.weekday() == following.weekday() == weekday
    assert today <= found < today + timedelta(days=7)
    assert today < following <= today + timedelta(days=7)


@given(moments, st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 1, 1)))
def test_day_month_is_the_next_occurrence(now: datetime, day: date) -> None:
    found = parse_day(f"{day.day:02d}/{day.month:02d}", now)
    assert found is not None
    assert (found.day, found.month) == (day.day, day.month)
    assert now.date() <= found
    assert found.year <= now.year + (1 if (day.day, day.month) != (29, 2) else 8)

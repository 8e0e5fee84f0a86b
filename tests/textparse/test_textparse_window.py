"""Plantão windows and early-end moments (consultoria.textparse.parse_window, parse_end_time)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consultoria.textparse import PERIODS, Window, names_off_hours, parse_end_time, parse_window

TZ = ZoneInfo("America/Sao_Paulo")
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)
SATURDAY_EVENING = datetime(2026, 11, 28, 19, 0, tzinfo=TZ)
YEAR_END = datetime(2026, 12, 30, 9, 0, tzinfo=TZ)


def at(day: str, clock: str) -> datetime:
    """Local moment from "2026-11-28" and "08:00"."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=TZ)


def window(start: str, end: str) -> Window:
    """Window from "2026-11-28 08:00" and "2026-11-28 18:00"."""
    return Window(at(*start.split()), at(*end.split()))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sábado das 8 às 18", ("2026-11-28 08:00", "2026-11-28 18:00")),
        ("sábado das 8h às 18h", ("2026-11-28 08:00", "2026-11-28 18:00")),
        ("SABADO DAS 8H AS 18H", ("2026-11-28 08:00", "2026-11-28 18:00")),
        ("sábado 8h-18h", ("2026-11-28 08:00", "2026-11-28 18:00")),
        ("sábado, 08h00 às 18h00", ("2026-11-28 08:00", "2026-11-28 18:00")),
        ("das 8 às 18 no sábado", ("2026-11-28 08:00", "2026-11-28 18:00")),
        ("no sábado, quero das 8 às 18", ("2026-11-28 08:00", "2026-11-28 18:00")),
        ("06/03/2027 de 08:00 até 18:00", ("2027-03-06 08:00", "2027-03-06 18:00")),
        ("2027-03-06 das 8 às 18", ("2027-03-06 08:00", "2027-03-06 18:00")),
        ("no dia 06/03/2027, das 8h às 18h", ("2027-03-06 08:00", "2027-03-06 18:00")),
        ("amanhã das 22h às 2h", ("2026-11-24 22:00", "2026-11-25 02:00")),
        ("das 20h de sexta às 2h de sábado", ("2026-11-27 20:00", "2026-11-28 02:00")),
        ("sexta 20:00 até sábado 02:00", ("2026-11-27 20:00", "2026-11-28 02:00")),
        ("sábado 20:00 até sexta 02:00", ("2026-11-28 20:00", "2026-12-04 02:00")),
        ("de 06/03 08:00 a 07/03 18:00", ("2027-03-06 08:00", "2027-03-07 18:00")),
        ("hoje das 19 às 23", ("2026-11-23 19:00", "2026-11-23 23:00")),
        ("hj das 19 as 23", ("2026-11-23 19:00", "2026-11-23 23:00")),
        ("das 19h às 23h", ("2026-11-23 19:00", "2026-11-23 23:00")),  # still ahead today
        ("das 8 às 18", ("2026-11-24 08:00", "2026-11-24 18:00")),  # already started today
        ("entre 8 e 18 de domingo", ("2026-11-29 08:00", "2026-11-29 18:00")),
        ("segunda das 8 às 18", ("2026-11-30 08:00", "2026-11-30 18:00")),
        ("hoje das 8 às 18", ("2026-11-23 08:00", "2026-11-23 18:00")),
        ("das oito às dezoito de sábado", ("2026-11-28 08:00", "2026-11-28 18:00")),
        ("sábado das 8 da manhã às 6 da tarde", ("2026-11-28 08:00", "2026-11-28 18:00")),
        ("sábado das 8 às 11 da noite", ("2026-11-28 20:00", "2026-11-28 23:00")),
        ("sábado das 10 às 2 da tarde", ("2026-11-28 10:00", "2026-11-28 14:00")),
        ("sábado das 8 da noite às 2 da manhã", ("2026-11-28 20:00", "2026-11-29 02:00")),
        ("sábado das 10 e meia ao meio-dia", ("2026-11-28 10:30", "2026-11-28 12:00")),
        ("sábado do meio-dia às 18h", ("2026-11-28 12:00", "2026-11-28 18:00")),
        ("sexta das 22hs à meia-noite", ("2026-11-27 22:00", "2026-11-28 00:00")),
        ("sexta das 20h às 24h", ("2026-11-27 20:00", "2026-11-28 00:00")),
        ("sábado da meia-noite às 6", ("2026-11-28 00:00", "2026-11-28 06:00")),
        ("sábado das 8 às 8", ("2026-11-28 08:00", "2026-11-29 08:00")),
        ("dia 15 das 8 às 18", ("2026-12-15 08:00", "2026-12-15 18:00")),
        ("15 de dezembro das 8 às 18", ("2026-12-15 08:00", "2026-12-15 18:00")),
        ("amanhã à noite", ("2026-11-24 18:00", "2026-11-25 00:00")),
        ("amanha a noite", ("2026-11-24 18:00", "2026-11-25 00:00")),
        ("hoje à noite", ("2026-11-23 18:00", "2026-11-24 00:00")),
        ("sábado de manhã", ("2026-11-28 06:00", "2026-11-28 12:00")),
        ("sábado à tarde", ("2026-11-28 12:00", "2026-11-28 18:00")),
        ("noite de sábado", ("2026-11-28 18:00", "2026-11-29 00:00")),
        ("madrugada de sábado", ("2026-11-28 00:00", "2026-11-28 06:00")),
        ("de madrugada", ("2026-11-24 00:00", "2026-11-24 06:00")),
        ("à noite", ("2026-11-23 18:00", "2026-11-24 00:00")),
        ("sábado o dia todo", ("2026-11-28 00:00", "2026-11-29 00:00")),
        (
            "quanto custa um plantão no sábado das 8 às 18 se eu encerrar às 10h?",
            ("2026-11-28 08:00", "2026-11-28 18:00"),
        ),
        (
            "se eu encerrar às 10h, quanto custa o plantão de sábado das 8 às 18?",
            ("2026-11-28 08:00", "2026-11-28 18:00"),
        ),
        (
            "plantão com 2 especialistas das 8 às 18 no domingo",
            ("2026-11-29 08:00", "2026-11-29 18:00"),
        ),
        (
            "cancelar o plantão de sábado das 8 às 18",
            ("2026-11-28 08:00", "2026-11-28 18:00"),
        ),
    ],
)
def test_window_from_monday(text: str, expected: tuple[str, str]) -> None:
    assert parse_window(text, MONDAY) == window(*expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sábado das 8 às 18", ("2026-12-05 08:00", "2026-12-05 18:00")),
        ("sábado das 20 às 23", ("2026-11-28 20:00", "2026-11-28 23:00")),
        ("este sábado das 8 às 18", ("2026-11-28 08:00", "2026-11-28 18:00")),
        ("hoje das 8 às 18", ("2026-11-28 08:00", "2026-11-28 18:00")),
        ("fds das 8 às 18", ("2026-12-05 08:00", "2026-12-05 18:00")),
        ("sexta 20:00 até sábado 02:00", ("2026-12-04 20:00", "2026-12-05 02:00")),
        ("das 22h às 2h", ("2026-11-28 22:00", "2026-11-29 02:00")),
        ("hoje à noite", ("2026-11-28 18:00", "2026-11-29 00:00")),
        ("à noite", ("2026-11-29 18:00", "2026-11-30 00:00")),
        ("amanhã de madrugada", ("2026-11-29 00:00", "2026-11-29 06:00")),
    ],
)
def test_window_from_saturday_evening(text: str, expected: tuple[str, str]) -> None:
    assert parse_window(text, SATURDAY_EVENING) == window(*expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sábado das 8 às 18", ("2027-01-02 08:00", "2027-01-02 18:00")),
        ("05/01 das 8 às 18", ("2027-01-05 08:00", "2027-01-05 18:00")),
        ("amanhã das 22h às 2h", ("2026-12-31 22:00", "2027-01-01 02:00")),
        ("de 31/12 20:00 a 01/01 02:00", ("2026-12-31 20:00", "2027-01-01 02:00")),
        ("das 20h de quinta às 2h de sexta", ("2026-12-31 20:00", "2027-01-01 02:00")),
    ],
)
def test_window_across_year_end(text: str, expected: tuple[str, str]) -> None:
    assert parse_window(text, YEAR_END) == window(*expected)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "garbage",
        "sábado",
        "sábado às 8",
        "amanhã a partir das 20h",
        "boa noite, quanto custa um plantão no sábado?",
        "boa tarde",
        "sábado das 8 às 25h",
        "sábado das 25 às 8",
        "sábado das 8:75 às 18",
        "sábado das 24h às 8h",
        "31/02 das 8 às 18",
        "15/13 das 8 às 18",
        "sábado 20:00 até hoje 02:00",
        "de 06/03/2027 08:00 a 05/03/2027 18:00",
        "uma consultoria de 45 minutos",
        "2 a 3 especialistas",
    ],
)
def test_no_window(text: str) -> None:
    assert parse_window(text, MONDAY) is None


def test_periods() -> None:
    assert PERIODS == {
        "madrugada": (0, 360),
        "manha": (360, 720),
        "tarde": (720, 1080),
        "noite": (1080, 1440),
        "dia": (0, 1440),
    }


FRIDAY_NIGHT = window("2026-11-27 20:00", "2026-11-28 02:00")
SATURDAY = window("2026-11-28 08:00", "2026-11-28 18:00")


@pytest.mark.parametrize(
    ("text", "plantao", "moment"),
    [
        ("se eu encerrar às 10h", SATURDAY, "2026-11-28 10:00"),
        ("encerrado às 13:00", SATURDAY, "2026-11-28 13:00"),
        ("Encerrar as 13h", SATURDAY, "2026-11-28 13:00"),
        ("terminar 1h da manhã", FRIDAY_NIGHT, "2026-11-28 01:00"),
        ("encerrado às 01:00", FRIDAY_NIGHT, "2026-11-28 01:00"),
        ("finalizar às 21h", FRIDAY_NIGHT, "2026-11-27 21:00"),
        ("encerrar à meia-noite", FRIDAY_NIGHT, "2026-11-28 00:00"),
        ("parar às 10 e meia", SATURDAY, "2026-11-28 10:30"),
        ("encerrar sábado 01:00", FRIDAY_NIGHT, "2026-11-28 01:00"),
        ("encerrar às 10h do dia 28/11", SATURDAY, "2026-11-28 10:00"),
        ("terminar 1h da manhã de domingo", SATURDAY, "2026-11-29 01:00"),
        ("cancelar amanhã às 9h", SATURDAY, "2026-11-24 09:00"),
        ("encerrar o plantão P-0042 agora", SATURDAY, "2026-11-23 10:00"),
        ("agora", SATURDAY, "2026-11-23 10:00"),
        ("10h", SATURDAY, "2026-11-28 10:00"),
        ("às 7h", SATURDAY, "2026-11-29 07:00"),  # first 07:00 at or after the start
        ("8h", SATURDAY, "2026-11-28 08:00"),
        (
            "quanto custa um plantão no sábado das 8 às 18 se eu encerrar às 10h?",
            SATURDAY,
            "2026-11-28 10:00",
        ),
        (
            "e se encerrar às 19h30?",
            window("2026-11-23 19:00", "2026-11-23 23:00"),
            "2026-11-23 19:30",
        ),
    ],
)
def test_end_time(text: str, plantao: Window, moment: str) -> None:
    assert parse_end_time(text, plantao, MONDAY) == at(*moment.split())


@pytest.mark.parametrize(
    "text",
    [
        "",
        "garbage",
        "encerrar o plantão",
        "se encerrar 1h antes",
        "encerrar às 25h",
        "encerrar 31/02 às 10h",
        "sábado das 8 às 18",
    ],
)
def test_no_end_time(text: str) -> None:
    assert parse_end_time(text, SATURDAY, MONDAY) is None


moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1)).map(
    lambda naive: naive.replace(tzinfo=TZ)
)
hours = st.integers(min_value=0, max_value=23)
clock_forms = st.sampled_from(["{}", "{}h", "{:02d}:00", "{:02d}h00", "{}hs"])


@given(
    moments,
    st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 1, 1)),
    hours,
    hours,
    clock_forms,
)
def test_dated_range(now: datetime, day: date, first: int, last: int, form: str) -> None:
    text = f"{day:%d/%m/%Y} das {form.format(first)} às {form.format(last)}"
    found = parse_window(text, now)
    assert found is not None
    assert found.start == datetime(day.year, day.month, day.day, first, tzinfo=TZ)
    assert found.end > found.start
    assert found.end.hour == last
    assert found.end.date() == (day if last > first else day + timedelta(days=1))


@given(moments, hours, hours)
def test_undated_range_is_the_next_occurrence(now: datetime, first: int, last: int) -> None:
    found = parse_window(f"das {first}h às {last}h", now)
    assert found is not None
    assert now <= found.start < now + timedelta(days=1)
    assert found.start.hour == first
    assert found.start < found.end <= found.start + timedelta(days=1)


@given(moments, hours)
def test_end_time_falls_in_the_day_after_the_start(now: datetime, hour: int) -> None:
    plantao = parse_window("sábado das 20h às 2h", now)
    assert plantao is not None
    moment = parse_end_time(f"se eu encerrar às {hour}h", plantao, now)
    assert moment is not None
    assert plantao.start <= moment < plantao.start + timedelta(days=1)
    assert moment.hour == hour


@pytest.mark.parametrize(
    ("text", "off_hours"),
    [
        ("virada de versão nesse fim de semana", True),
        ("no final de semana", True),
        ("sábado de manhã", True),
        ("no feriado", True),
        ("hoje à noite", True),
        ("de madrugada", True),
        ("fora do horário comercial", True),
        ("depois do expediente", True),
        ("amanhã de manhã", False),
        ("terça às 14h", False),
        ("qual modalidade usar?", False),
        ("noiteiro", False),
    ],
)
def test_a_need_placed_outside_business_hours(text: str, off_hours: bool) -> None:
    assert names_off_hours(text) is off_hours

"""What a follow-up or a correction says of a window already quoted
(consultoria.textparse.said_of_window): a bare weekday is the one nearest the quoted day, never
in the past, and a day the message negates is not the one meant."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from consultoria.textparse import Window, corrects, parse_day, parse_window, said_of_window

from .test_textparse_window import TZ, window

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)  # a Tuesday
SATURDAY = window("2027-03-06 08:00", "2027-03-06 18:00")


@pytest.mark.parametrize(
    ("said", "day"),
    [
        ("ops, é domingo, não sábado", date(2027, 3, 7)),
        ("opa, errei: domingo e nao sabado", date(2027, 3, 7)),
        ("não é sábado, é domingo", date(2027, 3, 7)),
        ("não, é no domingo", date(2027, 3, 7)),
        ("na verdade é sexta e não sábado", date(2027, 3, 5)),
        ("e se for na sexta-feira?", date(2027, 3, 5)),
        ("troca pra segunda", date(2027, 3, 8)),
        ("e se for na quarta?", date(2027, 3, 3)),
        ("e se for no dia 20/03?", date(2027, 3, 20)),
        ("e no próximo domingo?", date(2026, 12, 6)),  # "próximo" counts from today
    ],
)
def test_the_day_meant_is_read_against_the_quoted_one(said: str, day: date) -> None:
    assert parse_day(said_of_window(said, SATURDAY, NOW), NOW) == day


def test_a_nearest_weekday_already_past_moves_a_week_ahead() -> None:
    this_saturday = window("2026-12-05 08:00", "2026-12-05 18:00")
    # Monday 30/11 is nearer to Saturday 05/12 than Monday 07/12, but it has passed.
    assert parse_day(said_of_window("é segunda", this_saturday, NOW), NOW) == date(2026, 12, 7)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("e se for domingo das 10 às 14?", window("2027-03-07 10:00", "2027-03-07 14:00")),
        ("é domingo, não sábado, das 20h às 2h", window("2027-03-07 20:00", "2027-03-08 02:00")),
    ],
)
def test_a_correction_with_hours_gives_the_whole_window(said: str, expected: Window) -> None:
    assert parse_window(said_of_window(said, SATURDAY, NOW), NOW) == expected


@pytest.mark.parametrize("said", ["e se forem 2 especialistas?", "errei o horário, é das 20h"])
def test_a_message_that_names_no_day_names_none(said: str) -> None:
    assert parse_day(said_of_window(said, SATURDAY, NOW), NOW) is None


@pytest.mark.parametrize(
    "said",
    [
        "na verdade é sábado",
        "ops, é domingo",
        "Opa, errei o horário",
        "não, é no domingo",
        "troca pra domingo",
        "muda o horário pra das 20h às 22h",
        "em vez de sábado, domingo",
        "pera, é dia 12",
        "desculpa, é sexta",
    ],
)
def test_corrections_are_recognised(said: str) -> None:
    assert corrects(said)


@pytest.mark.parametrize(
    "said",
    ["virada de versão no domingo", "sábado das 8 às 18", "2 especialistas", "(11) 91234-5678"],
)
def test_plain_answers_are_no_corrections(said: str) -> None:
    assert not corrects(said)

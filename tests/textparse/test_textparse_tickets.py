"""Support ticket numbers as people type them: 6 to 12 digits standing alone."""

from __future__ import annotations

import pytest

from consultoria.textparse import TICKET_DIGITS, TicketError, parse_ticket


@pytest.mark.parametrize(
    ("text", "ticket"),
    [
        ("quero aceitar o termo da consultoria do suporte para o ticket 18234567", "18234567"),
        ("aceito a consultoria do suporte no chamado nº 18234567", "18234567"),
        ("#18234567", "18234567"),
        ("18234567.", "18234567"),
        ("o ticket é o 123456, aceito", "123456"),
        ("ticket 123456789012", "123456789012"),
        ("o mesmo 18234567, sim, o 18234567", "18234567"),
        ("o suporte me ofereceu consultoria no ticket", None),
        ("no ticket de 12/12/2026 às 10h", None),
    ],
)
def test_a_ticket_number_is_read_from_the_message(text: str, ticket: str | None) -> None:
    assert parse_ticket(text) == ticket


@pytest.mark.parametrize(
    "text",
    [
        "ticket 12345",  # too short
        "ticket 1234567890123",  # too long
        "o plantão P-0042",  # a plantão reference
        "(11) 91234-5678",  # a phone's pieces
        "chamado 18.234.567",  # grouped: three numbers
        "tickets 18234567 e 18234568",  # two tickets
    ],
)
def test_a_number_that_is_not_one_ticket_is_refused(text: str) -> None:
    with pytest.raises(TicketError):
        parse_ticket(text)


def test_only_ascii_digits_make_a_ticket_number() -> None:
    assert parse_ticket("ticket ١٨٢٣٤٥٦٧") is None


def test_the_range_is_six_to_twelve_digits() -> None:
    assert (min(TICKET_DIGITS), max(TICKET_DIGITS)) == (6, 12)

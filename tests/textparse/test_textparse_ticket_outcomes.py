"""What staff write about a Consultoria do Suporte ticket: the number, the outcome and the
minutes, in any order, with typos and no accents; the minutes never come from the ticket."""

from __future__ import annotations

import pytest

from consultoria.textparse import (
    AmbiguousOutcome,
    TicketError,
    TicketOutcome,
    TicketReport,
    parse_ticket_report,
)

NEW = TicketOutcome.NEW_INCONSISTENCY
PUBLISHED = TicketOutcome.PUBLISHED
NONE = TicketOutcome.NO_INCONSISTENCY
T = "18234567"


@pytest.mark.parametrize(
    ("text", "outcome", "minutes"),
    [
        # The examples.
        ("ticket 18234567: inconsistência nova", NEW, None),
        ("o ticket 18234567 era inconsistência já publicada", PUBLISHED, None),
        ("18234567 sem inconsistência, 35 minutos", NONE, 35),
        ("registra 45 min no ticket 18234567", None, 45),
        ("ticket 18234567 foi 1h20", None, 80),
        # A new, unpublished inconsistency: waived.
        ("TICKET 18234567: INCONSISTENCIA NOVA", NEW, None),
        ("ticket 18234567 nova inconsistência, 50min", NEW, 50),
        ("tkt 18234567 incosistencia nova", NEW, None),
        ("chamado 18234567 inconsitencia de produto nova", NEW, None),
        ("ticket 18234567 inconsistensia de documentação nova, 20 min", NEW, 20),
        ("ticket 18234567 inconsistência ainda não publicada no portal", NEW, None),
        ("18234567: era inconsistencia nao publicada, levou uma hora e meia", NEW, 90),
        ("chamado 18234567: bug novo, não publicado, 1 hora e meia", NEW, 90),
        ("18234567 abonado", NEW, None),
        ("abonar o 18234567, foram 25 minutos", NEW, 25),
        ("pode abonar o tiket 18234567", NEW, None),
        ("ticket 18234567 erro de produto inédito, 2h", NEW, 120),
        # Already published: charged.
        ("18234567 publicado ja, 15 min", PUBLISHED, 15),
        ("ticket 18234567 ja conhecida no portal", PUBLISHED, None),
        ("ticket 18234567: inconsistência já documentada", PUBLISHED, None),
        ("o chamado 18234567 não era inconsistência nova, já estava publicada", PUBLISHED, None),
        ("ticket nº 18234567 - inconsistencia publicada - 40 mins", PUBLISHED, 40),
        # No inconsistency: charged.
        ("ticket 18234567 nenhuma inconsistência", NONE, None),
        ("ticket 18234567: nao houve inconsistencia, levou uma hora e vinte minutos", NONE, 80),
        ("o 18234567 foi erro de parametrização, 2h", NONE, 120),
        ("ticket 18234567 era so parametrizacao 40 mins", NONE, 40),
        ("sem bug no 18234567 - 12 min", NONE, 12),
        ("18234567 n era inconsistencia, 30m", NONE, 30),
        ("ticket 18234567 problema de cadastro do cliente", NONE, None),
        # Minutes alone, in many forms.
        ("18234567 foi 90 minutos", None, 90),
        ("minutos do ticket 18234567: 100 min", None, 100),
        ("ticket 18234567 gastou noventa minutos", None, 90),
        ("ticket 18234567 levou 1:45", None, 105),
        ("ticket 18234567: 2 horas e 10", None, 130),
        ("ticket 18234567 meia hora", None, 30),
        ("ticket 18234567 1,5 min", None, 2),  # a partial minute counts as a whole one
        # What cannot be registered is read as written, for the service to refuse.
        ("ticket 18234567 levou 0 minutos", None, 0),
        ("ticket 18234567 -30 min", None, -30),
        # Nothing but the ticket.
        ("ticket 18234567", None, None),
        ("e o ticket 18234567 não era inconsistência nova", None, None),
    ],
)
def test_the_outcome_and_minutes_are_read(
    text: str, outcome: TicketOutcome | None, minutes: int | None
) -> None:
    assert parse_ticket_report(text) == TicketReport(T, outcome, minutes)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("ticket 123456 sem inconsistência", None),  # 6 digits, no "6 min"
        ("ticket 100000: 10 min", 10),
        ("ticket 600000 inconsistencia nova", None),
        ("ticket 451200 foram 45 min", 45),
    ],
)
def test_the_minutes_never_come_from_the_ticket_digits(text: str, minutes: int | None) -> None:
    assert parse_ticket_report(text).minutes == minutes


def test_a_message_without_a_ticket_still_says_the_rest() -> None:
    assert parse_ticket_report("inconsistência nova, 35 min") == TicketReport(None, NEW, 35)
    assert parse_ticket_report("registra os minutos") == TicketReport(None, None, None)


@pytest.mark.parametrize(
    "text",
    [
        "ticket 1234: 30 min",  # too short
        "ticket 1234567890123 sem inconsistência",  # too long
        "chamado 18.234.567 inconsistência nova",  # grouped digits
        "ticket 18234567 e 18234568 sem inconsistencia",  # two tickets
    ],
)
def test_a_bad_ticket_number_is_refused(text: str) -> None:
    with pytest.raises(TicketError):
        parse_ticket_report(text)


@pytest.mark.parametrize(
    "text",
    [
        "ticket 18234567: inconsistencia nova, ja publicada",
        "ticket 18234567 sem inconsistência, abonado",
        "18234567 inconsistência publicada, mas nenhuma inconsistência nova",
    ],
)
def test_contradicting_outcomes_are_refused(text: str) -> None:
    with pytest.raises(AmbiguousOutcome):
        parse_ticket_report(text)

"""End to end through the REST channel (real Rasa model, action server and database): a customer
accepts the Consultoria do Suporte for a ticket; a staff member writing from Telegram (signed as
the bot signs) records the outcome and then the minutes, which nobody else can; the customer's
"minhas solicitações" shows them, and the stack's database holds both decisions.

The stack has its own configuration, with one roster member, and a database this test reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.messages.staff import REFUSAL
from consultoria.db import TermAcceptance, TicketOutcomeRow, make_engine
from consultoria.settings import DEFAULT_CONFIG
from tests.e2e.rest import Conversation, FromTelegram
from tests.stack import StackError, running_stack

STAFF_ID = "700100200"
TICKET = "18234567"


@dataclass(frozen=True)
class TicketStack:
    url: str
    database: str

    def decisions(self) -> list[tuple[Any, ...]]:
        engine = make_engine(self.database)
        try:
            with Session(engine) as session:
                rows = session.execute(
                    select(TicketOutcomeRow, TermAcceptance.ticket)
                    .join(TermAcceptance, TermAcceptance.id == TicketOutcomeRow.acceptance_id)
                    .order_by(TicketOutcomeRow.id)
                ).all()
                return [
                    (ticket, r.outcome, r.minutes, r.billed_minutes, r.amount, r.channel)
                    for r, ticket in rows
                ]
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def ticket_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TicketStack]:
    folder = tmp_path_factory.mktemp("ticket-outcome-e2e")
    shipped = DEFAULT_CONFIG.read_text(encoding="utf-8")
    assert "\nstaff: []\n" in shipped
    config = folder / "consultoria.yml"
    config.write_text(
        shipped.replace(
            "\nstaff: []\n", f"\nstaff:\n  - {{telegram_user_id: {STAFF_ID}, name: Carla}}\n"
        ),
        encoding="utf-8",
    )
    database = f"sqlite:///{folder / 'tickets.sqlite3'}"
    try:
        with running_stack({"CONSULTORIA_CONFIG": str(config), "DATABASE_URL": database}) as url:
            yield TicketStack(url, database)
    except StackError as exc:
        pytest.fail(str(exc))


def button(replies: list[dict[str, Any]], title: str) -> str:
    found = [b["payload"] for r in replies for b in r.get("buttons") or [] if b["title"] == title]
    assert found, f'no button "{title}" in {replies}'
    return found[-1]


def accept_for_the_ticket(customer: Conversation) -> None:
    asked = customer.say(f"quero aceitar o termo da consultoria do suporte para o ticket {TICKET}")
    term = customer.say(button(asked, "Sou cliente"))
    accepted = customer.text(button(term, "Aceito"))
    assert "Aceite registrado em" in accepted and f"ticket {TICKET}" in accepted


def test_staff_record_the_outcome_and_minutes_and_the_customer_sees_them(
    ticket_stack: TicketStack,
) -> None:
    customer = Conversation(ticket_stack.url)
    accept_for_the_ticket(customer)

    # Neither the customer nor someone posing unsigned as the roster member can record it.
    assert REFUSAL in customer.text(f"ticket {TICKET}: inconsistência nova")
    forger = FromTelegram(ticket_stack.url, STAFF_ID, forged=True)
    assert REFUSAL in forger.text(f"ticket {TICKET}: inconsistência nova")
    assert ticket_stack.decisions() == []

    staff = FromTelegram(ticket_stack.url, STAFF_ID)
    outcome = staff.text(f"o ticket {TICKET} era inconsistência já publicada")
    assert f"Registrado no ticket {TICKET} (Consultoria do Suporte):" in outcome
    assert "• Resultado: inconsistência já publicada no portal (cobrado)." in outcome
    assert "• Minutos: ainda não registrados" in outcome
    minutes = staff.text(f"registra 45 min no ticket {TICKET}")
    assert "• Minutos: 45 min registrados, 45 min tarifados." in minutes
    assert "• Valor: minutos apenas (valor conforme o Termo)." in minutes
    assert "• Cobrança: o cliente" in minutes

    listed = customer.text("minhas solicitações")
    assert f"Consultoria do Suporte, ticket {TICKET} — Termo aceito (versão 1)" in listed
    assert (
        "Resultado: inconsistência já publicada no portal (cobrado); 45 min registrados, "
        "45 min tarifados: minutos apenas (valor conforme o Termo)." in listed
    )
    assert ticket_stack.decisions() == [
        (TICKET, "published", None, None, None, "telegram"),
        (TICKET, "published", 45, 45, None, "telegram"),
    ]

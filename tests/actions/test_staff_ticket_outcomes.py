"""Staff record the outcome and minutes of a Consultoria do Suporte ticket by message, with real
trackers, dispatchers and databases (SQLite and PostgreSQL): what is recorded is told back with
the engine's amount and who pays, a correction is one more decision, bad input and anyone outside
the roster change nothing, and the customer's "minhas solicitações" shows the outcome of their
own tickets only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.messages.staff import REFUSAL
from actions.staff_tickets import ActionStaffTicketOutcome
from actions.tickets import ActionListMyRequests
from consultoria import db, runtime
from consultoria.db import Notification, Person, PriceVersionRow, TicketOutcomeRow
from consultoria.services.actors import Customer
from consultoria.services.terms import ServiceAnswer, answer_service_term, sync_term
from tests.support.people import customer, enroll, from_telegram
from tests.support.trackers import DOMAIN, texts, turn

pytestmark = pytest.mark.both_backends

TICKET = "18234567"
INTENT = "staff_ticket_outcome"


def accept(person: Person, ticket: str = TICKET) -> None:
    with db.unit_of_work(runtime.sessions()) as session:
        term = sync_term(session, "suporte", "Termo", "Termo da Consultoria do Suporte")
        given = ServiceAnswer(term, True, term.sha256, None, None, ticket)
        answer_service_term(session, Customer(person, "rest"), given)


def set_rate(per_minute: str) -> None:
    """A Suporte rate in force since mid-2026, after the shipped unset one."""
    with db.unit_of_work(runtime.sessions()) as session:
        session.add(
            PriceVersionRow(
                modality="suporte",
                per_minute=Decimal(per_minute),
                effective=date(2026, 6, 1),
                source="config",
            )
        )


async def staff_says(text: str, message_id: str = "4242", **who: Any) -> str:
    dispatcher = CollectingDispatcher()
    sender = {**from_telegram(message_id=message_id), **who}
    events = await ActionStaffTicketOutcome().run(dispatcher, turn(text, INTENT, **sender), DOMAIN)
    assert events == []
    return texts(dispatcher)


def stored() -> list[tuple[Any, ...]]:
    with db.unit_of_work(runtime.sessions()) as session:
        rows = session.scalars(select(TicketOutcomeRow).order_by(TicketOutcomeRow.id))
        return [(r.outcome, r.minutes, r.billed_minutes, r.amount) for r in rows]


def notified() -> int:
    with db.unit_of_work(runtime.sessions()) as session:
        query = select(Notification).where(Notification.kind == "ticket_outcome_recorded")
        return len(session.scalars(query).all())


async def my_requests(sender: str = "test-user") -> str:
    dispatcher = CollectingDispatcher()
    tracker = turn("minhas solicitações", "list_my_requests", sender=sender)
    await ActionListMyRequests().run(dispatcher, tracker, DOMAIN)
    return texts(dispatcher)


async def test_staff_record_the_outcome_and_minutes_with_the_rate_unset() -> None:
    enroll()
    accept(customer())
    said = await staff_says("18234567 sem inconsistência, 35 minutos")
    assert said == (
        "Registrado no ticket 18234567 (Consultoria do Suporte):\n"
        "• Resultado: sem inconsistência de produto (cobrado).\n"
        "• Minutos: 35 min registrados, 35 min tarifados.\n"
        "• Valor: minutos apenas (valor conforme o Termo).\n"
        "• Cobrança: o cliente, Ana.\n"
        'Ana vê o resultado em "minhas solicitações".'
    )
    assert stored() == [("no_inconsistency", 35, 35, None)] and notified() == 1
    assert (
        "Consultoria do Suporte, ticket 18234567 — Termo aceito (versão 1) em "
        in await my_requests()
    )
    assert (
        "Resultado: sem inconsistência de produto (cobrado); 35 min registrados, 35 min "
        "tarifados: minutos apenas (valor conforme o Termo)." in await my_requests()
    )


async def test_an_outcome_then_minutes_then_a_correction_with_a_rate() -> None:
    enroll()
    accept(customer(perfil="consultor", unit="Unidade Campinas"))
    set_rate("2.50")
    first = await staff_says("o ticket 18234567 era inconsistência já publicada", "m-1")
    assert "• Resultado: inconsistência já publicada no portal (cobrado)." in first
    assert "• Minutos: ainda não registrados" in first and "• Valor" not in first
    assert "• Cobrança: a unidade Unidade Campinas (pedido de Ana, consultor(a))." in first
    minutes = await staff_says("registra 4 min no ticket 18234567", "m-2")
    assert "• Minutos: 4 min registrados, 10 min tarifados." in minutes
    assert "• Valor: R$ 25,00 mais impostos." in minutes
    corrected = await staff_says("ticket 18234567: na verdade inconsistência nova", "m-3")
    assert "• Valor: R$ 0,00 (abonado)." in corrected
    assert stored() == [
        ("published", None, None, None),
        ("published", 4, 10, Decimal("25.00")),
        ("new_inconsistency", 4, 10, Decimal("0.00")),
    ]
    listed = await my_requests()
    assert "Resultado: inconsistência nova, ainda não publicada no portal (abonado)" in listed
    assert "R$ 0,00 (abonado)." in listed and "R$ 25,00" not in listed


async def test_the_same_message_again_is_recorded_once() -> None:
    enroll()
    accept(customer())
    await staff_says("ticket 18234567 foi 1h20, sem inconsistencia")
    again = await staff_says("ticket 18234567 foi 1h20, sem inconsistencia")
    assert again.startswith("Essa mensagem já estava registrada no ticket 18234567")
    assert stored() == [("no_inconsistency", 80, 80, None)] and notified() == 1


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("ticket 18234568 sem inconsistência, 30 min", "Não há aceite do Termo"),
        ("ticket 1823: sem inconsistência", "O número do ticket tem só dígitos, de 6 a 12"),
        ("ticket 18234567 sem inconsistência, 0 minutos", "número inteiro positivo"),
        ("registra 45 min no ticket 18234567", "ainda não tem resultado registrado"),
        ("ticket 18234567", "diga o resultado e/ou os minutos"),
        ("inconsistência nova, 30 min", "De qual ticket?"),
        ("ticket 18234567 inconsistência nova, já publicada", "mais de um resultado"),
    ],
)
async def test_bad_input_is_explained_and_changes_nothing(text: str, answer: str) -> None:
    enroll()
    accept(customer())
    said = await staff_says(text)
    assert answer in said and "Nada foi registrado." in said
    assert stored() == [] and notified() == 0


@pytest.mark.parametrize(
    "who",
    [
        pytest.param({"sender": "test-user", "metadata": {}}, id="the-customer"),
        pytest.param({"sender": "555", "metadata": {"channel": "telegram"}}, id="unknown"),
        pytest.param({"metadata": {}}, id="staff-id-on-rest"),
        pytest.param({"inactive": True}, id="inactive-member"),
    ],
)
async def test_anyone_outside_the_roster_is_refused_and_nothing_changes(
    who: dict[str, Any],
) -> None:
    enroll(active=not who.get("inactive"))
    accept(customer())
    sender = {key: value for key, value in who.items() if key != "inactive"}
    said = await staff_says("ticket 18234567: inconsistência nova, 30 min", **sender)
    assert said == REFUSAL
    assert stored() == [] and notified() == 0
    assert "Resultado" not in await my_requests()


async def test_another_persons_ticket_outcome_is_never_listed() -> None:
    enroll()
    accept(customer())
    accept(customer("someone-else"), "99999999")
    await staff_says("ticket 99999999 sem inconsistencia, 50 min")
    mine = await my_requests()
    assert "Resultado" not in mine and "99999999" not in mine
    theirs = await my_requests("someone-else")
    assert "ticket 99999999" in theirs and "50 min registrados" in theirs

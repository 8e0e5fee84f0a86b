"""End-to-end through the REST channel (issue #14): a customer writing from Telegram asks for a
Consultoria Técnica (not a plantão), answers the form, accepts the Técnica Term and gets a
T-reference; "minhas solicitações" lists it; a customer cannot confirm it; the roster member
confirms a slot, the outbox holds the customer's notice with its calendar file; the customer
cancels and gets the file that removes it (real Rasa model, action server and database).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.messages.staff import REFUSAL
from bot.notifier import compose_for_customer
from consultoria.db import Appointment, Notification, make_engine, parse_appointment_ref
from consultoria.services import appointments
from consultoria.services.outbox import ClaimedNotification
from consultoria.settings import DEFAULT_CONFIG, load_settings
from consultoria.tariff.business_hours import business_hours_of
from consultoria.tariff.calendar import WEEKDAY_NAMES
from tests.e2e.rest import Conversation, FromTelegram
from tests.stack import StackError, running_stack

STAFF_ID = "700100201"
CUSTOMER_ID = "555000111"
ZONE = ZoneInfo("America/Sao_Paulo")


@dataclass(frozen=True)
class TecnicaStack:
    url: str
    database: str


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TecnicaStack]:
    folder = tmp_path_factory.mktemp("tecnica-e2e")
    shipped = DEFAULT_CONFIG.read_text(encoding="utf-8")
    assert "\nstaff: []\n" in shipped
    config = folder / "consultoria.yml"
    roster = f"\nstaff:\n  - {{telegram_user_id: {STAFF_ID}, name: Carla}}\n"
    config.write_text(shipped.replace("\nstaff: []\n", roster), encoding="utf-8")
    database = f"sqlite:///{folder / 'tecnica.sqlite3'}"
    try:
        with running_stack({"CONSULTORIA_CONFIG": str(config), "DATABASE_URL": database}) as url:
            yield TecnicaStack(url, database)
    except StackError as exc:
        pytest.fail(str(exc))


def business_day_ahead() -> date:
    """A business day more than a week away."""
    calendar = load_settings(DEFAULT_CONFIG).tariff.calendar
    day = datetime.now(ZONE).date() + timedelta(days=8)
    while business_hours_of(calendar, day) is None:
        day += timedelta(days=1)
    return day


def joined(replies: list[dict[str, object]]) -> str:
    return "\n".join(str(r.get("text", "")) for r in replies)


def request_tecnica(customer: Conversation, day: date) -> str:
    """The form, the summary and "Aceito": the appointment's reference."""
    asked = customer.text("preciso agendar uma consultoria técnica")
    assert "cliente TOTVS ou consultor" in asked and "plantão" not in asked
    assert "assunto da Consultoria Técnica" in customer.text('/inform{"perfil": "cliente"}')
    assert "Em qual sistema?" in customer.text("revisao do calculo da folha")
    assert "Qual dia você prefere?" in customer.text("Protheus")
    assert "Quanto tempo você estima" in customer.text(f"{day:%d/%m/%Y} de manha")
    assert "Qual telefone" in customer.text("1h30")
    summary = customer.say("(11) 91234-5678")
    said = joined(summary)
    assert f"Preferência: {WEEKDAY_NAMES[day.weekday()]}, {day:%d/%m/%Y}, de manhã" in said
    assert "Consultoria Técnica: 90 min (1h30) a cobrar, pela tarifa do Termo." in said
    term = summary[-1]
    assert str(term["text"]).startswith("Termo de Aceite da Consultoria Técnica")
    buttons = term["buttons"]
    assert isinstance(buttons, list)
    requested = customer.text(buttons[0]["payload"])
    found = re.search(r"Pedido registrado: Consultoria Técnica (T-\d{4})", requested)
    assert found, requested
    return found.group(1)


def stored(database: str, ref: str) -> tuple[Appointment, list[Notification]]:
    engine = make_engine(database)
    try:
        with Session(engine) as session:
            appointment = session.get_one(Appointment, parse_appointment_ref(ref))
            kinds = session.scalars(select(Notification).order_by(Notification.id)).all()
            session.expunge_all()
    finally:
        engine.dispose()
    return appointment, list(kinds)


def customer_notice(database: str, notification: Notification) -> tuple[str, str]:
    """What the Telegram bot would send the customer for `notification`: text and .ics."""
    engine = make_engine(database)
    claimed = ClaimedNotification(notification.id, notification.kind, notification.payload, 1)
    try:
        with Session(engine) as session:
            told = compose_for_customer(session, claimed)
    finally:
        engine.dispose()
    assert told is not None and told.attachment is not None
    return told.text, told.attachment[1].decode("utf-8")


def test_request_list_confirm_and_cancel_a_tecnica(stack: TecnicaStack) -> None:
    day = business_day_ahead()
    customer = FromTelegram(stack.url, CUSTOMER_ID)
    ref = request_tecnica(customer, day)
    mine = customer.text("minhas solicitações")
    assert ref in mine and "aguardando confirmação do horário" in mine

    slot = f"confirmar {ref} dia {day:%d/%m} às 14h"
    assert REFUSAL in customer.text(slot)
    staff = FromTelegram(stack.url, STAFF_ID)
    assert ref in staff.text("consultorias técnicas pendentes")
    confirmed = staff.text(slot)
    assert f"Consultoria Técnica {ref} confirmada" in confirmed and "14:00 até 15:30" in confirmed

    appointment, notifications = stored(stack.database, ref)
    assert appointment.state == "confirmed"
    kinds = [n.kind for n in notifications]
    assert kinds == [appointments.REQUESTED_KIND, appointments.CONFIRMED_KIND]
    text, calendar = customer_notice(stack.database, notifications[-1])
    assert f"Consultoria Técnica {ref}" in text and f"{day:%d/%m/%Y} 14:00" in text
    assert "METHOD:REQUEST\r\n" in calendar
    assert f"DTSTART;TZID=America/Sao_Paulo:{day:%Y%m%d}T140000\r\n" in calendar

    replies = customer.say(f"cancela o {ref}")
    assert f"Consultoria Técnica {ref} cancelada, sem custo." in joined(replies)
    [cancellation] = [r["custom"] for r in replies if "custom" in r]
    assert "METHOD:CANCEL\r\n" in cancellation["content"]
    assert f"UID:{ref}@assistente-consultoria\r\n" in cancellation["content"]
    assert "cancelada" in customer.text("minhas solicitações")
    for talk in (customer, staff):
        talk.client.close()


def test_giving_up_leaves_the_form(stack: TecnicaStack) -> None:
    customer = FromTelegram(stack.url, "555000222")
    customer.text("quero marcar uma consultoria tecnica")
    customer.text('/inform{"perfil": "cliente"}')
    assert "Tudo bem, parei por aqui." in customer.text("esquece, deixa pra lá")
    # The form is gone: a day is no answer to it now.
    assert "Quanto tempo você estima" not in customer.text("terça de manhã")
    customer.client.close()

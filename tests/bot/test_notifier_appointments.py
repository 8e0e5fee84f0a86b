"""Consultoria Técnica appointments through the outbox (SPEC §5, §9): the staff chats hear of a
request and of a cancellation; the customer hears of the slot staff confirmed, with its calendar
file (METHOD:REQUEST, one UID per appointment) as a Telegram document, and not once it was
cancelled."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timezone

import pytest
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot

from bot.notifier import drain_once
from consultoria.db import Person, load_price_table, unit_of_work
from consultoria.services import appointments
from consultoria.services.actors import Customer, Staff
from consultoria.services.people import staff_person
from consultoria.services.terms import sync_term
from consultoria.settings import Settings
from consultoria.textparse import SAO_PAULO
from tests.bot.conftest import ANA, STAFF, add_staff
from tests.faketg.server import FakeTelegram

NOW = datetime(2030, 5, 30, 15, 0, tzinfo=timezone.utc)
AT_TWO = datetime(2030, 6, 4, 14, 0, tzinfo=SAO_PAULO)  # a Tuesday


@pytest.fixture
async def bot(telegram: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(telegram.token, base_url=f"{telegram.base_url}/bot") as real_bot:
        yield real_bot


def request(factory: sessionmaker[Session], settings: Settings, person: Person) -> int:
    with unit_of_work(factory) as session:
        term = sync_term(session, "tecnica", "Termo", "Termo da Consultoria Técnica")
        details = appointments.AppointmentRequest(
            "Revisão do fechamento fiscal",
            "Protheus",
            appointments.Preference(date(2030, 6, 4), "tarde", None),
            None,
            "(11) 91234-5678",
        )
        found, _ = appointments.request(
            session,
            Customer(person, "telegram"),
            details,
            appointments.TermAccepted(term, term.sha256, "m-1"),
            request_key=None,
            prices=load_price_table(session),
            rules=settings.tariff,
        )
        return found.id


def confirm(factory: sessionmaker[Session], settings: Settings, appointment_id: int) -> None:
    with unit_of_work(factory) as session:
        staff = Staff(staff_person(session, "telegram", str(STAFF.id), "Carla"), "telegram")
        appointments.confirm(
            session,
            staff,
            appointment_id,
            start_at=AT_TWO,
            now=NOW,
            rules=settings.tariff,
            default_minutes=settings.tecnica_default_minutes,
        )


async def test_staff_hear_of_the_request_and_the_customer_of_the_slot_with_its_file(
    bot: Bot,
    telegram: FakeTelegram,
    factory: sessionmaker[Session],
    person: Person,
    settings: Settings,
) -> None:
    add_staff(factory, STAFF)
    appointment_id = request(factory, settings, person)
    assert await drain_once(bot, factory) == 1
    [told] = telegram.sent(STAFF.id)
    assert told["text"].startswith("Novo pedido de Consultoria Técnica: T-0001")
    assert "Solicitante: Ana Cliente (cliente)" in told["text"]
    assert "confirmar T-0001 dia DD/MM às HHh" in told["text"]

    confirm(factory, settings, appointment_id)
    assert await drain_once(bot, factory) == 1
    assert len(telegram.sent(STAFF.id)) == 1  # the staff confirmed it themselves
    text, document = telegram.sent(ANA.id)
    assert (
        "Consultoria Técnica T-0001 (Revisão do fechamento fiscal) foi confirmada" in text["text"]
    )
    assert "ter., 04/06/2030 14:00" in text["text"]
    assert document["document"]["file_name"] == "T-0001.ics"
    assert "METHOD:REQUEST" in document["content"]
    assert "UID:T-0001@assistente-consultoria" in document["content"]


async def test_a_cancelled_appointment_is_not_announced_as_confirmed(
    bot: Bot,
    telegram: FakeTelegram,
    factory: sessionmaker[Session],
    person: Person,
    settings: Settings,
) -> None:
    add_staff(factory, STAFF)
    appointment_id = request(factory, settings, person)
    confirm(factory, settings, appointment_id)
    with unit_of_work(factory) as session:
        appointments.cancel_by_customer(
            session, Customer(person, "telegram"), appointment_id, now=NOW
        )
    await drain_once(bot, factory)
    assert telegram.sent(ANA.id) == []
    staff_texts = [m["text"] for m in telegram.sent(STAFF.id)]
    assert staff_texts[-1].startswith("Consultoria Técnica cancelada pelo cliente: T-0001")

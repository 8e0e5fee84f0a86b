"""A staff decision on a Consultoria do Suporte ticket reaches the customer who accepted its Term
in their Telegram chat (SPEC §3.2, §5): the outcome, the minutes and the amount the engine gave,
or the minutes only while the rate is unset; the staff chats are not told again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot

from bot.notifier import drain_once
from consultoria.db import Person, PriceVersionRow, unit_of_work
from consultoria.services import tickets
from consultoria.services.actors import Customer, Staff
from consultoria.services.people import get_or_create_person, remember_person, staff_person
from consultoria.services.terms import ServiceAnswer, answer_service_term, sync_term
from consultoria.settings import Settings
from consultoria.textparse import TicketOutcome
from tests.bot.conftest import STAFF, add_staff
from tests.faketg.server import FakeTelegram

TICKET = "18234567"


@pytest.fixture
async def bot(telegram: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(telegram.token, base_url=f"{telegram.base_url}/bot") as real_bot:
        yield real_bot


def accepted_and_decided(
    factory: sessionmaker[Session],
    settings: Settings,
    person: Person,
    outcome: TicketOutcome,
    minutes: int | None,
) -> None:
    with unit_of_work(factory) as session:
        term = sync_term(session, "suporte", "Termo", "Termo da Consultoria do Suporte")
        given = ServiceAnswer(term, True, term.sha256, None, "m-1", TICKET)
        answer_service_term(session, Customer(person, person.channel), given)
    with unit_of_work(factory) as session:
        staff = Staff(staff_person(session, "telegram", str(STAFF.id), "Carla"), "telegram")
        decision = tickets.Decision(TICKET, outcome, minutes, "s-1")
        tickets.record(session, staff, decision, settings.tariff)


def set_rate(factory: sessionmaker[Session], per_minute: str) -> None:
    with unit_of_work(factory) as session:
        session.add(
            PriceVersionRow(
                modality="suporte",
                per_minute=Decimal(per_minute),
                effective=date(2026, 1, 1),
                source="config",
            )
        )


async def _drain_the_acceptance(bot: Bot, factory: sessionmaker[Session]) -> None:
    # The staff chat hears of the acceptance first: that is the Terms' own notification.
    assert await drain_once(bot, factory) == 2


async def test_the_customer_hears_the_outcome_and_the_amount(
    bot: Bot,
    telegram: FakeTelegram,
    factory: sessionmaker[Session],
    settings: Settings,
    person: Person,
) -> None:
    add_staff(factory, STAFF)
    set_rate(factory, "2.50")
    accepted_and_decided(factory, settings, person, TicketOutcome.NO_INCONSISTENCY, 35)
    await _drain_the_acceptance(bot, factory)
    [message] = telegram.sent(int(person.channel_user_id))
    assert message["text"] == (
        "Ticket 18234567 (Consultoria do Suporte): a equipe da Consultoria registrou o "
        "resultado da análise: sem inconsistência de produto (cobrado); 35 min registrados, "
        "35 min tarifados: R$ 87,50 mais impostos."
    )
    assert [m["text"].startswith("Termo da") for m in telegram.sent(STAFF.id)] == [True]
    assert await drain_once(bot, factory) == 0


async def test_a_consultant_hears_the_minutes_only_and_their_unit(
    bot: Bot,
    telegram: FakeTelegram,
    factory: sessionmaker[Session],
    settings: Settings,
) -> None:
    add_staff(factory, STAFF)
    with unit_of_work(factory) as session:
        consultant = remember_person(
            session, "telegram", "3003", "Bia", role="consultant", unit="Unidade Campinas"
        )
    accepted_and_decided(factory, settings, consultant, TicketOutcome.PUBLISHED, 4)
    await _drain_the_acceptance(bot, factory)
    [message] = telegram.sent(3003)
    assert "inconsistência já publicada no portal (cobrado)" in message["text"]
    assert (
        "4 min registrados, 10 min tarifados: minutos apenas (valor conforme o Termo)"
        in (message["text"])
    )
    assert message["text"].endswith("A cobrança vai para a unidade Unidade Campinas.")


async def test_a_customer_outside_telegram_is_not_sent_anything(
    bot: Bot,
    telegram: FakeTelegram,
    factory: sessionmaker[Session],
    settings: Settings,
) -> None:
    add_staff(factory, STAFF)
    with unit_of_work(factory) as session:
        rest_customer = get_or_create_person(session, "rest", "web-1", "Davi")
    accepted_and_decided(factory, settings, rest_customer, TicketOutcome.NEW_INCONSISTENCY, 20)
    await _drain_the_acceptance(bot, factory)  # settled: nobody to tell there
    assert len(telegram.sent(STAFF.id)) == 1
    assert await drain_once(bot, factory) == 0

"""A request nobody confirmed by its start expires, and staff may cancel one for lack of a
specialist (SPEC §4): the drainer tells the staff chat and the customer's own Telegram chat, on
SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot

from bot.notifier import REASONS_PT, drain_once
from consultoria.db import unit_of_work
from consultoria.services.actors import Staff
from consultoria.services.people import staff_person
from consultoria.services.plantoes import (
    CancelReason,
    advance,
    cancel_by_staff,
    staff_cancellation_preview,
)
from consultoria.settings import Settings
from tests.bot.conftest import STAFF, add_staff
from tests.faketg.server import FakeTelegram
from tests.support.databases import SATURDAY, Book

CUSTOMER_CHAT = 1001  # the `person` fixture writes from Telegram as user 1001


@pytest.fixture
async def bot(telegram: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(telegram.token, base_url=f"{telegram.base_url}/bot") as real_bot:
        yield real_bot


async def test_an_expired_request_is_told_to_staff_and_to_the_customer(
    bot: Bot,
    telegram: FakeTelegram,
    factory: sessionmaker[Session],
    book: Book,
    settings: Settings,
) -> None:
    add_staff(factory, STAFF)
    plantao = book()
    with unit_of_work(factory) as session:
        advance(session, SATURDAY + timedelta(minutes=1), settings.tariff)
    assert await drain_once(bot, factory) == 2  # the request, then its expiry
    staff_said = telegram.sent(STAFF.id)[-1]["text"]
    assert staff_said.startswith(f"Plantão expirado sem confirmação: {plantao.ref}")
    assert "expirado (não confirmado até o início, sem custo); valor devido R$ 0,00" in staff_said
    assert "automaticamente" in staff_said
    [customer_said] = [m["text"] for m in telegram.sent(CUSTOMER_CHAT)]
    assert customer_said.startswith(f"Seu pedido de plantão {plantao.ref}, de sáb., 01/06/2030")
    assert "expirou" in customer_said and "nada será cobrado" in customer_said
    assert await drain_once(bot, factory) == 0


@pytest.mark.parametrize(
    ("reason", "why"),
    [
        (CancelReason.NO_SPECIALIST, "porque não há especialista disponível nesse horário"),
        (CancelReason.CUSTOMER_REQUEST, "a seu pedido"),
    ],
)
async def test_a_staff_cancellation_tells_the_customer_why(
    bot: Bot,
    telegram: FakeTelegram,
    factory: sessionmaker[Session],
    book: Book,
    settings: Settings,
    reason: CancelReason,
    why: str,
) -> None:
    add_staff(factory, STAFF)
    plantao = book()
    now = SATURDAY - timedelta(days=3)
    with unit_of_work(factory) as session:
        staff = Staff(staff_person(session, "telegram", str(STAFF.id), "Carla"), "telegram")
        shown = staff_cancellation_preview(
            session, staff, plantao.id, now=now, rules=settings.tariff, reason=reason
        )
        cancel_by_staff(
            session,
            staff,
            plantao.id,
            now=now,
            rules=settings.tariff,
            reason=reason,
            confirmed=shown.amount,
        )
    assert await drain_once(bot, factory) == 2  # the request, then its cancellation
    staff_said = telegram.sent(STAFF.id)[-1]["text"]
    assert staff_said.startswith(f"Plantão cancelado: {plantao.ref}")
    assert REASONS_PT[reason.value] in staff_said
    told, calendar_file = telegram.sent(CUSTOMER_CHAT)
    assert told["text"].startswith(f"Seu plantão {plantao.ref}, de sáb., 01/06/2030")
    assert why in told["text"]
    free = reason is CancelReason.NO_SPECIALIST
    assert ("Nada será cobrado" in told["text"]) is free
    assert calendar_file["document"]["file_name"] == f"{plantao.ref}.ics"

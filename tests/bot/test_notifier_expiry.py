"""A request nobody confirmed by its start expires, staff may cancel one for lack of a
specialist, and an early end staff scheduled comes (SPEC §4): the drainer tells the staff chat
and the customer's own Telegram chat, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot

from bot.notifier import REASONS_PT, drain_once
from consultoria.db import sync_config_prices, unit_of_work
from consultoria.services.actors import Staff
from consultoria.services.people import staff_person
from consultoria.services.plantoes import (
    CancelReason,
    advance,
    cancel_by_staff,
    confirm,
    end_early,
    end_preview,
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


async def test_an_end_staff_scheduled_is_told_when_time_ends_the_plantao(
    bot: Bot,
    telegram: FakeTelegram,
    factory: sessionmaker[Session],
    book: Book,
    settings: Settings,
) -> None:
    add_staff(factory, STAFF)
    plantao, rules = book(), settings.tariff
    ten = SATURDAY + timedelta(hours=2)  # 10:00 in São Paulo: the Saturday minimum
    with unit_of_work(factory) as session:
        sync_config_prices(session, settings.prices)  # as the action server does
        staff = Staff(staff_person(session, "telegram", str(STAFF.id), "Carla"), "telegram")
        now = SATURDAY - timedelta(days=1)
        confirm(session, staff, plantao.id, specialist="Maria Souza", now=now, rules=rules)
        shown = end_preview(session, staff, plantao.id, at=ten, rules=rules).amount
        end_early(session, staff, plantao.id, at=ten, now=now, rules=rules, confirmed=shown)
    assert await drain_once(bot, factory) == 1  # the request; nothing ended yet
    with unit_of_work(factory) as session:
        advance(session, ten + timedelta(minutes=3), rules)
    assert await drain_once(bot, factory) == 1
    staff_said = telegram.sent(STAFF.id)[-1]["text"]
    assert staff_said.startswith(
        f"Plantão encerrado no horário agendado pela equipe: {plantao.ref}"
    )
    assert "encerrado antes do fim; valor devido R$ 960,00" in staff_said
    [customer_said] = [m["text"] for m in telegram.sent(CUSTOMER_CHAT)]
    assert customer_said == (
        f"Seu plantão {plantao.ref} foi encerrado em sáb., 01/06/2030 10:00, como combinado com "
        "a equipe da Consultoria. Valor devido: R$ 960,00 mais impostos."
    )

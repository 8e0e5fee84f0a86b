"""The outbox drainer against the fake Telegram server, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot

from bot.notifier import NO_STAFF, drain_once
from consultoria.db import Notification, Person, unit_of_work
from consultoria.db.types import utcnow
from tests.bot.conftest import STAFF, User, add_staff
from tests.faketg.server import FakeTelegram
from tests.support.databases import Book, by_customer

OTHER_STAFF = User(9002, "Davi", "davi_equipe")


@pytest.fixture
async def bot(telegram: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(telegram.token, base_url=f"{telegram.base_url}/bot") as real_bot:
        yield real_bot


def outbox(factory: sessionmaker[Session]) -> list[Notification]:
    with unit_of_work(factory) as session:
        return list(session.scalars(select(Notification).order_by(Notification.id)))


def make_due(factory: sessionmaker[Session]) -> None:
    with unit_of_work(factory) as session:
        session.execute(
            update(Notification).values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )


async def test_a_new_request_reaches_every_staff_chat_and_is_marked_delivered(
    bot: Bot, telegram: FakeTelegram, factory: sessionmaker[Session], book: Book
) -> None:
    add_staff(factory, STAFF, OTHER_STAFF)
    plantao = book()
    assert await drain_once(bot, factory) == 1
    for chat_id in (STAFF.id, OTHER_STAFF.id):
        [message] = telegram.sent(chat_id)
        text = message["text"]
        assert text.startswith(f"Novo pedido de plantão: {plantao.ref}")
        assert "aguardando confirmação; valor previsto R$ 2.400,00" in text
        assert "Solicitante: Ana Cliente (cliente)" in text
        assert "Motivo: Fechamento contábil" in text and "Contato: +55 11 91234-5678" in text
    [row] = outbox(factory)
    assert row.delivered_at is not None and row.attempts == 1
    assert await drain_once(bot, factory) == 0
    assert len(telegram.calls("sendMessage")) == 2


async def test_a_cancellation_says_who_cancelled_and_the_amount_due(
    bot: Bot, telegram: FakeTelegram, factory: sessionmaker[Session], book: Book, person: Person
) -> None:
    add_staff(factory, STAFF)
    plantao = book()
    with unit_of_work(factory) as session:
        by_customer(
            session,
            plantao.id,
            person,
            "cancelled",
            "requested",
            charged_minutes=0,
            amount_due=Decimal("0.00"),
        )
    assert await drain_once(bot, factory) == 2
    cancelled = telegram.sent(STAFF.id)[1]["text"]
    assert cancelled.startswith(f"Plantão cancelado: {plantao.ref}")
    assert "cancelado; valor devido R$ 0,00" in cancelled and "pelo cliente" in cancelled


async def test_a_failed_send_is_retried_after_a_backoff(
    bot: Bot, telegram: FakeTelegram, factory: sessionmaker[Session], book: Book
) -> None:
    add_staff(factory, STAFF)
    book()
    telegram.fail_chat(STAFF.id, 502, "Bad Gateway")
    before = utcnow()
    assert await drain_once(bot, factory) == 0
    [row] = outbox(factory)
    assert row.delivered_at is None and row.attempts == 1
    assert "Bad Gateway" in (row.last_error or "") and row.next_attempt_at > before
    assert await drain_once(bot, factory) == 0  # not due yet
    make_due(factory)
    assert await drain_once(bot, factory) == 1
    assert len(telegram.sent(STAFF.id)) == 1
    [row] = outbox(factory)
    assert row.delivered_at is not None and row.attempts == 2 and row.last_error is None


async def test_a_chat_that_blocked_the_bot_does_not_hold_back_the_others(
    bot: Bot, telegram: FakeTelegram, factory: sessionmaker[Session], book: Book
) -> None:
    add_staff(factory, STAFF, OTHER_STAFF)
    book()
    telegram.fail_chat(STAFF.id, 403, "Forbidden: bot was blocked by the user")
    assert await drain_once(bot, factory) == 1
    assert telegram.sent(STAFF.id) == [] and len(telegram.sent(OTHER_STAFF.id)) == 1


async def test_with_no_staff_on_the_roster_the_notification_waits(
    bot: Bot, telegram: FakeTelegram, factory: sessionmaker[Session], book: Book
) -> None:
    book()
    assert await drain_once(bot, factory) == 0
    [row] = outbox(factory)
    assert row.delivered_at is None and row.last_error == NO_STAFF
    add_staff(factory, STAFF)
    make_due(factory)
    assert await drain_once(bot, factory) == 1
    assert len(telegram.sent(STAFF.id)) == 1


async def test_a_plantao_starting_within_the_hour_gets_a_reminder_once(
    bot: Bot, telegram: FakeTelegram, factory: sessionmaker[Session], book: Book
) -> None:
    add_staff(factory, STAFF)
    plantao = book(start_at=utcnow() + timedelta(minutes=30), hours=2)
    assert await drain_once(bot, factory) == 2
    assert await drain_once(bot, factory) == 0
    texts = [m["text"] for m in telegram.sent(STAFF.id)]
    assert texts[0].startswith(f"Novo pedido de plantão: {plantao.ref}")
    assert texts[1].startswith(f"Plantão começa em breve: {plantao.ref}")
    assert [n.kind for n in outbox(factory)] == ["plantao_requested", "plantao_starting"]

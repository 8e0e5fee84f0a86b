"""Reminders through the outbox (SPEC §9), with a pinned clock, on SQLite and PostgreSQL: 2 h
before the free cancellation ends and 1 h before the start, to the customer's Telegram chat,
at least once and once only, never for a plantão that is no longer open; and the calendar file
of a staff cancellation."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot

from bot.notifier import drain_once
from consultoria.db import Notification, Person, sync_config_prices, unit_of_work
from consultoria.services import plantoes
from consultoria.services.actors import Customer, Staff
from consultoria.services.people import get_or_create_person, staff_person
from consultoria.settings import Settings
from tests.bot.conftest import STAFF, add_staff
from tests.faketg.server import FakeTelegram
from tests.support.clock import PinClock
from tests.support.databases import SATURDAY, Book

CUSTOMER_CHAT = 1001  # the `person` fixture writes from Telegram as user 1001
DEADLINE = SATURDAY - timedelta(hours=24)  # the shipped notice: free until Friday 08:00


@pytest.fixture
async def bot(telegram: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(telegram.token, base_url=f"{telegram.base_url}/bot") as real_bot:
        yield real_bot


@pytest.fixture
def staffed(factory: sessionmaker[Session], settings: Settings) -> None:
    """A staff member in the roster and the configured prices, as the bot's database has."""
    add_staff(factory, STAFF)
    with unit_of_work(factory) as session:
        sync_config_prices(session, settings.prices)


DrainAt = Callable[[datetime], Awaitable[int]]


@pytest.fixture
def drain_at(
    bot: Bot, factory: sessionmaker[Session], pin_clock: PinClock, staffed: None
) -> DrainAt:
    """`await drain_at(moment)`: the bot's outbox drainer run once with the clock at `moment`."""

    async def drain(moment: datetime) -> int:
        pin_clock(moment)
        return await drain_once(bot, factory)

    return drain


def customer_texts(telegram: FakeTelegram) -> list[str]:
    return [m["text"] for m in telegram.sent(CUSTOMER_CHAT) if "text" in m]


def staff_texts(telegram: FakeTelegram) -> list[str]:
    return [m["text"] for m in telegram.sent(STAFF.id)]


def notifications(factory: sessionmaker[Session], kind: str) -> list[Notification]:
    with factory() as session:
        query = select(Notification).where(Notification.kind == kind)
        return list(session.scalars(query.order_by(Notification.id)))


async def test_the_free_cancellation_reminder_says_until_when_and_what_it_costs_after(
    drain_at: DrainAt, telegram: FakeTelegram, factory: sessionmaker[Session], book: Book
) -> None:
    plantao = book()
    await drain_at(DEADLINE - timedelta(hours=2, minutes=1))
    assert customer_texts(telegram) == []  # not yet: more than 2 h ahead
    await drain_at(DEADLINE - timedelta(hours=1, minutes=59))
    [reminder] = customer_texts(telegram)
    assert reminder.startswith(f"Lembrete: o plantão {plantao.ref} (sáb., 01/06/2030 08:00")
    assert "sem custo até sex., 31/05/2030 08:00" in reminder
    assert "o mínimo do primeiro dia: 240 min (4h), R$ 960,00 mais impostos" in reminder
    # The staff chat had the request; the reminder is the customer's alone.
    assert [t.splitlines()[0] for t in staff_texts(telegram)] == [
        f"Novo pedido de plantão: {plantao.ref}"
    ]
    assert await drain_at(DEADLINE - timedelta(minutes=30)) == 0
    assert len(customer_texts(telegram)) == 1
    assert len(notifications(factory, plantoes.FREE_CANCELLATION_KIND)) == 1


async def test_the_hour_before_the_start_reminds_the_customer_and_the_staff(
    drain_at: DrainAt, telegram: FakeTelegram, factory: sessionmaker[Session], book: Book
) -> None:
    plantao = book()
    await drain_at(SATURDAY - timedelta(minutes=50))
    assert customer_texts(telegram) == [
        f"Lembrete: seu plantão {plantao.ref} começa em sáb., 01/06/2030 08:00 e vai até "
        "sáb., 01/06/2030 18:00. Ele ainda aguarda a confirmação da equipe da Consultoria."
    ]
    assert staff_texts(telegram)[-1].startswith(f"Plantão começa em breve: {plantao.ref}")
    # The free cancellation had ended long before: that reminder is not sent late.
    assert notifications(factory, plantoes.FREE_CANCELLATION_KIND) == []
    assert await drain_at(SATURDAY - timedelta(minutes=20)) == 0


@pytest.mark.parametrize("ending", ["cancelled", "expired"])
async def test_a_reminder_written_before_the_plantao_closed_is_dropped(
    drain_at: DrainAt,
    telegram: FakeTelegram,
    factory: sessionmaker[Session],
    book: Book,
    settings: Settings,
    ending: str,
) -> None:
    """Written while the plantão was open, claimed after it closed: nothing reaches anyone."""
    plantao = book()
    before_start = SATURDAY - timedelta(minutes=30)
    with unit_of_work(factory) as session:
        plantoes.enqueue_due_reminders(session, before_start, settings.tariff)
        if ending == "expired":
            plantoes.advance(session, SATURDAY, settings.tariff)
        else:
            staff = Staff(staff_person(session, "telegram", str(STAFF.id), "Carla"), "telegram")
            staff_cancels(session, staff, plantao.id, before_start, settings)
    await drain_at(before_start)
    assert not any(t.startswith("Lembrete") for t in customer_texts(telegram))
    assert not any(t.startswith("Plantão começa em breve") for t in staff_texts(telegram))
    [reminder] = notifications(factory, plantoes.REMINDER_KIND)
    assert reminder.delivered_at is not None  # settled, never to be sent


@pytest.mark.usefixtures("staffed")
async def test_no_reminder_is_written_for_a_cancelled_plantao(
    factory: sessionmaker[Session], book: Book, person: Person, settings: Settings
) -> None:
    plantao = book()
    rules = settings.tariff
    moment = DEADLINE - timedelta(days=2)
    with unit_of_work(factory) as session:
        ana = Customer(session.get_one(Person, person.id), "telegram")
        due = plantoes.cancellation_preview(session, ana, plantao.id, now=moment, rules=rules)
        plantoes.cancel_by_customer(
            session, ana, plantao.id, now=moment, rules=rules, confirmed=due.amount
        )
    with unit_of_work(factory) as session:
        for at in (DEADLINE - timedelta(hours=1), SATURDAY - timedelta(minutes=30)):
            assert plantoes.enqueue_due_reminders(session, at, rules) == []


async def test_a_customer_outside_telegram_is_not_reminded_there(
    drain_at: DrainAt, telegram: FakeTelegram, factory: sessionmaker[Session], book: Book
) -> None:
    with unit_of_work(factory) as session:
        rest = get_or_create_person(session, "rest", "web-7", "Rita")
    book(rest)
    await drain_at(DEADLINE - timedelta(hours=1))
    [reminder] = notifications(factory, plantoes.FREE_CANCELLATION_KIND)
    assert reminder.delivered_at is not None
    # Only the staff chat heard anything (of the request): the reminder had nowhere to go.
    assert {int(c.params["chat_id"]) for c in telegram.calls("sendMessage")} == {STAFF.id}


@pytest.mark.usefixtures("staffed")
async def test_a_staff_cancellation_sends_the_customer_the_cancel_file(
    bot: Bot, telegram: FakeTelegram, factory: sessionmaker[Session], book: Book, settings: Settings
) -> None:
    plantao = book()
    with unit_of_work(factory) as session:
        staff = Staff(staff_person(session, "telegram", str(STAFF.id), "Carla"), "telegram")
        staff_cancels(session, staff, plantao.id, DEADLINE - timedelta(days=3), settings)
    await drain_once(bot, factory)
    text, document = telegram.sent(CUSTOMER_CHAT)
    assert text["text"].startswith(f"Seu plantão {plantao.ref}, de sáb., 01/06/2030 08:00")
    assert "cancelado pela equipe da Consultoria" in text["text"]
    assert document["document"]["file_name"] == f"{plantao.ref}.ics"
    content = document["content"]
    assert "METHOD:CANCEL\r\n" in content and "STATUS:CANCELLED\r\n" in content
    assert f"UID:{plantao.ref}@assistente-consultoria\r\n" in content


def staff_cancels(
    session: Session, staff: Staff, plantao_id: int, now: datetime, settings: Settings
) -> None:
    """Staff cancel at the customer's request, at the amount the preview shows."""
    reason, rules = plantoes.CancelReason.CUSTOMER_REQUEST, settings.tariff
    shown = plantoes.staff_cancellation_preview(
        session, staff, plantao_id, now=now, rules=rules, reason=reason
    )
    plantoes.cancel_by_staff(
        session, staff, plantao_id, now=now, rules=rules, reason=reason, confirmed=shown.amount
    )

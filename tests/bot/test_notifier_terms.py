"""Answers to a service's Term reach the staff chats through the outbox (SPEC §5): the
Consultoria do Suporte accepted or refused for a ticket, with who answered and the unit billed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot

from bot.notifier import drain_once
from consultoria.db import Person, unit_of_work
from consultoria.services.actors import Customer
from consultoria.services.people import remember_person
from consultoria.services.terms import ServiceAnswer, answer_service_term, sync_term
from tests.bot.conftest import STAFF, add_staff
from tests.faketg.server import FakeTelegram


@pytest.fixture
async def bot(telegram: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(telegram.token, base_url=f"{telegram.base_url}/bot") as real_bot:
        yield real_bot


def answer(factory: sessionmaker[Session], person: Person, *, accepted: bool) -> None:
    with unit_of_work(factory) as session:
        term = sync_term(session, "suporte", "Termo", "Termo da Consultoria do Suporte")
        given = ServiceAnswer(term, accepted, term.sha256, None, "m-1", "18234567")
        answer_service_term(session, Customer(person, "telegram"), given)


async def test_an_acceptance_for_a_ticket_tells_the_staff_who_and_the_unit(
    bot: Bot, telegram: FakeTelegram, factory: sessionmaker[Session]
) -> None:
    add_staff(factory, STAFF)
    with unit_of_work(factory) as session:
        consultant = remember_person(
            session, "telegram", "3003", "Bia", role="consultant", unit="Unidade Campinas"
        )
    answer(factory, consultant, accepted=True)
    assert await drain_once(bot, factory) == 1
    [message] = telegram.sent(STAFF.id)
    text = message["text"]
    assert text.startswith("Termo da Consultoria do Suporte aceito para o ticket 18234567")
    assert "Bia (consultor, unidade Unidade Campinas), versão 1 do Termo" in text
    assert "Cobrança: unidade Unidade Campinas." in text
    assert await drain_once(bot, factory) == 0


async def test_a_refusal_tells_the_staff_not_to_start(
    bot: Bot, telegram: FakeTelegram, factory: sessionmaker[Session], person: Person
) -> None:
    add_staff(factory, STAFF)
    answer(factory, person, accepted=False)
    assert await drain_once(bot, factory) == 1
    [message] = telegram.sent(STAFF.id)
    assert message["text"].startswith("Termo da Consultoria do Suporte recusado para o ticket")
    assert "Ana Cliente (cliente)" in message["text"]
    assert "Não inicie a consultoria: nada será cobrado." in message["text"]

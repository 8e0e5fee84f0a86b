"""The customer's own hour bank in chat, on SQLite and PostgreSQL: the balance and statement of
the sender's bank alone, and a Consultoria Telefônica quote that takes it into account."""

from __future__ import annotations

from datetime import date

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.hour_bank import ActionHourBankBalance
from actions.messages.hour_bank import NO_BANK
from actions.privacy import ActionMyData
from actions.quotes import ActionQuote
from consultoria import db, runtime
from consultoria.db import Person
from consultoria.services import hour_bank
from tests.support.people import customer
from tests.support.trackers import DOMAIN, texts, turn

pytestmark = pytest.mark.both_backends

TELEFONICA_45 = {"modalidade": "consultoria_telefonica", "duracao_minutos": 45.0}


def credit(person: Person, minutes: int) -> None:
    with db.unit_of_work(runtime.sessions()) as session:
        hour_bank.credit(session, person, minutes, "contrato 2027")


def call(person: Person, minutes: int) -> None:
    with db.unit_of_work(runtime.sessions()) as session:
        hour_bank.use_for_call(
            session,
            person,
            minutes,
            specialists=1,
            day=date(2026, 12, 2),
            ticket="18234567",
            rules=runtime.settings().tariff,
        )


async def balance_said(sender: str = "ana") -> str:
    dispatcher = CollectingDispatcher()
    await ActionHourBankBalance().run(
        dispatcher, turn("qual o meu saldo de horas?", "hour_bank_balance", sender=sender), DOMAIN
    )
    return texts(dispatcher)


async def test_the_balance_and_the_latest_movements() -> None:
    ana = customer("ana")
    credit(ana, 600)
    call(ana, 45)
    said = await balance_said()
    assert said.startswith("Saldo do seu banco de horas: 555 min (9h15).")
    assert "saem primeiro do saldo" in said
    lines = said.split("Últimas movimentações:\n")[1].splitlines()
    assert lines[0].endswith("Consultoria Telefônica, ticket 18234567: 45 min do saldo")
    assert lines[1].endswith("crédito de 600 min (10h), contrato 2027")


async def test_nobody_sees_anothers_bank() -> None:
    credit(customer("ana"), 600)
    customer("bruno")
    assert await balance_said("bruno") == NO_BANK
    assert await balance_said("someone-new") == NO_BANK


async def test_a_telefonica_quote_takes_the_minutes_from_the_bank_first() -> None:
    credit(customer("ana"), 30)
    dispatcher = CollectingDispatcher()
    await ActionQuote().run(dispatcher, turn(slots=TELEFONICA_45, sender="ana"), DOMAIN)
    said = texts(dispatcher)
    assert said.startswith("Consultoria Telefônica: R$ 60,00 mais impostos.")
    assert "Banco de horas: 30 min descontados do saldo de 30 min; restam 0 min." in said
    # Without a bank, the same quote is all at the table price, with no hour-bank line.
    alone = CollectingDispatcher()
    await ActionQuote().run(alone, turn(slots=TELEFONICA_45, sender="bruno"), DOMAIN)
    assert texts(alone).startswith("Consultoria Telefônica: R$ 180,00 mais impostos.")
    assert "Banco de horas" not in texts(alone)


async def test_the_copy_of_my_data_lists_the_hour_bank_only_when_there_is_one() -> None:
    ana = customer("ana")
    dispatcher = CollectingDispatcher()
    await ActionMyData().run(dispatcher, turn("quero meus dados", "my_data", sender="ana"), DOMAIN)
    assert "Banco de horas" not in texts(dispatcher)
    credit(ana, 600)
    call(ana, 45)
    dispatcher = CollectingDispatcher()
    await ActionMyData().run(dispatcher, turn("quero meus dados", "my_data", sender="ana"), DOMAIN)
    section = texts(dispatcher).split("Banco de horas:\n")[1].splitlines()
    assert section[0].startswith("• ") and section[0].endswith("ticket 18234567: 45 min do saldo")
    assert section[1].endswith("crédito de 600 min (10h), contrato 2027")


@pytest.mark.parametrize(
    "text", ["saldo da conta bancaria", "qual o saldo do meu cartão de crédito?", "meu extrato"]
)
async def test_a_balance_of_something_else_is_not_answered_as_the_hour_banks(text: str) -> None:
    credit(customer("ana"), 600)
    dispatcher = CollectingDispatcher()
    said = turn(text, "hour_bank_balance", sender="ana")
    await ActionHourBankBalance().run(dispatcher, said, DOMAIN)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_out_of_scope"]

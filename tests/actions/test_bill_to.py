"""Who pays (SPEC §2, §4): a consultant's quote says their unit pays, and a plantão records its
bill-to when booked, not rewritten when the person changes later."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.quotes import ActionQuote
from consultoria import db, runtime
from consultoria.db import Plantao, TermAcceptance
from tests.support.booking import book_through_chat
from tests.support.people import customer
from tests.support.plantoes import next_saturday
from tests.support.trackers import texts, turn

pytestmark = pytest.mark.both_backends


def _plantao_slots() -> dict[str, Any]:
    day = next_saturday()
    return {
        "modalidade": "plantao",
        "plantao_inicio": f"{day}T20:00:00-03:00",
        "plantao_fim": f"{day}T23:00:00-03:00",
    }


@pytest.mark.parametrize(
    "slots",
    [
        {"modalidade": "consultoria_telefonica", "duracao_minutos": 30.0},
        {"modalidade": "consultoria_tecnica", "duracao_minutos": 90.0},
        None,  # a plantão next Saturday night
    ],
)
async def test_a_consultants_quote_says_the_unit_pays(
    dispatcher: CollectingDispatcher, slots: dict[str, Any] | None
) -> None:
    customer(perfil="consultor", unit="Franquia Vale do Paraíba")
    await ActionQuote().run(dispatcher, turn(slots=slots or _plantao_slots()), {})
    said = texts(dispatcher)
    assert "a cobrança vai para a unidade Franquia Vale do Paraíba" in said


async def test_a_customers_quote_names_no_unit(dispatcher: CollectingDispatcher) -> None:
    customer()
    await ActionQuote().run(dispatcher, turn(slots=_plantao_slots()), {})
    assert "unidade" not in texts(dispatcher)
    assert "Plantão 24x7: R$ 720,00 mais impostos." in texts(dispatcher)


async def test_an_unknown_person_is_quoted_as_a_customer(dispatcher: CollectingDispatcher) -> None:
    await ActionQuote().run(dispatcher, turn(slots=_plantao_slots(), sender="never-seen"), {})
    assert "unidade" not in texts(dispatcher)


async def test_a_consultants_booking_is_billed_to_the_unit_as_it_was_then(
    dispatcher: CollectingDispatcher,
) -> None:
    customer(perfil="consultor", unit="Unidade Ribeirão Preto")
    await book_through_chat(dispatcher)
    customer(perfil="cliente")  # the person changes afterwards
    with db.unit_of_work(runtime.sessions()) as session:
        plantao = session.scalars(select(Plantao)).one()
        acceptance = session.scalars(select(TermAcceptance)).one()
    assert (plantao.bill_to, plantao.bill_to_unit) == ("consultant_unit", "Unidade Ribeirão Preto")
    assert acceptance.plantao_id == plantao.id


async def test_a_customers_booking_is_billed_to_the_customer(
    dispatcher: CollectingDispatcher,
) -> None:
    customer()
    await book_through_chat(dispatcher)
    with db.unit_of_work(runtime.sessions()) as session:
        plantao = session.scalars(select(Plantao)).one()
    assert (plantao.bill_to, plantao.bill_to_unit) == ("customer", None)

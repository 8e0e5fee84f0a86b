"""Activating the Consultoria Telefônica (SPEC §5, §11): in business hours the steps and the
Term, accepted once per version and recorded with no ticket; outside them (night, weekend,
holiday) what is possible now, and nothing recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.tickets import (
    ActionAcceptServiceTerm,
    ActionActivateTelefonica,
    ActionRefuseServiceTerm,
)
from consultoria import db, runtime
from consultoria.db import Person, PriceVersionRow, TermAcceptance
from tests.support.clock import PinClock
from tests.support.people import customer
from tests.support.trackers import DOMAIN, press, slots_of, texts, turn

pytestmark = pytest.mark.both_backends
ASKED_BY = "action_activate_telefonica"


async def activate() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    said = CollectingDispatcher()
    tracker = turn("quero acionar a consultoria telefônica", "activate_telefonica")
    events = await ActionActivateTelefonica().run(said, tracker, DOMAIN)
    return said.messages, slots_of(events)


def answers() -> list[tuple[Any, ...]]:
    with db.unit_of_work(runtime.sessions()) as session:
        rows = session.scalars(select(TermAcceptance).order_by(TermAcceptance.id))
        return [(r.modality, r.accepted, r.ticket, r.price_version_id) for r in rows]


def people() -> int:
    with db.unit_of_work(runtime.sessions()) as session:
        return len(session.scalars(select(Person)).all())


def telefonica_price_id() -> int:
    with db.unit_of_work(runtime.sessions()) as session:
        found = session.scalar(
            select(PriceVersionRow.id).where(PriceVersionRow.modality == "telefonica")
        )
    assert found is not None
    return found


async def test_in_business_hours_the_steps_and_the_term(dispatcher: CollectingDispatcher) -> None:
    said, slots = await activate()
    steps = said[0]["text"]
    assert "Portal TOTVS" in steps and '"Consultoria Telefônica"' in steps
    assert "R$ 4,00 por minuto" in steps and "10 minutos" in steps
    assert said[-1]["text"].startswith("Termo de Aceite da Consultoria Telefônica (versão 1)")
    assert slots["pendente"] == "termo_servico"
    assert people() == 0  # asking records nobody; answering does
    tracker = press(
        said[-1]["buttons"][0], slots=slots, asked_by="action_activate_telefonica", asked=said
    )
    await ActionAcceptServiceTerm().run(dispatcher, tracker, DOMAIN)
    assert "Aceite registrado em" in texts(dispatcher)
    assert answers() == [("telefonica", True, None, telefonica_price_id())]


async def test_accepted_before_the_steps_only() -> None:
    said, slots = await activate()
    typed = turn("aceito", "affirm", slots=slots, asked_by=ASKED_BY, asked=said)
    await ActionAcceptServiceTerm().run(CollectingDispatcher(), typed, DOMAIN)
    again, again_slots = await activate()
    assert len(again) == 2 and "Portal TOTVS" in again[0]["text"]
    assert "já está registrado em" in again[1]["text"] and not again[1].get("buttons")
    assert again_slots["pendente"] is None and len(answers()) == 1


async def test_a_refusal_is_recorded_and_asked_again_next_time(
    dispatcher: CollectingDispatcher,
) -> None:
    customer()
    said, slots = await activate()
    tracker = press(
        said[-1]["buttons"][1], slots=slots, asked_by="action_activate_telefonica", asked=said
    )
    await ActionRefuseServiceTerm().run(dispatcher, tracker, DOMAIN)
    assert "Consultoria Telefônica não foi acionada" in texts(dispatcher)
    assert answers() == [("telefonica", False, None, telefonica_price_id())]
    again, _ = await activate()
    assert again[-1]["text"].startswith("Termo de Aceite da Consultoria Telefônica")


@pytest.mark.parametrize(
    ("at", "said"),
    [
        ("2026-12-03T03:00:00-03:00", "fora do horário comercial"),  # Thursday night
        ("2026-12-05T10:00:00-03:00", "fim de semana"),  # Saturday
        ("2026-12-25T10:00:00-03:00", "feriado"),  # Christmas, a Friday
    ],
)
async def test_outside_business_hours_what_is_possible_now(
    pin_clock: PinClock, at: str, said: str
) -> None:
    pin_clock(datetime.fromisoformat(at))
    messages, slots = await activate()
    [closed] = messages
    assert said in closed["text"] and "plantão" in closed["text"] and "volta" in closed["text"]
    assert [b["title"] for b in closed["buttons"]] == ["Pedir um plantão", "Falar com um atendente"]
    assert slots["pendente"] is None and answers() == []

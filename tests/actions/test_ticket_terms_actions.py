"""The Consultoria do Suporte accepted for a Support ticket (SPEC §5): the ticket form, the
Term shown with bound buttons, the acceptance or refusal recorded for the ticket with who
answered and for which unit, the staff chat told, and a repeated acceptance recognised."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.terms import ActionShowTerm
from actions.tickets import (
    ActionAcceptServiceTerm,
    ActionRefuseServiceTerm,
    ActionTicketTermSummary,
    ValidateTicketTermForm,
)
from consultoria import db, runtime
from consultoria.db import Notification, TermAcceptance, TermText, text_sha256
from consultoria.services.terms import TERM_ANSWERED_KIND
from tests.support.people import customer
from tests.support.trackers import DOMAIN, press, slots_of, texts, turn

pytestmark = pytest.mark.both_backends

TICKET = "18234567"
START = "accept_ticket_term"


async def form(dispatcher: CollectingDispatcher, text: str, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("active_loop", "ticket_term_form")
    events = await ValidateTicketTermForm().run(dispatcher, turn(text, **kwargs), DOMAIN)
    return slots_of(events)


async def summary(sender: str = "test-user") -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """What the summary after the form said for TICKET, and the slots it set."""
    said = CollectingDispatcher()
    tracker = turn(TICKET, slots={"ticket": TICKET}, sender=sender)
    events = await ActionTicketTermSummary().run(said, tracker, DOMAIN)
    return said.messages, slots_of(events)


def answers() -> list[tuple[Any, ...]]:
    with db.unit_of_work(runtime.sessions()) as session:
        rows = session.scalars(select(TermAcceptance).order_by(TermAcceptance.id))
        return [(r.modality, r.accepted, r.ticket, r.role, r.unit, r.text_sha256) for r in rows]


def announced() -> list[str]:
    with db.unit_of_work(runtime.sessions()) as session:
        return list(session.scalars(select(Notification.kind)))


async def test_the_ticket_in_the_first_message_then_who_the_person_is(
    dispatcher: CollectingDispatcher,
) -> None:
    text = f"quero aceitar o termo da consultoria do suporte para o ticket {TICKET}"
    result = await form(dispatcher, text, intent=START)
    assert result["ticket"] == TICKET and result["requested_slot"] == "perfil"


async def test_a_known_person_gives_only_the_ticket(dispatcher: CollectingDispatcher) -> None:
    customer()
    asked = await form(dispatcher, "o suporte me ofereceu consultoria no chamado", intent=START)
    assert asked["requested_slot"] == "ticket" and asked["ticket"] is None
    answered = await form(dispatcher, f"é o {TICKET}", slots={"requested_slot": "ticket"})
    assert answered == {"ticket": TICKET, "requested_slot": None}


@pytest.mark.parametrize("text", ["123", "o chamado 1234567890123", "não sei", "(11) 91234-5678"])
async def test_a_wrong_ticket_number_is_asked_again_with_the_rule(
    dispatcher: CollectingDispatcher, text: str
) -> None:
    customer()
    result = await form(dispatcher, text, slots={"requested_slot": "ticket"})
    assert "ticket" not in result and result["requested_slot"] == "ticket"
    assert result["ticket_falhas"] == 1.0
    assert "só dígitos, de 6 a 12" in texts(dispatcher)


async def test_a_wrong_number_in_the_first_message_is_said_at_once(
    dispatcher: CollectingDispatcher,
) -> None:
    customer()
    result = await form(dispatcher, "aceito a consultoria do suporte no ticket 123", intent=START)
    assert result["requested_slot"] == "ticket" and "de 6 a 12" in texts(dispatcher)


async def test_too_many_wrong_numbers_stop_and_record_nothing(
    dispatcher: CollectingDispatcher,
) -> None:
    customer()
    limit = runtime.settings().booking_max_failed_attempts
    slots = {"requested_slot": "ticket", "ticket_falhas": float(limit - 1)}
    result = await form(dispatcher, "12", slots=slots)
    assert result["ticket_parada"] == "tentativas" and result["requested_slot"] is None
    closing = CollectingDispatcher()
    tracker = turn("12", slots={"ticket_parada": "tentativas"})
    events = await ActionTicketTermSummary().run(closing, tracker, DOMAIN)
    assert "Não consegui entender o número do ticket" in texts(closing)
    assert slots_of(events)["pendente"] is None and answers() == []


async def test_the_summary_shows_the_ticket_and_the_term_with_bound_buttons() -> None:
    customer()
    said, slots = await summary()
    assert said[0]["text"].startswith(f"Consultoria do Suporte no ticket {TICKET}")
    assert "cobrança é feita à sua empresa" in said[0]["text"]
    prompt = said[-1]
    assert prompt["text"].startswith("Termo de Aceite da Consultoria do Suporte (versão 1)")
    assert [b["title"] for b in prompt["buttons"]] == [
        "Aceito",
        "Não aceito",
        "Ler o Termo completo",
    ]
    assert all(slots["pergunta"] in b["payload"] for b in prompt["buttons"])
    assert slots["pendente"] == "termo_servico" and slots["ticket"] is None
    assert slots["termo_hash"] == text_sha256(prompt["text"])
    assert prompt["pergunta"]["ticket"] == TICKET


async def test_aceito_records_the_acceptance_for_the_ticket_and_tells_the_staff(
    dispatcher: CollectingDispatcher,
) -> None:
    customer(perfil="consultor", unit="Unidade Campinas")
    said, slots = await summary()
    assert "sua unidade, Unidade Campinas" in said[0]["text"]
    accept = said[-1]["buttons"][0]
    tracker = press(accept, slots=slots, asked_by="action_ticket_term_summary", asked=said)
    result = slots_of(await ActionAcceptServiceTerm().run(dispatcher, tracker, DOMAIN))
    assert result["pendente"] is None
    assert "Aceite registrado em" in texts(dispatcher) and TICKET in texts(dispatcher)
    assert answers() == [
        ("suporte", True, TICKET, "consultant", "Unidade Campinas", slots["termo_hash"])
    ]
    assert announced() == [TERM_ANSWERED_KIND]
    with db.unit_of_work(runtime.sessions()) as session:
        kept = session.scalar(select(TermText.text).where(TermText.sha256 == slots["termo_hash"]))
    assert kept == said[-1]["text"]  # an auditor can recompute the hash


async def test_a_repeated_acceptance_is_recognised_not_duplicated(
    dispatcher: CollectingDispatcher,
) -> None:
    customer()
    said, slots = await summary()
    typed = turn("aceito", "affirm", slots=slots, asked_by="action_ticket_term_summary", asked=said)
    await ActionAcceptServiceTerm().run(CollectingDispatcher(), typed, DOMAIN)
    again, again_slots = await summary()
    assert len(again) == 1 and "já está registrado em" in again[0]["text"]
    assert again_slots["pendente"] is None
    # The old buttons pressed once more: the question was answered, nothing is added.
    replay = press(
        said[-1]["buttons"][0],
        slots={"pendente": None, "pergunta": None},
        asked_by="action_ticket_term_summary",
        asked=said,
    )
    await ActionAcceptServiceTerm().run(dispatcher, replay, DOMAIN)
    assert "pergunta anterior" in texts(dispatcher)
    assert len(answers()) == 1 and announced() == [TERM_ANSWERED_KIND]


async def test_another_persons_acceptance_of_the_ticket_is_not_theirs() -> None:
    customer()
    said, slots = await summary()
    typed = turn("aceito", "affirm", slots=slots, asked_by="action_ticket_term_summary", asked=said)
    await ActionAcceptServiceTerm().run(CollectingDispatcher(), typed, DOMAIN)
    customer(sender="someone-else")
    theirs, _ = await summary(sender="someone-else")
    assert theirs[-1]["text"].startswith("Termo de Aceite da Consultoria do Suporte")
    assert "já está registrado" not in texts_of(theirs)


def texts_of(messages: list[dict[str, Any]]) -> str:
    return "\n".join(str(m.get("text") or "") for m in messages)


async def test_nao_aceito_records_the_refusal_for_the_ticket(
    dispatcher: CollectingDispatcher,
) -> None:
    customer()
    said, slots = await summary()
    refuse = said[-1]["buttons"][1]
    tracker = press(refuse, slots=slots, asked_by="action_ticket_term_summary", asked=said)
    result = slots_of(await ActionRefuseServiceTerm().run(dispatcher, tracker, DOMAIN))
    assert result["pendente"] is None
    assert f"não aceitou o Termo para o ticket {TICKET}" in texts(dispatcher)
    assert answers() == [("suporte", False, TICKET, "customer", None, slots["termo_hash"])]
    assert announced() == [TERM_ANSWERED_KIND]
    again, _ = await summary()  # a refusal is not an acceptance: the Term is asked again
    assert again[-1]["text"].startswith("Termo de Aceite da Consultoria do Suporte")


async def test_the_full_text_keeps_the_ticket_and_the_answer_refers_to_it(
    dispatcher: CollectingDispatcher,
) -> None:
    customer()
    said, slots = await summary()
    reading = CollectingDispatcher()
    tracker = press(
        said[-1]["buttons"][2], slots=slots, asked_by="action_ticket_term_summary", asked=said
    )
    now_open = slots_of(await ActionShowTerm().run(reading, tracker, DOMAIN))
    assert "3. Abono." in texts(reading)
    assert now_open["pendente"] == "termo_servico"
    asked = reading.messages[-1]
    assert asked["pergunta"]["ticket"] == TICKET and asked["pergunta"]["modalidade"] == "suporte"
    accept = press(
        asked["buttons"][0],
        slots={**slots, **now_open},
        asked_by="action_show_term",
        asked=reading.messages,
    )
    await ActionAcceptServiceTerm().run(dispatcher, accept, DOMAIN)
    [(_, accepted, ticket, _, _, sha)] = answers()
    assert (accepted, ticket) == (True, TICKET)
    with db.unit_of_work(runtime.sessions()) as session:
        full = session.scalar(select(TermText.text).where(TermText.sha256 == sha))
    assert full is not None and full.startswith("Termo de Aceite da Consultoria do Suporte\n")


async def test_an_answer_with_no_service_term_open_changes_nothing(
    dispatcher: CollectingDispatcher,
) -> None:
    customer()
    result = slots_of(
        await ActionAcceptServiceTerm().run(dispatcher, turn("aceito", "affirm"), DOMAIN)
    )
    assert result == {"pendente": None}
    assert "Não há nenhuma pergunta minha" in texts(dispatcher) and answers() == []

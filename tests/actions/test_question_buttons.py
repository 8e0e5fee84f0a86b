"""Buttons answer only their own question (SPEC §5): a press under a question that has since
been replaced, a payload naming another conversation's question or an invented one changes
nothing and says so; the Term asked again after a new version takes both answers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.booking import (
    ActionBookingSummary,
    ActionConfirmBooking,
    ActionRefuseTerm,
    ValidateBookingForm,
)
from actions.my_plantoes import ActionConfirmCancellation
from actions.pending import ActionDeclinePending, ActionStaleAnswer
from actions.privacy import ActionConfirmErasure
from consultoria import db, runtime
from consultoria.db import Plantao, PrivacyRequest, TermAcceptance, TermVersion, text_sha256
from consultoria.tariff import Modality, PriceVersion
from tests.support.cancellations import ask_to_cancel
from tests.support.people import customer
from tests.support.plantoes import BOOKING_FORM, FAR, count, state_of, stored_plantao
from tests.support.trackers import (
    DOMAIN,
    bot_events,
    open_slots,
    press,
    question,
    slots_of,
    texts,
    turn,
)

pytestmark = pytest.mark.both_backends
STALE = "Esses botões são de uma pergunta anterior"


def yes(asked: list[dict[str, Any]]) -> dict[str, Any]:
    """The "Sim" button of the question among `asked`."""
    return next(b for m in asked for b in m.get("buttons") or [] if "affirm" in b["payload"])


def no(asked: list[dict[str, Any]]) -> dict[str, Any]:
    return next(b for m in asked for b in m.get("buttons") or [] if "deny" in b["payload"])


async def run(action: Any, tracker: Any) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    return texts(dispatcher), slots_of(events), dispatcher.messages


async def test_an_old_yes_under_another_plantao_cancels_neither() -> None:
    person = customer()
    first, second = stored_plantao(person, FAR), stored_plantao(person, FAR, hours=4)
    asked_first = await ask_to_cancel(first.ref)
    asked_second = await ask_to_cancel(second.ref)
    old = press(yes(asked_first), asked_by="action_cancel_request", asked=asked_second)
    said, slots, shown = await run(ActionConfirmCancellation(), old)
    assert said.startswith(STALE)
    assert f"Confirma o cancelamento do plantão {second.ref}?" in said
    assert (state_of(first.id), state_of(second.id)) == ("requested", "requested")
    # The question stays open, and the buttons shown again are its own: they cancel it.
    assert slots == {"pendente": "confirmar_cancelamento", "pergunta": old.get_slot("pergunta")}
    current = press(yes(shown), asked_by="action_confirm_cancellation", asked=shown)
    said, slots, _ = await run(ActionConfirmCancellation(), current)
    assert said.startswith(f"Plantão {second.ref} cancelado (sem custo).")
    assert (state_of(first.id), state_of(second.id)) == ("requested", "cancelled")


async def test_an_old_no_keeps_the_open_question() -> None:
    person = customer()
    first, second = stored_plantao(person, FAR), stored_plantao(person, FAR, hours=4)
    asked_first, asked_second = await ask_to_cancel(first.ref), await ask_to_cancel(second.ref)
    old = press(no(asked_first), asked_by="action_cancel_request", asked=asked_second)
    said, slots, _ = await run(ActionDeclinePending(), old)
    assert said.startswith(STALE) and "continua agendado" not in said
    assert slots["pendente"] == "confirmar_cancelamento"


@pytest.mark.parametrize(
    "forged_id",
    [
        "0123456789abcdef",  # invented
        "",  # empty
        "' OR 1=1 --",  # not even an id
    ],
)
async def test_an_invented_question_id_changes_nothing(forged_id: str) -> None:
    plantao = stored_plantao(customer(), FAR)
    asked = await ask_to_cancel(plantao.ref)
    forged = {"title": "Sim", "payload": f'/affirm{{"pergunta": "{forged_id}"}}'}
    tracker = press(forged, asked_by="action_cancel_request", asked=asked)
    said, _, _ = await run(ActionConfirmCancellation(), tracker)
    if forged_id:
        assert said.startswith(STALE)
    assert state_of(plantao.id) == "requested"


async def test_a_question_id_of_another_conversation_changes_nothing() -> None:
    mine = stored_plantao(customer(), FAR)
    theirs = stored_plantao(customer("someone-else"), FAR)
    their_question = await ask_to_cancel(theirs.ref, sender="someone-else")
    my_question = await ask_to_cancel(mine.ref)
    tracker = press(yes(their_question), asked_by="action_cancel_request", asked=my_question)
    said, _, _ = await run(ActionConfirmCancellation(), tracker)
    assert said.startswith(STALE)
    assert (state_of(mine.id), state_of(theirs.id)) == ("requested", "requested")


async def test_an_old_erasure_yes_erases_nothing_while_a_cancellation_is_asked() -> None:
    plantao = stored_plantao(customer(), FAR)
    erasure = question("confirmar_exclusao")
    tracker = press(
        yes(erasure), asked_by="action_cancel_request", asked=await ask_to_cancel(plantao.ref)
    )
    said, _, _ = await run(ActionConfirmErasure(), tracker)
    assert said.startswith(STALE)
    assert count(PrivacyRequest) == 0 and state_of(plantao.id) == "requested"


async def test_a_button_with_no_question_open_answers_nothing() -> None:
    asked = question("confirmar_reserva")
    tracker = press(yes(asked), asked_by="action_confirm_booking", slots={"pendente": None})
    said, slots, _ = await run(ActionStaleAnswer(), tracker)
    assert said.startswith(STALE) and "não há nenhuma pergunta" in said
    assert slots == {"pendente": None}


async def test_a_typed_yes_answers_the_open_question() -> None:
    plantao = stored_plantao(customer(), FAR)
    asked = await ask_to_cancel(plantao.ref)
    tracker = turn("sim", "affirm", asked_by="action_cancel_request", asked=asked)
    said, _, _ = await run(ActionConfirmCancellation(), tracker)
    assert said.startswith(f"Plantão {plantao.ref} cancelado")


# --- the Term ----------------------------------------------------------------------------------


async def summary() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    tracker = turn("(11) 91234-5678", slots=BOOKING_FORM)
    shown = slots_of(await ActionBookingSummary().run(dispatcher, tracker, DOMAIN))
    return {**BOOKING_FORM, **shown}, dispatcher.messages


async def term_asked_again() -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """Version 1 asked by the summary; a readjustment makes version 2, which "Aceito" to the
    first meets: asked again by action_confirm_booking. The slots now, and both questions."""
    customer()
    slots, first = await summary()
    with db.unit_of_work(runtime.sessions()) as session:
        db.add_readjustment(
            session, PriceVersion(Modality.PLANTAO, Decimal("4.20"), runtime.now().date())
        )
    accepted = press(yes(first), slots=slots, asked_by="action_booking_summary", asked=first)
    said, reasked, second = await run(ActionConfirmBooking(), accepted)
    assert "O Termo do plantão foi atualizado." in said and "(versão 2)" in said
    assert count(Plantao) == 0 and count(TermAcceptance) == 0
    return {**slots, **reasked}, first, second


async def test_the_term_asked_again_books_on_its_own_accept() -> None:
    slots, _, second = await term_asked_again()
    tracker = press(yes(second), slots=slots, asked_by="action_confirm_booking", asked=second)
    said, _, _ = await run(ActionConfirmBooking(), tracker)
    assert "Pedido registrado: plantão P-0001" in said
    with db.unit_of_work(runtime.sessions()) as session:
        acceptance = session.scalars(select(TermAcceptance)).one()
        version = session.get_one(TermVersion, acceptance.term_version_id)
        assert acceptance.accepted and version.version == 2
        assert acceptance.text_sha256 == text_sha256(second[-1]["text"])


async def test_the_term_asked_again_records_a_typed_refusal() -> None:
    slots, _, second = await term_asked_again()
    tracker = turn(
        "não aceito", "deny", slots=slots, asked_by="action_confirm_booking", asked=second
    )
    said, _, _ = await run(ActionRefuseTerm(), tracker)
    assert "registrei que você não aceitou o Termo" in said
    with db.unit_of_work(runtime.sessions()) as session:
        refusal = session.scalars(select(TermAcceptance)).one()
        assert not refusal.accepted
        assert refusal.text_sha256 == text_sha256(second[-1]["text"])
    assert count(Plantao) == 0


async def test_an_old_accept_under_the_first_version_records_nothing() -> None:
    slots, first, second = await term_asked_again()
    old = press(yes(first), slots=slots, asked_by="action_confirm_booking", asked=second)
    said, kept, _ = await run(ActionConfirmBooking(), old)
    assert said.startswith(STALE) and "(versão 2)" in said
    assert kept["pendente"] == "termo"
    assert count(Plantao) == 0 and count(TermAcceptance) == 0
    refused = press(no(first), slots=slots, asked_by="action_confirm_booking", asked=second)
    said, _, _ = await run(ActionRefuseTerm(), refused)
    assert said.startswith(STALE) and count(TermAcceptance) == 0


async def test_after_another_action_the_open_questions_button_still_answers_it() -> None:
    """The cancellation was asked, then the plantões listed: its own "Sim" button still cancels,
    a typed "sim" no longer does (the conversation moved on)."""
    plantao = stored_plantao(customer(), FAR)
    asked = await ask_to_cancel(plantao.ref)
    earlier = [{"event": "action", "name": "action_cancel_request"}, *bot_events(asked)]

    def after_listing(tracker: Tracker) -> Tracker:
        tracker.events[0:0] = earlier
        return tracker

    typed = after_listing(
        turn("sim", "affirm", asked_by="action_list_my_plantoes", slots=open_slots(asked))
    )
    said, _, _ = await run(ActionConfirmCancellation(), typed)
    assert "Não há nenhuma pergunta" in said and state_of(plantao.id) == "requested"
    button = after_listing(
        press(yes(asked), asked_by="action_list_my_plantoes", slots=open_slots(asked))
    )
    said, _, _ = await run(ActionConfirmCancellation(), button)
    assert said.startswith(f"Plantão {plantao.ref} cancelado")


async def test_an_old_button_during_the_booking_form_fills_nothing() -> None:
    customer()
    slots = {
        "requested_slot": "reserva_motivo",
        "reserva_data": BOOKING_FORM["reserva_data"],
        "reserva_inicio": BOOKING_FORM["reserva_inicio"],
        "reserva_fim": BOOKING_FORM["reserva_fim"],
        "reserva_especialistas": 1.0,
    }
    old = press(yes(question("confirmar_cancelamento")), slots=slots, active_loop="booking_form")
    said, filled, _ = await run(ValidateBookingForm(), old)
    assert said.startswith(STALE) and filled == {}

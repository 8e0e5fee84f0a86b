"""A form's buttons answer only the question they were shown with (SPEC §5): the quote form's
modality and analysis outcome, the triage answers and the booking form's "who are you" are asked
by `action_ask_<slot>` with the buttons bound to that question; a press under an earlier
question, another conversation's or an invented one fills nothing, inside a form or outside."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.booking import ValidateBookingForm
from actions.pending import FORM_QUESTIONS, ActionStaleAnswer, FormQuestion
from actions.quotes import ValidateQuoteForm
from actions.triage import ValidateTriageForm
from tests.support.trackers import DOMAIN, payload, slots_of, texts, turn

STALE = "Esses botões são de uma pergunta anterior"

# The slots Rasa fills from an entity of the same name before any action runs.
FROM_ENTITY = {
    name
    for name, slot in DOMAIN["slots"].items()
    for mapping in slot["mappings"]
    if mapping.get("type") == "from_entity" and mapping.get("entity") == name
}


async def ask(asker: FormQuestion) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """What `asker` showed and the slots it set."""
    dispatcher = CollectingDispatcher()
    events = await asker.run(dispatcher, turn(), DOMAIN)
    return dispatcher.messages, slots_of(events)


def button(asked: list[dict[str, Any]], value: str) -> dict[str, Any]:
    """The button among `asked` whose payload carries `value`."""
    return next(b for m in asked for b in m["buttons"] if f'"{value}"' in b["payload"])


def pressed_in_form(
    pressed: dict[str, Any],
    *,
    form: str,
    asking: str,
    asked: list[dict[str, Any]],
    before: dict[str, Any] | None = None,
) -> Tracker:
    """The tracker after `pressed` while `form` asks for `asking` with `asked`; Rasa has
    already set the slots the button's entities map to, over the `before` values."""
    intent, entities = payload(pressed)
    filled = {e["entity"]: e["value"] for e in entities if e["entity"] in FROM_ENTITY}
    return turn(
        str(pressed["payload"]),
        intent,
        entities=entities,
        history=[{"event": "slot", "name": n, "value": v} for n, v in (before or {}).items()],
        asked_by=f"action_ask_{asking}",
        asked=asked,
        slots={**(before or {}), **filled, "requested_slot": asking},
        active_loop=form,
        events=[{"event": "slot", "name": n, "value": v} for n, v in filled.items()],
    )


async def run(action: Any, tracker: Tracker) -> tuple[str, dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    return texts(dispatcher), slots_of(events)


@pytest.mark.parametrize("slot", FORM_QUESTIONS)
async def test_each_question_binds_its_buttons_to_a_new_id(slot: str) -> None:
    first, opened = await ask(FORM_QUESTIONS[slot]())
    second, _ = await ask(FORM_QUESTIONS[slot]())
    response = DOMAIN["responses"][f"utter_ask_{slot}"][0]
    assert first[0]["text"] == response["text"]
    assert [b["title"] for b in first[0]["buttons"]] == [b["title"] for b in response["buttons"]]
    ids = {payload(b)[1][-1]["value"] for m in (first, second) for b in m[0]["buttons"]}
    assert len(ids) == 2, "every asking is a new question"
    # The form routes the answer: the yes/no question slot is left alone.
    assert opened == {"pergunta": first[0]["pergunta"]["id"]}


async def test_the_current_modality_button_fills_the_quote() -> None:
    asked, _ = await ask(FORM_QUESTIONS["modalidade"]())
    tracker = pressed_in_form(
        button(asked, "plantao"), form="quote_form", asking="modalidade", asked=asked
    )
    said, slots = await run(ValidateQuoteForm(), tracker)
    assert STALE not in said
    assert slots["modalidade"] == "plantao" and slots["requested_slot"] == "janela"


@pytest.mark.parametrize("before", [None, "consultoria_telefonica"])
async def test_an_earlier_modality_button_fills_nothing(before: str | None) -> None:
    earlier, _ = await ask(FORM_QUESTIONS["modalidade"]())
    now, _ = await ask(FORM_QUESTIONS["modalidade"]())
    tracker = pressed_in_form(
        button(earlier, "consultoria_tecnica"),
        form="quote_form",
        asking="modalidade",
        asked=now,
        before={"modalidade": before} if before else None,
    )
    said, slots = await run(ValidateQuoteForm(), tracker)
    assert said.startswith(STALE)
    assert slots == {"modalidade": before}


async def test_an_earlier_outcome_button_fills_nothing_while_the_duration_is_asked() -> None:
    earlier, _ = await ask(FORM_QUESTIONS["inconsistencia"]())
    tracker = pressed_in_form(
        button(earlier, "new"),
        form="quote_form",
        asking="duracao",
        asked=[{"text": "Quanto tempo de atendimento?"}],
        before={"modalidade": "consultoria_suporte", "inconsistencia": "none"},
    )
    said, slots = await run(ValidateQuoteForm(), tracker)
    assert said.startswith(STALE)
    assert slots == {"inconsistencia": "none"}


@pytest.mark.parametrize("forged", ["0123456789abcdef", "", "x' OR 1=1"])
async def test_an_invented_id_fills_nothing(forged: str) -> None:
    asked, _ = await ask(FORM_QUESTIONS["triage_quando"]())
    invented = {
        "title": "Fora",
        "payload": f'/inform{{"triage_quando": "fora", "pergunta": "{forged}"}}',
    }
    tracker = pressed_in_form(invented, form="triage_form", asking="triage_quando", asked=asked)
    said, slots = await run(ValidateTriageForm(), tracker)
    assert said.startswith(STALE)
    assert slots == {"triage_quando": None}


async def test_an_earlier_triage_button_does_not_answer_the_next_question() -> None:
    first, _ = await ask(FORM_QUESTIONS["triage_quando"]())
    now, _ = await ask(FORM_QUESTIONS["triage_objetivo"]())
    answered = {"triage_quando": "comercial", "triage_suporte": "nao"}

    async def press(asked: list[dict[str, Any]], value: str) -> tuple[str, dict[str, Any]]:
        tracker = pressed_in_form(
            button(asked, value),
            form="triage_form",
            asking="triage_objetivo",
            asked=now,
            before=answered,
        )
        return await run(ValidateTriageForm(), tracker)

    said, slots = await press(first, "presencial")
    assert said.startswith(STALE)
    assert slots == {"triage_quando": "comercial"}
    said, slots = await press(now, "analise")
    assert STALE not in said and slots["triage_objetivo"] == "analise"


async def test_the_current_profile_button_answers_and_an_earlier_one_does_not() -> None:
    earlier, _ = await ask(FORM_QUESTIONS["perfil"]())
    now, _ = await ask(FORM_QUESTIONS["perfil"]())
    old = pressed_in_form(
        button(earlier, "consultor"), form="booking_form", asking="perfil", asked=now
    )
    said, slots = await run(ValidateBookingForm(), old)
    assert said.startswith(STALE) and "perfil" not in slots
    current = pressed_in_form(
        button(now, "cliente"), form="booking_form", asking="perfil", asked=now
    )
    said, slots = await run(ValidateBookingForm(), current)
    assert STALE not in said
    assert slots["perfil"] == "cliente" and slots["requested_slot"] == "reserva_data"


async def test_a_typed_answer_still_answers_the_form() -> None:
    asked, _ = await ask(FORM_QUESTIONS["triage_suporte"]())
    tracker = turn(
        "ainda nao abri ticket",
        "inform",
        asked_by="action_ask_triage_suporte",
        asked=asked,
        slots={
            "triage_quando": "comercial",
            "triage_suporte": "nao",
            "requested_slot": "triage_suporte",
        },
        active_loop="triage_form",
        events=[{"event": "slot", "name": "triage_suporte", "value": "nao"}],
    )
    said, slots = await run(ValidateTriageForm(), tracker)
    assert STALE not in said and slots["triage_suporte"] == "nao"


async def test_a_form_button_pressed_after_the_form_ended_fills_nothing() -> None:
    asked, _ = await ask(FORM_QUESTIONS["modalidade"]())
    tracker = pressed_in_form(
        button(asked, "consultoria_suporte"),
        form="quote_form",
        asking="modalidade",
        asked=asked,
        before={"modalidade": "plantao", "especialistas": 2.0},
    )
    ended = Tracker.from_dict({**tracker.current_state(), "active_loop": {}})
    ended.slots["requested_slot"] = None
    said, slots = await run(ActionStaleAnswer(), ended)
    assert said.startswith(STALE)
    assert slots["modalidade"] == "plantao"

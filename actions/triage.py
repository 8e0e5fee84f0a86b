"""Modality triage (SPEC §2.1): at most three questions, skipping what is already known."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.conversation import clock_now
from actions.forms import stop_on_giving_up
from actions.messages import conversation as say
from actions.pending import pressed_elsewhere, stale_in_form
from actions.tracker import intent, text
from consultoria import runtime
from consultoria.textparse import names_off_hours

TRIAGE_SLOTS = ("triage_quando", "triage_suporte", "triage_objetivo")


def recommendation(slots: dict[str, Any]) -> str | None:
    """The modality the answers lead to, or None while a question is still open."""
    when = slots.get("triage_quando")
    if when == "fora":
        return "plantao"
    if when == "presencial":
        return "in_loco"
    if when is None:
        return None
    support = slots.get("triage_suporte")
    if support == "nao_simulado":
        return "consultoria_suporte"
    if support is None:
        return None
    return {
        "duvida": "suporte_padrao",
        "analise": "consultoria_tecnica",
        "especialista": "consultoria_telefonica",
    }.get(slots.get("triage_objetivo") or "")


def open_questions(slots: dict[str, Any]) -> list[str]:
    """The next question to ask, in order, until the answers lead to a modality."""
    if recommendation(slots) is not None:
        return []
    return [next(s for s in TRIAGE_SLOTS if slots.get(s) is None)]


class ValidateTriageForm(FormValidationAction):
    def name(self) -> str:
        return "validate_triage_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if pressed_elsewhere(tracker):
            return stale_in_form(dispatcher, tracker)
        if stop_on_giving_up(dispatcher, tracker):
            # Unanswered questions leave no recommendation: the action after the form is silent.
            return [SlotSet("requested_slot", None)]
        return await super().run(dispatcher, tracker, domain)

    async def extract_triage_quando(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        """The question that starts the triage may say when already ("qual modalidade pra
        virada de versão nesse fim de semana?"): outside business hours, no need to ask."""
        starts = intent(tracker) == "ask_modality" and tracker.get_slot("triage_quando") is None
        return {"triage_quando": "fora"} if starts and names_off_hours(text(tracker)) else {}

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[str]:
        answered = [s for s in TRIAGE_SLOTS if tracker.get_slot(s) is not None]
        return answered + open_questions(tracker.slots)


class ActionRecommendModality(Action):
    """Decide which modality fits (rules utter the matching text); clear the answers."""

    def name(self) -> str:
        return "action_recommend_modality"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        # None when the form was left before the last answer: no recommendation then.
        modality = recommendation(tracker.slots)
        if modality == "consultoria_telefonica" and not (clock := clock_now()).open_now:
            # Outside business hours, what is possible now comes before the recommendation.
            notice = runtime.settings().tariff.plantao.short_notice
            dispatcher.utter_message(
                text=say.telefonica_closed_now(clock, notice),
                buttons=[say.BUTTON_PLANTAO, say.BUTTON_HANDOFF],
            )
        return [SlotSet("recomendacao", modality), *(SlotSet(s, None) for s in TRIAGE_SLOTS)]

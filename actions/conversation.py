"""Session start, human handoff (saying whether the team answers now), the FAQ answer (only when
the ResponseSelector is sure enough) and the two-stage fallback's clarifying question."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.forms import gives_up
from actions.messages import conversation as say
from actions.messages.figures import template_slots
from actions.relevance import FaqDecision, faq_decision
from actions.tracker import (
    caller,
    intent_ranking,
    response_choice,
    response_ranking,
    scored_intent_ranking,
    text,
)
from consultoria import db, runtime
from consultoria.services import review
from consultoria.tariff.business_hours import BusinessClock, business_clock

logger = logging.getLogger(__name__)

MAX_SUGGESTIONS = 3
# FAQ answers offered when the message looked like a FAQ question.
MAX_FAQ_SUGGESTIONS = 2
# FAQ answers about when the team answers: they are followed by whether it is open now.
CLOCK_AWARE_FAQ = frozenset({"faq/horario_comercial", "faq/telefonica_escopo"})


def clock_now() -> BusinessClock:
    ctx = runtime.context()
    return business_clock(ctx.settings.tariff.calendar, ctx.now)


class ActionSessionStart(Action):
    """Start each session with the figures the response templates show."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        ctx = runtime.context()
        figures = template_slots(ctx.settings, ctx.prices, ctx.now.date())
        return [
            SessionStarted(),
            *(SlotSet(name, value) for name, value in figures.items()),
            ActionExecuted("action_listen"),
        ]


class ActionHandoff(Action):
    """The configured team contacts and the Portal path (SPEC §8)."""

    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        settings = runtime.context().settings
        dispatcher.utter_message(
            text=say.handoff(settings.contacts, settings.portal_path, clock_now())
        )
        return []


class ActionAnswerFaq(Action):
    """The FAQ answer the ResponseSelector picked, when it is confident enough (SPEC §11)."""

    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.active_loop and gives_up(tracker):
            return []  # the form that runs next stops and says so
        key, confidence = response_choice(tracker, "faq") or ("", 0.0)
        decision = faq_decision(confidence, text(tracker))
        if decision is not FaqDecision.ANSWER:
            _keep_for_review(tracker)  # below the confidence an answer needs
        if decision is FaqDecision.REFUSE:
            dispatcher.utter_message(response="utter_out_of_scope")
        elif decision is FaqDecision.SUGGEST:
            buttons = [*_faq_buttons(tracker), say.BUTTON_SOMETHING_ELSE]
            dispatcher.utter_message(text=say.NOT_SURE, buttons=buttons)
        else:
            dispatcher.utter_message(response=f"utter_{key}")
            if key in CLOCK_AWARE_FAQ:
                dispatcher.utter_message(text=say.business_hours_now(clock_now()))
        return []


class ActionAskAffirmation(Action):
    """First stage of the fallback: offer the likely topics as buttons."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        buttons: list[dict[str, str]] = []
        for name in intent_ranking(tracker):
            if name == "faq":
                buttons += _faq_buttons(tracker)
            elif name in say.INTENT_LABELS:
                buttons.append({"title": say.INTENT_LABELS[name], "payload": f"/{name}"})
        buttons = _unique(buttons)[:MAX_SUGGESTIONS]
        buttons.append(say.BUTTON_SOMETHING_ELSE)
        dispatcher.utter_message(text=say.NOT_SURE, buttons=buttons)
        _keep_for_review(tracker)
        return []


def _keep_for_review(tracker: Tracker) -> None:
    """Keep the message that was not understood for the maintainers (SPEC §11); the customer's
    reply does not depend on it, so a database failure is only logged."""
    ctx = runtime.context()
    try:
        with db.unit_of_work(ctx.sessions) as session:
            review.keep_unanswered(
                session,
                str(tracker.sender_id),
                caller(tracker).channel,
                text(tracker),
                scored_intent_ranking(tracker),
                ctx.now,
                ctx.settings.review_retention_days,
            )
    except SQLAlchemyError as exc:
        logger.warning("message not kept for review: %s", type(exc).__name__)


def _faq_buttons(tracker: Tracker) -> list[dict[str, str]]:
    buttons = []
    for key in response_ranking(tracker, "faq")[:MAX_FAQ_SUGGESTIONS]:
        question = say.FAQ_QUESTIONS.get(key.removeprefix("faq/"))
        if question is not None:
            buttons.append({"title": question, "payload": question})
    return buttons


def _unique(buttons: list[dict[str, str]]) -> list[dict[str, str]]:
    by_payload: dict[str, dict[str, str]] = {}
    for button in buttons:
        by_payload.setdefault(button["payload"], button)
    return list(by_payload.values())

"""The questions the bot waits on (`pendente`), each bound to the buttons it was shown with
(SPEC §5, decision on buttons).

Every question gets an id when it is asked. Its buttons carry the id in their payload
(`/affirm{"pergunta": "<id>"}`), the bot message that asks it carries the id, its kind and what
it showed (the plantão, the amount, the moment) in its metadata, which Rasa keeps in the tracker
and never sends to the channel, and the `pergunta` slot holds the id of the question open now. A
typed "sim" answers the open question; a button answers only its own question: a press under a
question that has since been replaced, or under a question of another conversation, or with an
invented id, changes nothing, and the bot says so and shows the open question again.
"""

from __future__ import annotations

import json
import secrets
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import tracker as said
from actions.failures import GuardedAction
from actions.messages import pending as say

# The entity a button's payload carries, the slot of the open question, and the bot message's
# metadata key: all named `pergunta`.
QUESTION = "pergunta"
PENDING = "pendente"
# The kind of a form's question with buttons (who the person is, which modality, the triage
# answers): it is the open question like a yes/no one, but the form, not `pendente`, routes its
# answer.
FORM = "formulario"


@dataclass(frozen=True)
class Question:
    """A question as the bot asked it: its id and kind (the `pendente` value), what it showed,
    and its text and buttons, to show it again."""

    id: str
    kind: str
    shown: Mapping[str, Any]
    text: str
    buttons: list[dict[str, Any]]

    def utter(self, dispatcher: CollectingDispatcher) -> list[EventType]:
        dispatcher.utter_message(
            text=self.text,
            buttons=self.buttons,
            **{QUESTION: {**self.shown, "id": self.id, "kind": self.kind}},
        )
        if self.kind == FORM:
            return [SlotSet(QUESTION, self.id)]
        return [SlotSet(PENDING, self.kind), SlotSet(QUESTION, self.id)]


def _bound(payload: str, question_id: str) -> str:
    """`payload` (an intent, with entities or not) with the question id among its entities."""
    intent, brace, rest = payload.partition("{")
    found = json.loads(brace + rest) if brace else {}
    return intent + json.dumps({**found, QUESTION: question_id}, ensure_ascii=False)


def ask(
    dispatcher: CollectingDispatcher,
    kind: str,
    text: str,
    buttons: Sequence[Mapping[str, str]],
    shown: Mapping[str, Any] | None = None,
) -> list[EventType]:
    """Ask a new question of `kind`, its buttons bound to it; the events that make it the open
    one. `shown` is what the answer must hold to (an amount, a moment), kept with the question."""
    question_id = secrets.token_hex(8)
    bound = [{**button, "payload": _bound(button["payload"], question_id)} for button in buttons]
    return Question(question_id, kind, dict(shown or {}), text, bound).utter(dispatcher)


def ask_in_form(
    dispatcher: CollectingDispatcher, slot: str, response: Mapping[str, Any]
) -> list[EventType]:
    """Ask a form's question about `slot` with the domain's `response` (text and buttons), its
    buttons bound to it."""
    buttons = response.get("buttons") or []
    return ask(dispatcher, FORM, str(response["text"]), buttons, {"slot": slot})


def _skipped(event: Mapping[str, Any]) -> bool:
    """Actions that leave a question open: listening, and responses (a FAQ answer, a greeting)."""
    name = str(event.get("name") or "")
    return name == "action_listen" or name.startswith("utter_")


def _question_in(event: Mapping[str, Any]) -> Question | None:
    asked = (event.get("metadata") or {}).get(QUESTION)
    if event.get("event") != "bot" or not isinstance(asked, dict):
        return None
    shown = {key: value for key, value in asked.items() if key not in ("id", "kind")}
    buttons = list((event.get("data") or {}).get("buttons") or [])
    text = str(event.get("text") or "")
    return Question(str(asked.get("id")), str(asked.get("kind")), shown, text, buttons)


def _last_asked(tracker: Tracker) -> Question | None:
    """The last question the last custom action before the latest message asked; None when that
    action asked none (the conversation moved on)."""
    before_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            before_message = True
        if not before_message:
            continue
        question = _question_in(event)
        if question is not None:
            return question
        if event.get("event") == "action" and not _skipped(event):
            return None
    return None


def _asked_with_id(tracker: Tracker, question_id: str) -> Question | None:
    """The question `question_id` as it was last shown in this conversation, if ever."""
    found = (_question_in(event) for event in reversed(tracker.events))
    return next((q for q in found if q is not None and q.id == question_id), None)


def _still_open(tracker: Tracker, asked: Question | None) -> Question | None:
    if asked is None or asked.id != tracker.get_slot(QUESTION):
        return None
    return asked if asked.kind == tracker.get_slot(PENDING) else None


def pressed(tracker: Tracker) -> str | None:
    """The question id the latest message's button carries ("" for an empty one); None for a
    typed message."""
    if QUESTION not in said.entity_names(tracker):
        return None
    return said.entity(tracker, QUESTION) or ""


def open_question(tracker: Tracker) -> Question | None:
    """The open question the latest message answers. A button answers the question it was shown
    with, if that one is still open; a typed answer, the question asked last, if nothing but
    responses (a FAQ answer) came since."""
    button = pressed(tracker)
    if button is None:
        return _still_open(tracker, _last_asked(tracker))
    return _still_open(tracker, _asked_with_id(tracker, button))


def pressed_elsewhere(tracker: Tracker) -> bool:
    """Whether the latest message is a button that does not answer the form question open now
    (one of an earlier question, of another conversation, or an invented one)."""
    button = pressed(tracker)
    if button is None:
        return False
    if button != tracker.get_slot(QUESTION):
        return True
    asked = _asked_with_id(tracker, button)
    return (
        asked is None
        or asked.kind != FORM
        or asked.shown.get("slot") != tracker.get_slot("requested_slot")
    )


def current_question(tracker: Tracker) -> Question | None:
    """The question open in this conversation, wherever it was asked: to show it again."""
    question_id = tracker.get_slot(QUESTION)
    return None if not question_id else _still_open(tracker, _asked_with_id(tracker, question_id))


def clear_pending(dispatcher: CollectingDispatcher) -> list[EventType]:
    dispatcher.utter_message(text=say.NOTHING_PENDING)
    return [SlotSet(PENDING, None)]


def _undone(tracker: Tracker) -> list[EventType]:
    """The slots the latest message set (a button's entities fill slots before any action
    runs), back to what they were before it."""
    return [
        SlotSet(slot, said.before_this_message(tracker, slot))
        for slot in said.set_by_this_message(tracker)
    ]


def stale(dispatcher: CollectingDispatcher, question: Question | None) -> list[EventType]:
    """A button of a question that is not the open one: nothing changes, the bot says so and
    shows the open question again (its buttons still answer it)."""
    if question is None:
        dispatcher.utter_message(text=say.STALE_NOTHING_OPEN)
        return [SlotSet(PENDING, None)]
    dispatcher.utter_message(text=say.STALE)
    return question.utter(dispatcher)


def stale_in_form(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """A button that does not answer the active form's question: whatever it filled is undone,
    and the form asks its question again."""
    dispatcher.utter_message(text=say.STALE_IN_FORM)
    return _undone(tracker)


def answered(
    dispatcher: CollectingDispatcher, tracker: Tracker, kinds: Set[str]
) -> Question | list[EventType]:
    """The open question of one of `kinds` the latest message answers; otherwise, after telling
    the person why nothing changed, the events that close the turn."""
    question = open_question(tracker)
    if pressed(tracker) is not None and question is None:
        return [*_undone(tracker), *stale(dispatcher, current_question(tracker))]
    if question is None or question.kind not in kinds:
        return clear_pending(dispatcher)
    return question


class AnswerAction(GuardedAction):
    """An action that acts on the answer to an open question of one of the kinds it `answers`;
    any other message closes the turn as `answered` says, and a database failure closes the
    question."""

    answers: ClassVar[Set[str]]

    def reset(self) -> list[EventType]:
        return [SlotSet(PENDING, None)]

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        question = answered(dispatcher, tracker, self.answers)
        if not isinstance(question, Question):
            return question
        return self.act_on(dispatcher, tracker, question)

    @abstractmethod
    def act_on(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, question: Question
    ) -> list[EventType]:
        """The action on the answer to `question`."""


class ActionDeclinePending(Action):
    """ "Não" to a confirmation: nothing changes, and the bot says so."""

    def name(self) -> str:
        return "action_decline_pending"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        question = answered(dispatcher, tracker, say.DECLINED.keys())
        if not isinstance(question, Question):
            return question
        dispatcher.utter_message(text=say.DECLINED[question.kind])
        return [SlotSet(PENDING, None), SlotSet("plantao_ref", None)]


class ActionStaleAnswer(Action):
    """A button pressed while no question is open: it answers nothing, and the bot says so."""

    def name(self) -> str:
        return "action_stale_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return [*_undone(tracker), *stale(dispatcher, current_question(tracker))]


class FormQuestion(Action, ABC):
    """Asks a form's question about `slot` with its buttons bound to it (Rasa runs
    `action_ask_<slot>` instead of the `utter_ask_<slot>` response, whose text and buttons it
    shows)."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot the question asks for."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        response = domain["responses"][f"utter_ask_{self.slot}"][0]
        return ask_in_form(dispatcher, self.slot, response)


# The form questions shown with buttons, each asked by its own `action_ask_<slot>` class.
ASKED_WITH_BUTTONS = (
    "perfil",
    "modalidade",
    "inconsistencia",
    "triage_quando",
    "triage_suporte",
    "triage_objetivo",
)
FORM_QUESTIONS: dict[str, type[FormQuestion]] = {
    slot: type(f"ActionAsk_{slot}", (FormQuestion,), {"slot": slot}) for slot in ASKED_WITH_BUTTONS
}

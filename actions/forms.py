"""The plumbing of a form that reads its answers itself (custom slot mappings), in the style of
RasaHQ financial-demo's validation actions: whether a message answers the question, the re-ask
after a wrong answer, and giving up after too many of them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from sqlalchemy.exc import SQLAlchemyError

from actions import tracker as said
from actions.failures import report_database_error
from actions.pending import pressed, pressed_elsewhere, stale_in_form
from consultoria import runtime
from consultoria.textparse.leaving import leaves

# The values of the stop slot after too many wrong answers, or a database failure; the action
# after the form explains.
GAVE_UP = "tentativas"
FAILED = "erro"
# The value of the stop slot when the person gave the form up in words the classifier did not
# read as `stop` ("esquece, vejo isso depois"); the form has said so already.
LEFT = "desistiu"


def gives_up(tracker: Tracker) -> bool:
    """Whether the latest message, typed in answer to a form's question, gives the form up in
    words the classifier did not read as `stop` (that intent has its own rules)."""
    asked = tracker.get_slot("requested_slot") is not None
    typed = pressed(tracker) is None and said.intent(tracker) != "stop"
    return asked and typed and leaves(said.text(tracker))


def stop_on_giving_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """When the message gives the form up, say the form stopped; True if it did."""
    if not gives_up(tracker):
        return False
    dispatcher.utter_message(response="utter_stop")
    return True


@dataclass(frozen=True)
class Turn:
    """One run of a form: the unit of work's context and the conversation being answered."""

    ctx: runtime.Context
    dispatcher: CollectingDispatcher
    tracker: Tracker


Reader = Callable[[Turn], dict[str, Any]]


def take(tracker: Tracker, events: list[EventType]) -> list[EventType]:
    """`events`, applied to the tracker so that what runs next in this turn sees them."""
    tracker.add_slots(events)
    return events


class AnswerForm(FormValidationAction, ABC):
    """A form whose `read_<slot>(turn)` methods read and check each answer at once, so there is
    no separate validation step. A wrong answer is re-asked with what was wrong; after
    `max_failures` of them the form stops and leaves the explanation to the next action.

    Each run is one Turn (one context); a button of another question fills nothing, and a
    database failure stops the form with an apology.
    """

    failures_slot: ClassVar[str]
    stopped_slot: ClassVar[str]
    # Intents that leave or interrupt the form rather than answer it: its rules take over.
    not_an_answer: ClassVar[frozenset[str]] = frozenset({"stop", "faq", "human_handoff"})

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if pressed_elsewhere(tracker):
            return stale_in_form(dispatcher, tracker)
        if stop_on_giving_up(dispatcher, tracker):
            return [SlotSet(self.stopped_slot, LEFT), SlotSet("requested_slot", None)]
        try:
            return self.fill(Turn(runtime.context(), dispatcher, tracker))
        except SQLAlchemyError as exc:
            report_database_error(dispatcher, type(self).__name__, exc)
            return [SlotSet(self.stopped_slot, FAILED), SlotSet("requested_slot", None)]

    @abstractmethod
    def max_failures(self, ctx: runtime.Context) -> int:
        """Wrong answers the form takes before it stops."""

    @abstractmethod
    def questions(self, turn: Turn) -> list[str]:
        """The slots the form fills, in the order it asks them."""

    def restart(self, turn: Turn) -> list[EventType]:
        """Slots to set before reading, when the message starts the form over."""
        return []

    def prefill(self, turn: Turn) -> list[EventType]:
        """Slots the conversation answered before the form asked, read after the message."""
        return []

    def correct(self, turn: Turn) -> list[EventType]:
        """Slots a correction of an earlier answer sets ("na verdade é sábado"); when it sets
        any, the message answers nothing else and the form asks its question again."""
        return []

    def fill(self, turn: Turn) -> list[EventType]:
        """The form's step for this message: the slots it answered and the next question (none
        when every slot is filled or the form stopped)."""
        tracker = turn.tracker
        restarted = take(tracker, self.restart(turn))
        corrected = take(tracker, self.correct(turn))
        answered = [] if corrected else take(tracker, self._read_answers(turn))
        prefilled = take(tracker, self.prefill(turn))
        next_question = SlotSet("requested_slot", self._next(turn))
        return [*restarted, *corrected, *answered, *prefilled, next_question]

    def answer(self, tracker: Tracker, *slots: str) -> str | None:
        """The latest message when it answers the form's question about one of `slots`."""
        if said.intent(tracker) in self.not_an_answer:
            return None
        if tracker.get_slot("requested_slot") not in slots:
            return None
        return said.text(tracker) or None

    def read_text_within(
        self, turn: Turn, slot: str, length: tuple[int, int], again: str
    ) -> dict[str, Any]:
        """A free-text answer to `slot` whose length is within `length` (shortest, longest);
        one outside is repaired with `again`."""
        text = self.answer(turn.tracker, slot)
        if text is None:
            return {}
        shortest, longest = length
        if not shortest <= len(text) <= longest:
            return self.repair(turn, again)
        return {slot: text}

    def repair(self, turn: Turn, message: str, clear: tuple[str, ...] = ()) -> dict[str, Any]:
        """Say what was wrong and forget the `clear` slots; after too many wrong answers, stop."""
        failures = int(turn.tracker.get_slot(self.failures_slot) or 0) + 1
        turn.dispatcher.utter_message(text=message)
        result: dict[str, Any] = dict.fromkeys(clear)
        result[self.failures_slot] = float(failures)
        if failures >= self.max_failures(turn.ctx):
            result[self.stopped_slot] = GAVE_UP
        return result

    def _open_questions(self, turn: Turn) -> list[str]:
        return [] if turn.tracker.get_slot(self.stopped_slot) else self.questions(turn)

    def _read_answers(self, turn: Turn) -> list[EventType]:
        """What the message answers; each reader sees what the readers before it found."""
        found: dict[str, Any] = {}
        for slot in self._open_questions(turn):
            reader: Reader | None = getattr(self, f"read_{slot}", None)
            if reader is not None:
                answered = reader(turn)
                found.update(answered)
                turn.tracker.slots.update(answered)
        return [SlotSet(slot, value) for slot, value in found.items()]

    def _next(self, turn: Turn) -> str | None:
        slots = self._open_questions(turn)
        return next((slot for slot in slots if turn.tracker.get_slot(slot) is None), None)

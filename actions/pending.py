"""Yes/no questions the bot is waiting on (`pendente`), and answers that come too late."""

from __future__ import annotations

from collections.abc import Set
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.messages import pending as say


def asked_by(tracker: Tracker, actions: Set[str]) -> bool:
    """Whether the question being answered was asked by one of `actions`: the last custom action
    before the latest message. Responses (a FAQ answer, a greeting) leave the question open;
    any other action means the conversation moved on."""
    for event in reversed(tracker.events):
        name = event.get("name") if event.get("event") == "action" else None
        if name is None or name == "action_listen" or name.startswith("utter_"):
            continue
        return name in actions
    return False


def clear_pending(dispatcher: CollectingDispatcher) -> list[EventType]:
    dispatcher.utter_message(text=say.NOTHING_PENDING)
    return [SlotSet("pendente", None)]


class ActionDeclinePending(Action):
    """ "Não" to a confirmation: nothing changes, and the bot says so."""

    def name(self) -> str:
        return "action_decline_pending"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        pending = tracker.get_slot("pendente")
        if pending not in say.DECLINED:
            return clear_pending(dispatcher)
        dispatcher.utter_message(text=say.DECLINED[pending])
        return [SlotSet("pendente", None), SlotSet("plantao_ref", None)]

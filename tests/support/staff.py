"""A roster member's final change by message as the staff chat runs it: the request, which
shows the amount and asks, then the "Sim" button of that question (SPEC §4)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action
from rasa_sdk.executor import CollectingDispatcher

from actions.staff_ops import (
    END_QUESTION,
    STAFF_CANCEL_QUESTION,
    ActionStaffConfirmCancel,
    ActionStaffConfirmEnd,
)

from .people import from_telegram
from .trackers import DOMAIN, open_slots, press, slots_of, texts, turn

# The action that carries out each confirmation the staff are asked.
CONFIRMING: dict[str, Action] = {
    END_QUESTION: ActionStaffConfirmEnd(),
    STAFF_CANCEL_QUESTION: ActionStaffConfirmCancel(),
}


async def staff_asks(
    action: Action, text: str, intent: str, **kwargs: Any
) -> tuple[str, list[dict[str, Any]]]:
    """What the staff's request says, and its messages (the question among them, if any)."""
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, turn(text, intent, **{**from_telegram(), **kwargs}), DOMAIN)
    return texts(dispatcher), dispatcher.messages


def yes_button(asked: list[dict[str, Any]]) -> dict[str, Any]:
    return next(b for m in asked for b in m.get("buttons") or [] if "/affirm" in b["payload"])


async def press_yes(
    asked: list[dict[str, Any]], asked_by: str, **kwargs: Any
) -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
    """The "Sim" button of the question among `asked` pressed by the roster member: what the
    confirming action said, its messages and the slots it set."""
    kind = open_slots(asked)["pendente"]
    tracker = press(
        yes_button(asked), asked_by=asked_by, asked=asked, **{**from_telegram(), **kwargs}
    )
    dispatcher = CollectingDispatcher()
    events = await CONFIRMING[kind].run(dispatcher, tracker, DOMAIN)
    return texts(dispatcher), dispatcher.messages, slots_of(events)


async def staff_confirm(action: Action, text: str, intent: str, **kwargs: Any) -> str:
    """The request, then "Sim" to the amount it showed: everything said, one message a line.
    A request that asks nothing (refused, or asking what is missing) is all there is."""
    said, asked = await staff_asks(action, text, intent, **kwargs)
    if open_slots(asked).get("pendente") not in CONFIRMING:
        return said
    confirmed, _, _ = await press_yes(asked, action.name())
    return f"{said}\n{confirmed}"

"""A customer's "Sim" to a cancellation question, as Rasa hands it to the action server: the
question stays in the tracker as a bot event carrying its id and what its preview showed."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.my_plantoes import ActionCancelRequest

from .trackers import DOMAIN, SENDER, turn


async def ask_to_cancel(ref: str, sender: str = SENDER) -> list[dict[str, Any]]:
    """What the bot says to "cancelar o plantão `ref`" now: the preview and the question."""
    dispatcher = CollectingDispatcher()
    tracker = turn(f"cancelar o plantão {ref}", "cancel_plantao", sender=sender)
    await ActionCancelRequest().run(dispatcher, tracker, DOMAIN)
    return dispatcher.messages


def yes_after(asked: list[dict[str, Any]], ref: str, sender: str = SENDER) -> Tracker:
    """ "Sim" typed after the messages `asked`, the bot's answer to a cancellation request for
    `ref`: it answers the question among them."""
    return turn(
        "sim",
        "affirm",
        slots={"plantao_ref": ref},
        asked_by="action_cancel_request",
        asked=asked,
        sender=sender,
    )

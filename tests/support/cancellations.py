"""A customer's "Sim" to a cancellation question, as Rasa hands it to the action server: the
question stays in the tracker as a bot event carrying what its preview showed."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.my_plantoes import PREVIEW_KEY, ActionCancelRequest

from .trackers import DOMAIN, SENDER, turn


async def ask_to_cancel(ref: str, sender: str = SENDER) -> list[dict[str, Any]]:
    """What the bot says to "cancelar o plantão `ref`" now: the preview and the question."""
    dispatcher = CollectingDispatcher()
    tracker = turn(f"cancelar o plantão {ref}", "cancel_plantao", sender=sender)
    await ActionCancelRequest().run(dispatcher, tracker, DOMAIN)
    return dispatcher.messages


def yes_after(asked: list[dict[str, Any]], ref: str, sender: str = SENDER) -> Tracker:
    """ "Sim" to the messages `asked`, the bot's answer to a cancellation request for `ref`.

    The action server's extra keys of a message (the preview) are what Rasa keeps as the bot
    event's metadata.
    """
    tracker = turn(
        "sim",
        "affirm",
        slots={"pendente": "confirmar_cancelamento", "plantao_ref": ref},
        asked_by="action_cancel_request",
        sender=sender,
    )
    said = [
        {"event": "bot", "text": m.get("text"), "metadata": {PREVIEW_KEY: m[PREVIEW_KEY]}}
        for m in asked
        if PREVIEW_KEY in m
    ]
    tracker.events[1:1] = said  # after the asking action, before the answer
    return tracker

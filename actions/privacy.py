"""LGPD (SPEC §7): a copy of what is stored about the person, and erasing their conversation.

The conversation lives in Rasa's tracker store, so it is erased through Rasa's HTTP API
(`PUT /conversations/<id>/tracker/events` with no events). Rasa holds the conversation's lock
while this action runs, so the call is made in the background and waits for that turn to end;
the request is recorded first, and one that failed is retried with the next erasure request.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any
from urllib.parse import quote

import httpx
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session, sessionmaker

from actions.failures import apologize_on_database_error
from actions.messages import privacy as say
from actions.pending import asked_by, clear_pending
from actions.terms import split_for_chat
from actions.tracker import caller
from consultoria import db, runtime
from consultoria.services.privacy import (
    ConversationErasure,
    conversation_erased,
    erase_personal_data,
    export_personal_data,
)

logger = logging.getLogger(__name__)

ERASURE_ATTEMPTS = 5
ERASURE_TIMEOUT_SECONDS = 90.0
# Background erasures in flight: asyncio keeps only weak references to tasks.
ERASURES: set[asyncio.Task[None]] = set()


def rasa_api_url() -> str:
    """Rasa's HTTP API: RASA_API_URL, else the local server on RASA_PORT."""
    configured = os.environ.get("RASA_API_URL", "").strip()
    return configured or f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}"


def _token_params() -> dict[str, str]:
    token = os.environ.get("RASA_API_TOKEN", "").strip()
    return {"token": token} if token else {}


async def erase_conversation(erasure: ConversationErasure, sessions: sessionmaker[Session]) -> bool:
    """Replace the conversation's events with none; True once Rasa confirms it."""
    conversation = quote(erasure.conversation_id, safe="")
    url = f"{rasa_api_url()}/conversations/{conversation}/tracker/events"
    for attempt in range(ERASURE_ATTEMPTS):
        try:
            async with httpx.AsyncClient(timeout=ERASURE_TIMEOUT_SECONDS) as client:
                response = await client.put(url, json=[], params=_token_params())
            response.raise_for_status()
        except httpx.HTTPError as exc:
            logger.warning(
                "conversation erasure request=%s attempt=%s failed: %s",
                erasure.request_id,
                attempt + 1,
                type(exc).__name__,
            )
            await asyncio.sleep(2**attempt)
            continue
        with db.unit_of_work(sessions) as session:
            conversation_erased(session, erasure.request_id)
        return True
    return False


def schedule_erasures(erasures: list[ConversationErasure], sessions: sessionmaker[Session]) -> None:
    for erasure in erasures:
        task = asyncio.get_running_loop().create_task(_erase_logged(erasure, sessions))
        ERASURES.add(task)
        task.add_done_callback(ERASURES.discard)


async def _erase_logged(erasure: ConversationErasure, sessions: sessionmaker[Session]) -> None:
    try:
        await erase_conversation(erasure, sessions)
    except Exception:  # a background task has nobody else to tell
        logger.exception("conversation erasure request=%s crashed", erasure.request_id)


class ActionMyData(Action):
    """ "Quero meus dados": everything stored about the person, readable."""

    def name(self) -> str:
        return "action_my_data"

    @apologize_on_database_error(lambda: [])
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        ctx, who = runtime.context(), caller(tracker)
        with db.unit_of_work(ctx.sessions) as session:
            data = export_personal_data(session, who.channel, who.user_id)
            if data is None:
                dispatcher.utter_message(text=say.NO_RECORD)
                return []
            text = say.personal_data(data, ctx.settings.tariff.calendar.timezone)
        for chunk in split_for_chat(text):
            dispatcher.utter_message(text=chunk)
        return []


class ActionAskErasure(Action):
    """ "Apagar meus dados": say what goes and what stays, then ask to confirm."""

    def name(self) -> str:
        return "action_ask_erasure"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(text=say.ASK_ERASURE, buttons=say.ERASURE_BUTTONS)
        return [SlotSet("pendente", "confirmar_exclusao")]


class ActionConfirmErasure(Action):
    def name(self) -> str:
        return "action_confirm_erasure"

    @apologize_on_database_error(lambda: [SlotSet("pendente", None)])
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.get_slot("pendente") != "confirmar_exclusao" or not asked_by(
            tracker, {"action_ask_erasure"}
        ):
            return clear_pending(dispatcher)
        ctx, who = runtime.context(), caller(tracker)
        with db.unit_of_work(ctx.sessions) as session:
            erasures = erase_personal_data(session, who.channel, who.user_id)
        schedule_erasures(erasures, ctx.sessions)
        dispatcher.utter_message(text=say.ERASED)
        return [SlotSet("pendente", None)]

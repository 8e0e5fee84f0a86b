"""LGPD (SPEC §7): a copy of what is stored about the person, and erasing their conversation.

The conversation lives in Rasa's tracker store, reached two ways:
- Rasa's HTTP API at RASA_API_URL (with RASA_API_TOKEN): `PUT /conversations/<id>/tracker/events`
  with no events empties an in-memory store. Rasa's SQLTrackerStore only appends the events it
  believes are new, counting the rows it has stored, so there it deletes nothing.
- The SQL store's database at TRACKER_STORE_URL (production: PostgreSQL): the conversation's
  rows of Rasa's `events` table are deleted there.
No event broker is configured (endpoints.yml, deploy/endpoints.production.yml), so Rasa keeps no
other log of the events; a test fails if one is added without extending the erasure.

Rasa holds the conversation's lock while this action runs and saves the turn after it returns, so
the erasure runs in the background once the turn is over, and repeats until it is verified:
1. The PUT waits for the lock: when it returns, the confirmation's turn is saved. That moment is
   the erasure's boundary: every event up to it goes; what the person says later is a new
   conversation. Rasa stamps events with the wall clock, which must agree with this one (as it
   must between Rasa replicas, which order sessions by these stamps).
   With an in-memory store this PUT is the erasure itself.
2. The SQL rows up to the boundary are deleted, then another PUT waits for any turn that read the
   conversation before the delete: its save appends the events past the count of stored rows,
   now none, so it writes the whole conversation back (and the next attempt deletes it again).
3. The conversation is read back through the API, every session included: the erasure is
   verified when no event up to the boundary is left. Only then is the request marked done.
The request is recorded first; one not verified is retried with the next erasure request.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import Column, Float, MetaData, String, Table, delete, or_
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from actions.failures import GuardedAction
from actions.messages import privacy as say
from actions.pending import AnswerAction, Question, ask
from actions.terms import split_for_chat
from actions.tracker import DEFAULT_CHANNEL, caller, owned_by_a_channel_user
from consultoria import db, runtime
from consultoria.services.privacy import (
    ConversationErasure,
    conversation_erased,
    erase_personal_data,
    erasure_pending_since,
    export_personal_data,
)
from consultoria.services.review import TRACKER_STORE_VARIABLE

logger = logging.getLogger(__name__)

ERASURE_ATTEMPTS = 5
# Doubles after each failed attempt: about half a minute over all of them.
ERASURE_BACKOFF_SECONDS = 1.0
ERASURE_TIMEOUT_SECONDS = 90.0
# Background erasures in flight: asyncio keeps only weak references to tasks.
ERASURES: set[asyncio.Task[None]] = set()

# The columns of Rasa's SQLTrackerStore table (rasa/core/tracker_store.py, `SQLEvent`) that the
# erasure needs.
RASA_EVENTS = Table(
    "events",
    MetaData(),
    Column("sender_id", String(255), nullable=False),
    Column("timestamp", Float),
)


@dataclass(frozen=True)
class TrackerStore:
    """Rasa's tracker store as the erasure reaches it: the HTTP API, and the SQL database when
    Rasa keeps conversations there."""

    api_url: str
    api_token: str
    sql_url: str | None

    @classmethod
    def from_env(cls) -> TrackerStore:
        """RASA_API_URL (else the local Rasa on RASA_PORT), RASA_API_TOKEN, TRACKER_STORE_URL."""
        api_url = os.environ.get("RASA_API_URL", "").strip()
        return cls(
            api_url=api_url or f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}",
            api_token=os.environ.get("RASA_API_TOKEN", "").strip(),
            sql_url=os.environ.get(TRACKER_STORE_VARIABLE, "").strip() or None,
        )

    async def empty(self, conversation_id: str) -> None:
        """Replace the conversation with no events, once the turn holding its lock is saved."""
        await self._call("PUT", conversation_id, "/tracker/events", json=[])

    async def events(self, conversation_id: str) -> list[dict[str, Any]]:
        """Every event Rasa holds for the conversation, across sessions and restarts."""
        response = await self._call(
            "GET", conversation_id, "/tracker", params={"include_events": "ALL"}
        )
        events: list[dict[str, Any]] = response.json().get("events") or []
        return events

    async def delete_rows(self, conversation_id: str, until: float) -> None:
        """Delete the conversation's SQL rows stamped up to `until`, then wait for any turn that
        read them before: saving, it would write them all back. Without a SQL store, nothing."""
        if self.sql_url is None:
            return
        await asyncio.to_thread(_delete_events, self.sql_url, conversation_id, until)
        await self.empty(conversation_id)

    async def _call(
        self, method: str, conversation_id: str, path: str, **request: Any
    ) -> httpx.Response:
        url = f"{self.api_url}/conversations/{quote(conversation_id, safe='')}{path}"
        params = {
            **request.pop("params", {}),
            **({"token": self.api_token} if self.api_token else {}),
        }
        async with httpx.AsyncClient(timeout=ERASURE_TIMEOUT_SECONDS) as client:
            response = await client.request(method, url, params=params, **request)
        response.raise_for_status()
        return response


def _delete_events(sql_url: str, conversation_id: str, until: float) -> None:
    engine = db.make_engine(sql_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                delete(RASA_EVENTS).where(
                    RASA_EVENTS.c.sender_id == conversation_id,
                    or_(RASA_EVENTS.c.timestamp <= until, RASA_EVENTS.c.timestamp.is_(None)),
                )
            )
    finally:
        engine.dispose()


async def erase_conversation(
    erasure: ConversationErasure, sessions: sessionmaker[Session], store: TrackerStore
) -> bool:
    """The module's steps until the erasure is verified; True once it is, and recorded."""
    conversation_id, boundary = erasure.conversation_id, None
    for attempt in range(ERASURE_ATTEMPTS):
        try:
            await store.empty(conversation_id)
            # Rasa's events carry the wall clock, not runtime.now()'s (which tests plantão).
            boundary = boundary or time.time()
            await store.delete_rows(conversation_id, boundary)
            left = [e for e in await store.events(conversation_id) if _up_to(e, boundary)]
        except (httpx.HTTPError, SQLAlchemyError) as exc:
            _attempt_failed(erasure, attempt, type(exc).__name__)
        else:
            if not left:
                with db.unit_of_work(sessions) as session:
                    conversation_erased(session, erasure.request_id)
                logger.info("conversation erasure request=%s verified", erasure.request_id)
                return True
            _attempt_failed(erasure, attempt, f"{len(left)} events up to the erasure are left")
        await asyncio.sleep(ERASURE_BACKOFF_SECONDS * 2**attempt)
    return False


def _up_to(event: dict[str, Any], boundary: float) -> bool:
    # Rasa stamps every event; one without a stamp cannot be shown to be newer.
    stamp = event.get("timestamp")
    return stamp is None or float(stamp) <= boundary


def _attempt_failed(erasure: ConversationErasure, attempt: int, reason: str) -> None:
    logger.warning(
        "conversation erasure request=%s attempt=%s failed: %s",
        erasure.request_id,
        attempt + 1,
        reason,
    )


def schedule_erasures(erasures: list[ConversationErasure], sessions: sessionmaker[Session]) -> None:
    store = TrackerStore.from_env()
    for erasure in erasures:
        task = asyncio.get_running_loop().create_task(_erase_logged(erasure, sessions, store))
        ERASURES.add(task)
        task.add_done_callback(ERASURES.discard)


async def _erase_logged(
    erasure: ConversationErasure, sessions: sessionmaker[Session], store: TrackerStore
) -> None:
    try:
        await erase_conversation(erasure, sessions, store)
    except Exception:  # a background task has nobody else to tell
        logger.exception("conversation erasure request=%s crashed", erasure.request_id)


class ActionMyData(GuardedAction):
    """ "Quero meus dados": everything stored about the person, readable."""

    action_name = "action_my_data"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        ctx, who = runtime.context(), caller(tracker)
        with db.unit_of_work(ctx.sessions) as session:
            data = export_personal_data(session, who.channel, who.user_id)
            zone = ctx.settings.tariff.calendar.timezone
            if data is None:
                pending = erasure_pending_since(session, who.user_id)
                dispatcher.utter_message(text=say.no_record(pending, zone))
                return []
            text = say.personal_data(data, zone)
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
        if _not_the_owner(tracker):
            dispatcher.utter_message(text=say.ERASURE_NOT_YOURS)
            return []
        return ask(dispatcher, "confirmar_exclusao", say.ASK_ERASURE, say.ERASURE_BUTTONS)


def _not_the_owner(tracker: Tracker) -> bool:
    """An unsigned message in a conversation that belongs to a channel user (the sender id is
    theirs; anyone reaching the REST channel can write under it)."""
    return caller(tracker).channel == DEFAULT_CHANNEL and owned_by_a_channel_user(tracker)


class ActionConfirmErasure(AnswerAction):
    action_name = "action_confirm_erasure"
    answers = frozenset({"confirmar_exclusao"})

    def act_on(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, question: Question
    ) -> list[EventType]:
        if _not_the_owner(tracker):
            dispatcher.utter_message(text=say.ERASURE_NOT_YOURS)
            return [SlotSet("pendente", None)]
        ctx, who = runtime.context(), caller(tracker)
        with db.unit_of_work(ctx.sessions) as session:
            requested = erase_personal_data(session, who.channel, who.user_id)
        schedule_erasures(requested.conversations, ctx.sessions)
        dispatcher.utter_message(
            text=say.erasure_started(requested.phones_erased, requested.appointment_phones_erased)
        )
        return [SlotSet("pendente", None)]

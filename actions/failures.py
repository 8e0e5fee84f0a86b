"""What the user hears when the database fails: an apology with a reference, never a trace."""

from __future__ import annotations

import logging
import uuid
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any, ClassVar, TypeVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.messages import conversation as say

logger = logging.getLogger(__name__)

A = TypeVar("A")
Run = Callable[[A, CollectingDispatcher, Tracker, dict[str, Any]], Awaitable[list[EventType]]]


def report_database_error(dispatcher: CollectingDispatcher, action: str, exc: Exception) -> str:
    """Log the failure under a new correlation id and apologise; returns the id.

    Only class names are logged: SQLAlchemy's own message carries the statement's parameters,
    which may hold personal data.
    """
    reference = uuid.uuid4().hex[:8]
    cause = type(getattr(exc, "orig", None) or exc).__name__
    logger.error("database error ref=%s action=%s error=%s", reference, action, cause)
    dispatcher.utter_message(text=say.database_apology(reference))
    return reference


def apologize_on_database_error(
    reset: Callable[[], list[EventType]],
) -> Callable[[Run[A]], Run[A]]:
    """Wrap an action's run: a database error ends it with an apology and the `reset` events."""

    def decorate(run: Run[A]) -> Run[A]:
        @wraps(run)
        async def guarded(
            self: A, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
        ) -> list[EventType]:
            try:
                return await run(self, dispatcher, tracker, domain)
            except SQLAlchemyError as exc:
                report_database_error(dispatcher, type(self).__name__, exc)
                return reset()

        return guarded

    return decorate


class GuardedAction(Action, ABC):
    """A custom action named by `action_name`, whose database failure ends it with an apology
    and the events of `reset`."""

    action_name: ClassVar[str]

    def name(self) -> str:
        return self.action_name

    def reset(self) -> list[EventType]:
        """The events that end the turn after a database failure."""
        return []

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        try:
            return self.act(dispatcher, tracker)
        except SQLAlchemyError as exc:
            report_database_error(dispatcher, type(self).__name__, exc)
            return self.reset()

    @abstractmethod
    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """The action itself, in the turn of `tracker`'s latest message."""

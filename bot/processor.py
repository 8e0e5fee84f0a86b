"""How updates run: one chat's in arrival order, different chats concurrently.

Decided when an update arrives, before it waits for its chat: a repeated update_id is dropped
(Telegram redelivers after a timeout or a restart), and a chat sending faster than the flood
limit has its surplus flagged, for the guard handler to answer once and drop. A chat with too
long a backlog loses the newest updates outright, so a flood costs one worker and bounded memory.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

# Updates held in memory at once; each waits on its chat's lock, not on a worker.
MAX_PENDING = 4096
# Chats tracked before idle ones are swept away.
SWEEP_AT = 1000


@dataclass
class _Chat:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: int = 0
    arrivals: deque[float] = field(default_factory=deque)


class ChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        *,
        workers: int = 32,
        flood_max_updates: int = 12,
        flood_window_seconds: float = 15.0,
        max_backlog: int = 50,
        remember_updates: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(max_concurrent_updates=MAX_PENDING)
        self._workers = asyncio.Semaphore(workers)
        self._flood_max, self._flood_window = flood_max_updates, flood_window_seconds
        self._max_backlog = max_backlog
        self._remember = remember_updates
        self._clock = clock
        self._chats: dict[int, _Chat] = {}
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._flooded: dict[int, bool] = {}

    def flood_verdict(self, update: Update) -> bool | None:
        """None if `update` came within its chat's flood limit; else True for the first update
        over the limit (the one to answer), False for the rest."""
        return self._flooded.get(update.update_id)

    def _first_time(self, update_id: int) -> bool:
        if update_id in self._seen:
            return False
        self._seen[update_id] = None
        if len(self._seen) > self._remember:
            self._seen.popitem(last=False)
        return True

    def _over_limit(self, chat: _Chat) -> bool | None:
        """None within the limit; True for the first arrival over it, False for the next ones."""
        now = self._clock()
        while chat.arrivals and now - chat.arrivals[0] > self._flood_window:
            chat.arrivals.popleft()
        chat.arrivals.append(now)
        if len(chat.arrivals) <= self._flood_max:
            return None
        return len(chat.arrivals) == self._flood_max + 1

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update):
            await coroutine
            return
        if not self._first_time(update.update_id):
            log.info("dropped repeated update %s", update.update_id)
            _discard(coroutine)
            return
        chat_id = update.effective_chat.id if update.effective_chat else None
        if chat_id is None:
            async with self._workers:
                await coroutine
            return
        if chat_id not in self._chats and len(self._chats) >= SWEEP_AT:
            self._sweep()
        chat = self._chats.setdefault(chat_id, _Chat())
        if chat.waiting >= self._max_backlog:
            log.warning("chat backlog full: dropped update %s", update.update_id)
            _discard(coroutine)
            return
        verdict = self._over_limit(chat)
        if verdict is not None:
            self._flooded[update.update_id] = verdict
        chat.waiting += 1
        try:
            async with chat.lock, self._workers:
                await coroutine
        finally:
            chat.waiting -= 1
            self._flooded.pop(update.update_id, None)

    def _sweep(self) -> None:
        """Forget idle chats whose last update left the flood window."""
        now = self._clock()
        for chat_id, chat in list(self._chats.items()):
            if not chat.waiting and (
                not chat.arrivals or now - chat.arrivals[-1] > self._flood_window
            ):
                del self._chats[chat_id]

    async def initialize(self) -> None:
        """Nothing to set up: the state lives in memory."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def _discard(coroutine: Awaitable[Any]) -> None:
    # The application hands over a coroutine object; closing it avoids "never awaited" warnings.
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()

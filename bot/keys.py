"""Short callback keys for inline keyboards; the payloads they stand for stay on the server.

Telegram allows 64 bytes of callback_data and returns whatever a client puts there, so the
keyboard carries a random key, and a press is honoured only for a key this process issued, in
the chat it was issued to, once per keyboard.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    chat_id: int
    keyboard: str  # the key of the keyboard's first button: all of them expire together
    title: str
    payload: str


class CallbackKeys:
    """A bounded map from key to choice; the oldest keyboards are forgotten first."""

    def __init__(self, capacity: int = 20_000) -> None:
        self._capacity = capacity
        self._choices: OrderedDict[str, Choice] = OrderedDict()
        self._keyboards: dict[str, list[str]] = {}

    def issue(self, chat_id: int, options: Sequence[tuple[str, str]]) -> list[str]:
        """One key per (title, payload), in order."""
        keys = [secrets.token_urlsafe(9) for _ in options]
        for key, (title, payload) in zip(keys, options, strict=True):
            self._choices[key] = Choice(chat_id, keys[0], title, payload)
        self._keyboards[keys[0]] = keys
        while len(self._choices) > self._capacity:
            _, oldest = self._choices.popitem(last=False)
            self._forget(oldest.keyboard)
        return keys

    def redeem(self, chat_id: int, key: str) -> Choice | None:
        """The choice behind `key`, spending its keyboard; None if forged, stale or foreign."""
        choice = self._choices.get(key)
        if choice is None or choice.chat_id != chat_id:
            return None
        self._forget(choice.keyboard)
        return choice

    def _forget(self, keyboard: str) -> None:
        for key in self._keyboards.pop(keyboard, ()):
            self._choices.pop(key, None)

    def __len__(self) -> int:
        return len(self._choices)

"""The load benchmark's Telegram half: N concurrent users talking to the real bot through the fake
Bot API server, over the same conversations as the REST half (buttons pressed, not typed).

A turn's latency is from the update being queued to the bot's first reply reaching the server.
A user goes on once its chat has been quiet for QUIET_SECONDS, so turns per second here include
that pause; the latencies do not.
"""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

from tests.bench.scenario import Level, conversations
from tests.faketg.server import FakeTelegram, User

QUIET_SECONDS = 0.25
REPLY_TIMEOUT = 60.0
# Telegram user ids, one per conversation across all levels: a chat reused by a later level
# would resume whatever its last conversation left open (a form, a pending booking).
_USER_IDS = itertools.count(900_000)


def _sent_after(telegram: FakeTelegram, user: User, count: int) -> list[dict[str, Any]]:
    """The replies after the first `count` messages; a calendar file trailing the previous
    turn's booking is no reply to this turn."""
    return [m for m in telegram.sent(user.id)[count:] if "document" not in m]


def _button(messages: list[dict[str, Any]], payload: str) -> tuple[dict[str, Any], str] | None:
    """The message and callback data of the button the REST script's payload stands for."""
    wanted = {"/affirm": "Aceito", '/inform{"perfil": "cliente"}': "Sou cliente"}[payload]
    for message in reversed(messages):
        for row in message.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if str(button["text"]).startswith(wanted):
                    return message, str(button["callback_data"])
    return None


def _turn(telegram: FakeTelegram, user: User, text: str, level: Level) -> None:
    found = None
    if text.startswith("/"):
        # Under load the message with the button can trail the user's pause: wait for it.
        found = telegram.wait_for(
            lambda: _button(telegram.sent(user.id)[-4:], text), timeout=REPLY_TIMEOUT
        )
    before = len(telegram.sent(user.id))
    started = time.monotonic()
    if found is not None:
        telegram.press(user, *found)
    else:
        telegram.say(user, text)
    telegram.wait_for(lambda: _sent_after(telegram, user, before), timeout=REPLY_TIMEOUT)
    first = min(
        c.at
        for c in telegram.calls("sendMessage")
        if c.at >= started and str(c.params["chat_id"]) == str(user.id)
    )
    level.latencies_ms.append((first - started) * 1000)
    while True:
        seen = len(telegram.sent(user.id))
        time.sleep(QUIET_SECONDS)
        if len(telegram.sent(user.id)) == seen:
            return


def _user(telegram: FakeTelegram, index: int, deadline: float, level: Level) -> None:
    scripts = conversations(index)
    round_ = 0
    while time.monotonic() < deadline:
        # A new Telegram user per conversation, as the REST half uses a new sender.
        user = User(next(_USER_IDS), f"Carga {index}")
        round_ += 1
        for text in scripts[round_ % len(scripts)]:
            try:
                _turn(telegram, user, text, level)
            except AssertionError:
                level.errors += 1
            if time.monotonic() >= deadline:
                return


def run_level(telegram: FakeTelegram, users: int, seconds: float) -> Level:
    level = Level(users)
    started = time.monotonic()
    threads = [
        threading.Thread(target=_user, args=(telegram, u, started + seconds, level))
        for u in range(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    level.seconds = time.monotonic() - started
    return level

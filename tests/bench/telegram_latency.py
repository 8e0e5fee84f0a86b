"""Per-message latency through the Telegram bot, sequential: from an update queued on the fake
Bot API server to the bot's first reply reaching it (bot, Rasa, actions and database included).

`python -m tests.bench.telegram_latency`; writes .bench/telegram_latency.json.
"""

from __future__ import annotations

import sys
import time

from tests.bench.rest_latency import ROUNDS, SCRIPT
from tests.bench.results import latency_ms, write
from tests.faketg.server import FakeTelegram, User
from tests.stack import running_stack

REPLY_TIMEOUT = 60.0
# A turn is over once its chat got no message for this long (only to know when to go on: the
# figures come from the times the fake server recorded).
QUIET_SECONDS = 0.3


def _replies(telegram: FakeTelegram, user: User, since: float) -> list[float]:
    return [
        c.at
        for c in telegram.calls("sendMessage")
        if c.at >= since and str(c.params["chat_id"]) == str(user.id)
    ]


def turn(telegram: FakeTelegram, user: User, text: str) -> tuple[float, float]:
    """Milliseconds to the first reply and to the last reply of one message."""
    started = time.monotonic()
    telegram.say(user, text)
    telegram.wait_for(lambda: _replies(telegram, user, started), timeout=REPLY_TIMEOUT)
    while True:
        seen = len(_replies(telegram, user, started))
        time.sleep(QUIET_SECONDS)
        replies = _replies(telegram, user, started)
        if len(replies) == seen:
            return (replies[0] - started) * 1000, (replies[-1] - started) * 1000


def main() -> int:
    first: list[float] = []
    last: list[float] = []
    with FakeTelegram() as telegram:
        env = {"TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_BASE_URL": telegram.base_url}
        with running_stack(env):
            turn(telegram, User(80000, "Aquecimento"), "oi")  # loads lazy parts of the model
            for round_ in range(ROUNDS):
                user = User(80001 + round_, f"Cliente {round_}")
                for message in SCRIPT:
                    to_first, to_last = turn(telegram, user, message)
                    first.append(to_first)
                    last.append(to_last)
    result = {"turns": len(first), "first_reply": latency_ms(first), "last_reply": latency_ms(last)}
    write("telegram_latency", result)
    print(f"Telegram bot (fake Bot API), sequential: {result}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

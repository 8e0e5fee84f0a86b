"""The front ends sign who is talking (SPEC §6): the real Telegram bot and the terminal chat put
a signed identity in each message's metadata, and refuse to run as staff without the secret."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from bot.settings import SettingsError, load_bot_settings
from consultoria.identity import SECRET_VARIABLE, Identity, verify
from tests.bot.conftest import ANA, BRUNO
from tests.bot.test_terminal import run_chat
from tests.faketg.rasa import ScriptedRasa
from tests.faketg.server import FakeTelegram
from tests.stack import SIGNING_SECRET as SECRET


def proven(request: dict[str, Any]) -> Identity:
    """What the action server would believe about this request to Rasa."""
    metadata = request["metadata"]
    return verify(SECRET, metadata.get("identity"), sender_id=request["sender"], now=time.time())


async def test_every_message_and_press_is_signed_for_its_sender_and_message(
    start_bot: Any, telegram: FakeTelegram, rasa: ScriptedRasa
) -> None:
    async with start_bot(signing_secret=SECRET):
        telegram.say(ANA, "botões")
        question = (await telegram.until(lambda: telegram.sent(ANA.id)))[0]
        yes = question["reply_markup"]["inline_keyboard"][0][0]
        telegram.press(ANA, question, yes["callback_data"])
        await telegram.until(lambda: "eco: /affirm" in [m["text"] for m in telegram.sent(ANA.id)])
        telegram.say(BRUNO, "plantões de hoje")
        await telegram.until(lambda: telegram.sent(BRUNO.id))
    assert len(rasa.received) == 3
    for request in rasa.received:
        found = proven(request)
        assert (found.channel, found.user_id) == ("telegram", request["sender"])
        assert found.message_id == request["metadata"]["message_id"]
    by_message = {request["message"]: proven(request) for request in rasa.received}
    assert by_message["/affirm"].message_id.startswith("callback-")
    assert by_message["plantões de hoje"].user_id == str(BRUNO.id)


def test_the_telegram_bot_needs_a_long_enough_secret() -> None:
    with pytest.raises(SettingsError, match=SECRET_VARIABLE):
        load_bot_settings({"TELEGRAM_BOT_TOKEN": "123:abc"})
    with pytest.raises(SettingsError, match="ao menos 32 caracteres"):
        load_bot_settings({"TELEGRAM_BOT_TOKEN": "123:abc", SECRET_VARIABLE: "curto"})
    settings = load_bot_settings({"TELEGRAM_BOT_TOKEN": "123:abc", SECRET_VARIABLE: SECRET})
    assert settings.signing_secret == SECRET
    # The terminal chat runs without one, as the anonymous REST customer.
    assert load_bot_settings({}).signing_secret is None


def test_the_terminal_chat_signs_as_the_roster_member(
    rasa: ScriptedRasa, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET_VARIABLE, SECRET)
    done = run_chat(rasa.base_url, tmp_path, "plantões de hoje\noi\n", "--staff", staff_id=9001)
    assert done.returncode == 0, done.stderr
    first, second = (proven(request) for request in rasa.received)
    assert (first.channel, first.user_id) == ("telegram", "9001")
    assert first.message_id != second.message_id
    assert SECRET not in done.stdout + done.stderr


def test_the_terminal_chat_will_not_talk_as_staff_without_the_secret(
    rasa: ScriptedRasa, tmp_path: Path
) -> None:
    done = run_chat(
        rasa.base_url, tmp_path, "plantões de hoje\n", "--staff", staff_id=9001, secret=None
    )
    assert done.returncode == 2
    assert SECRET_VARIABLE in done.stderr and "make run" in done.stderr
    assert rasa.received == []

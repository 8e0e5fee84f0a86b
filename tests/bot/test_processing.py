"""Update processing limits, and the webhook mode's secret token."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime, timezone
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker
from telegram import Chat, Message, Update

from bot.app import build_application
from bot.processor import ChatOrderedProcessor
from bot.settings import Webhook
from tests.bot.conftest import ANA, bot_settings
from tests.faketg.rasa import ScriptedRasa
from tests.faketg.server import FakeTelegram
from tests.stack import free_port

SECRET = "certo"  # noqa: S105 (a test value)


def update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime.now(timezone.utc), chat, text="x"))


async def test_a_chat_backlog_is_bounded_and_other_chats_still_run() -> None:
    processor = ChatOrderedProcessor(max_backlog=2, flood_max_updates=100)
    gate = asyncio.Event()
    ran: list[int] = []

    async def handle(update_id: int) -> None:
        await gate.wait()
        ran.append(update_id)

    tasks = [
        asyncio.create_task(processor.process_update(update(n, 1), handle(n))) for n in range(5)
    ]
    tasks.append(asyncio.create_task(processor.process_update(update(9, 2), handle(9))))
    await asyncio.sleep(0.05)
    gate.set()
    await asyncio.gather(*tasks)
    assert sorted(ran) == [0, 1, 9]


async def test_webhook_mode_refuses_a_wrong_secret_and_serves_the_right_one(
    telegram: FakeTelegram, rasa: ScriptedRasa, sqlite_sessions: sessionmaker[Session]
) -> None:
    port = free_port()
    hook = Webhook(
        url="https://bot.exemplo.com.br/tg", secret=SECRET, listen="127.0.0.1", port=port
    )
    settings = dataclasses.replace(bot_settings(telegram, rasa.base_url), webhook=hook)
    application = build_application(settings, sqlite_sessions)
    body: dict[str, Any] = telegram.message_update(ANA, "pelo webhook")
    url = f"http://127.0.0.1:{port}/tg"
    async with application:
        assert application.updater is not None
        await application.start()
        await application.updater.start_webhook(
            listen=hook.listen,
            port=hook.port,
            url_path=hook.path,
            webhook_url=hook.url,
            secret_token=hook.secret,
        )
        try:
            async with httpx.AsyncClient() as client:
                forged = await client.post(
                    url, json=body, headers={"X-Telegram-Bot-Api-Secret-Token": "errado"}
                )
                missing = await client.post(url, json=body)
                good = await client.post(
                    url, json=body, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
                )
            await telegram.until(lambda: telegram.sent(ANA.id))
        finally:
            await application.updater.stop()
            await application.stop()
    assert (forged.status_code, missing.status_code, good.status_code) == (403, 403, 200)
    assert rasa.messages() == ["pelo webhook"]
    [set_webhook] = telegram.calls("setWebhook")
    assert set_webhook.params["url"] == hook.url and set_webhook.params["secret_token"] == SECRET

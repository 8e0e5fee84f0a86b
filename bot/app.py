"""The Telegram application: all the wiring in one builder, and how it runs (polling or webhook)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from telegram import BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import handlers
from bot.handlers import COMMANDS, SERVICES, Services, menu, services
from bot.keys import CallbackKeys
from bot.notifier import drain_once
from bot.processor import ChatOrderedProcessor
from bot.rasa import RasaBridge
from bot.settings import BotSettings
from consultoria.db import unit_of_work
from consultoria.services.outbox import staff_chat_ids

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]
# What the handlers serve; Telegram sends nothing else (edits, reactions, member changes).
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


def _staff_chats(sessions: sessionmaker[Session]) -> list[int]:
    with unit_of_work(sessions) as session:
        return staff_chat_ids(session)


async def register_commands(application: App) -> None:
    """Customers see the customer menu; each staff member's chat also lists the staff commands."""
    await application.bot.set_my_commands(menu(staff=False))
    for chat_id in await asyncio.to_thread(_staff_chats, services(application).sessions):
        try:
            await application.bot.set_my_commands(
                menu(staff=True), scope=BotCommandScopeChat(chat_id)
            )
        except TelegramError as exc:  # a member who never opened a chat with the bot
            log.warning("staff menu not set for chat %s: %s", chat_id, exc)


async def drain_outbox(context: ContextTypes.DEFAULT_TYPE) -> None:
    await drain_once(context.bot, services(context.application).sessions)


def build_application(
    settings: BotSettings, sessions: sessionmaker[Session], ready_file: Path | None = None
) -> App:
    if settings.token is None:
        raise ValueError("the Telegram application needs TELEGRAM_BOT_TOKEN")
    processor = ChatOrderedProcessor(
        flood_max_updates=settings.flood_max_updates,
        flood_window_seconds=settings.flood_window_seconds,
    )

    async def post_init(application: App) -> None:
        await register_commands(application)
        job_queue = application.job_queue
        if job_queue is None:
            raise RuntimeError("python-telegram-bot was installed without its job-queue extra")
        job_queue.run_repeating(
            drain_outbox, interval=settings.outbox_interval_seconds, first=0.5, name="outbox"
        )
        if ready_file is not None:
            await asyncio.to_thread(ready_file.write_text, "ok\n", "utf-8")

    async def post_shutdown(application: App) -> None:
        await services(application).bridge.aclose()

    application: App = (
        Application.builder()
        .token(settings.token)
        .base_url(settings.bot_api_url)
        .base_file_url(settings.file_api_url)
        .rate_limiter(AIORateLimiter(max_retries=2))
        .concurrent_updates(processor)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    application.bot_data[SERVICES] = Services(
        settings=settings,
        bridge=RasaBridge(settings.rasa_url),
        keys=CallbackKeys(),
        sessions=sessions,
        processor=processor,
    )
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    application.add_handler(TypeHandler(Update, handlers.guard), group=-1)
    application.add_handler(
        CommandHandler([c.name for c in COMMANDS], handlers.command, filters=private)
    )
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_handler(MessageHandler(private & filters.COMMAND, handlers.unknown_command))
    application.add_handler(MessageHandler(private & filters.TEXT, handlers.text_message))
    application.add_handler(MessageHandler(private, handlers.not_text))
    application.add_error_handler(handlers.on_error)
    return application


def run(application: App, settings: BotSettings) -> None:
    """Block until SIGINT/SIGTERM: long polling by default, the webhook when configured."""
    hook = settings.webhook
    if hook is None:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
        return
    application.run_webhook(
        listen=hook.listen,
        port=hook.port,
        url_path=hook.path,
        webhook_url=hook.url,
        secret_token=hook.secret,
        allowed_updates=ALLOWED_UPDATES,
    )

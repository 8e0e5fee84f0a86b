"""Sending to a chat: long text in pieces, buttons as an inline keyboard, a typing indicator."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError

from bot.keys import CallbackKeys
from bot.text import split_message, to_html

# Telegram shows "typing..." for about five seconds per chat action.
TYPING_REFRESH_SECONDS = 4.0
# A keyboard needs a message to hang on.
BUTTONS_ONLY_TEXT = "Escolha uma opção:"


def keyboard(
    keys: CallbackKeys, chat_id: int, options: Sequence[tuple[str, str]]
) -> InlineKeyboardMarkup | None:
    """One button per row (titles are sentences), each carrying a short server-side key."""
    if not options:
        return None
    issued = keys.issue(chat_id, options)
    rows = [
        [InlineKeyboardButton(title or payload, callback_data=key)]
        for key, (title, payload) in zip(issued, options, strict=True)
    ]
    return InlineKeyboardMarkup(rows)


async def send_text(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Send `text` in as many messages as the limit needs; the keyboard goes on the last one."""
    pieces = split_message(text) or ([BUTTONS_ONLY_TEXT] if markup else [])
    sent: Message | None = None
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        sent = await bot.send_message(
            chat_id,
            to_html(piece),
            parse_mode=ParseMode.HTML,
            reply_markup=markup if last else None,
        )
    return sent


async def send_file(bot: Bot, chat_id: int, filename: str, content: bytes) -> Message:
    """A file as a Telegram document, under its own name (a calendar file opens in the
    person's calendar app)."""
    return await bot.send_document(chat_id, InputFile(content, filename=filename))


@contextlib.asynccontextmanager
async def typing(bot: Bot, chat_id: int) -> AsyncIterator[None]:
    """Show "typing..." until the block ends; failing to show it never fails the block."""

    async def keep_typing() -> None:
        while True:
            with contextlib.suppress(TelegramError):
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            await asyncio.sleep(TYPING_REFRESH_SECONDS)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

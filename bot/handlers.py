"""The bot's callbacks: every private-chat text, command and button press goes to Rasa."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.orm import Session, sessionmaker
from telegram import BotCommand, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes

from bot.keys import CallbackKeys
from bot.processor import ChatOrderedProcessor
from bot.rasa import UNAVAILABLE_TEXT, RasaBridge, RasaUnavailable, Reply
from bot.replies import keyboard, send_file, send_text, typing
from bot.settings import BotSettings
from bot.text import MESSAGE_LIMIT, to_html, units
from consultoria.db import unit_of_work
from consultoria.identity import sign
from consultoria.services.people import TELEGRAM, is_staff

log = logging.getLogger(__name__)

APOLOGY = "Desculpe, algo deu errado do meu lado. Tente de novo em instantes, por favor."
RETRY_TITLE = "Tentar de novo"
STALE_BUTTON = "Essa opção não vale mais. Envie sua mensagem de novo, por favor."
FLOOD_TEXT = (
    "Recebi muitas mensagens seguidas. Aguarde alguns segundos e envie de novo o que precisa."
)
FLOOD_BUTTON = "Calma, muitas mensagens seguidas: aguarde alguns segundos."
# Rasa answers nothing when an action failed (the action server is down, say): never silence.
NO_ANSWER = "Não consegui concluir isso agora. Pode tentar de novo em instantes?"
TEXT_ONLY = "Por enquanto eu só leio mensagens de texto. Pode escrever o que precisa?"
UNKNOWN_COMMAND = "Não conheço esse comando. Veja a lista em /ajuda ou escreva o que precisa."
STAFF_ONLY = "Esse comando é exclusivo da equipe da Consultoria."


@dataclass(frozen=True)
class Command:
    name: str
    description: str
    says: str  # what reaches Rasa: an intent payload, or words for its NLU
    staff: bool = False


COMMANDS = (
    Command("start", "Começar a conversa", "/greet"),
    Command("ajuda", "O que eu sei fazer", "/help"),
    Command("precos", "Preços e regras de cobrança", "/ask_price"),
    Command("plantoes", "Meus plantões", "/list_plantoes"),
    Command("cancelar", "Cancelar um plantão", "/cancel_plantao"),
    Command("atendente", "Falar com um atendente", "/human_handoff"),
    # The staff listing reads the day from the words, so these go through NLU.
    Command("hoje", "Plantões de hoje (equipe)", "plantões de hoje", staff=True),
    Command(
        "pendentes", "Plantões aguardando confirmação (equipe)", "plantões pendentes", staff=True
    ),
)
BY_NAME = {command.name: command for command in COMMANDS}


def menu(*, staff: bool) -> list[BotCommand]:
    return [BotCommand(c.name, c.description) for c in COMMANDS if staff or not c.staff]


@dataclass(frozen=True)
class Services:
    """What the callbacks share, kept in bot_data."""

    settings: BotSettings
    bridge: RasaBridge
    keys: CallbackKeys
    sessions: sessionmaker[Session]
    processor: ChatOrderedProcessor


SERVICES = "services"


def services(application: Application[Any, Any, Any, Any, Any, Any]) -> Services:
    return cast(Services, application.bot_data[SERVICES])


def _is_staff(sessions: sessionmaker[Session], user_id: int) -> bool:
    with unit_of_work(sessions) as session:
        return is_staff(session, TELEGRAM, str(user_id))


def metadata(update: Update, message_id: str, secret: str | None) -> dict[str, Any]:
    """What actions/tracker.py reads: who is talking, from where, and which message this is;
    the action server believes the channel and the user only under the identity signed here."""
    chat, user = update.effective_chat, update.effective_user
    sent: dict[str, Any] = {
        "channel": TELEGRAM,
        "chat_id": chat.id if chat else None,
        "chat_type": chat.type if chat else None,
        "username": user.username if user else None,
        "first_name": user.first_name if user else None,
        "language": user.language_code if user else None,
        "message_id": message_id,
    }
    if secret is not None and user is not None:
        sent["identity"] = sign(secret, TELEGRAM, str(user.id), message_id, time.time())
    return sent


async def send_reply(context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply) -> None:
    markup = keyboard(services(context.application).keys, chat_id, reply.buttons)
    await send_text(context.bot, chat_id, reply.text, markup)
    if reply.attachment is not None:
        await send_file(context.bot, chat_id, reply.attachment.filename, reply.attachment.content)


async def converse(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, message_id: str
) -> None:
    """Say `text` to Rasa as this Telegram user and send back every reply, in order."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    if units(text) > MESSAGE_LIMIT:
        size = f"{units(text):,}".replace(",", ".")
        limit = f"{MESSAGE_LIMIT:,}".replace(",", ".")
        await send_text(
            context.bot,
            chat.id,
            f"Sua mensagem tem {size} caracteres e eu leio até {limit} de uma vez. "
            "Pode resumir em poucas linhas o que precisa?",
        )
        return
    shared = services(context.application)
    said = metadata(update, message_id, shared.settings.signing_secret)
    async with typing(context.bot, chat.id):
        replies = await shared.bridge.send(str(user.id), text, said)
    for reply in replies or [Reply(NO_ANSWER)]:
        await send_reply(context, chat.id, reply)


async def guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group -1: updates over the chat's flood limit stop here, the first one answered."""
    verdict = services(context.application).processor.flood_verdict(update)
    if verdict is None:
        return
    if update.callback_query:
        await update.callback_query.answer(FLOOD_BUTTON)
    elif verdict and update.effective_chat:
        await send_text(context.bot, update.effective_chat.id, FLOOD_TEXT)
    raise ApplicationHandlerStop


async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message and message.text:
        await converse(update, context, message.text, str(message.message_id))


async def command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or not message.text:
        return
    name = message.text.split()[0].lstrip("/").split("@")[0].lower()
    chosen = BY_NAME[name]
    sessions = services(context.application).sessions
    if chosen.staff and not await asyncio.to_thread(_is_staff, sessions, user.id):
        await message.reply_text(STAFF_ONLY)
        return
    await converse(update, context, chosen.says, str(message.message_id))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    # Raw intent payloads ("/end_plantao{...}") arrive as commands too: they never reach Rasa.
    if update.effective_message:
        await update.effective_message.reply_text(UNKNOWN_COMMAND)


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message:
        await update.effective_message.reply_text(TEXT_ONLY)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press: answered at once, its keyboard spent and removed, the choice shown, then sent."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    choice = services(context.application).keys.redeem(chat.id, query.data or "")
    if choice is None:
        await query.answer(STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    await show_choice(update, context, choice.title)
    await converse(update, context, choice.payload, f"callback-{query.id}")


async def show_choice(update: Update, context: ContextTypes.DEFAULT_TYPE, title: str) -> None:
    """Replace the keyboard with the option chosen, under the question it answered."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    message = query.message
    echo = f"» {to_html(title)}"
    try:
        if isinstance(message, Message):
            question = message.text_html if message.text else ""
            if units(question) + units(title) + 4 <= MESSAGE_LIMIT:
                await query.edit_message_text(f"{question}\n\n{echo}", parse_mode=ParseMode.HTML)
                return
            await query.edit_message_reply_markup(None)
    except BadRequest as exc:  # e.g. the message is too old to edit
        log.info("could not edit the keyboard's message: %s", exc.message)
    await context.bot.send_message(chat.id, echo, parse_mode=ParseMode.HTML)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The one error handler: the person always hears back, the log gets the cause."""
    error = context.error
    chat = update.effective_chat if isinstance(update, Update) else None
    if isinstance(error, RasaUnavailable):
        log.warning("Rasa unavailable: %s", error)
        reply = Reply(UNAVAILABLE_TEXT, [(RETRY_TITLE, error.text)])
    else:
        log.error("failed to handle an update", exc_info=error)
        reply = Reply(APOLOGY)
    if chat is not None:
        try:
            await send_reply(context, chat.id, reply)
        except TelegramError as exc:
            log.warning("could not tell chat %s about the failure: %s", chat.id, exc)

"""A chat in the terminal with the assistant, through the same Rasa bridge as the Telegram bot.

Buttons show as numbered options; typing the number picks one. `staff` talks as the first
member of the staff roster, on the Telegram channel, to try the staff side locally.
"""

from __future__ import annotations

import asyncio
import getpass
from typing import Any

from bot.rasa import UNAVAILABLE_TEXT, RasaBridge, RasaUnavailable, Reply
from bot.text import plain
from consultoria import runtime
from consultoria.db import unit_of_work
from consultoria.services.outbox import staff_chat_ids

PROMPT = "você> "
EXIT_WORDS = {"sair", "exit", "quit"}


class NoStaff(LookupError):
    """The roster is empty; the message is pt-BR."""


def render(replies: list[Reply]) -> list[str]:
    """Print the bot's messages; return the payloads of the buttons shown, in order."""
    payloads: list[str] = []
    for reply in replies:
        if reply.text:
            print(f"bot> {plain(reply.text)}")
        for title, payload in reply.buttons:
            payloads.append(payload)
            print(f"     [{len(payloads)}] {title}")
    return payloads


def staff_identity() -> tuple[str, dict[str, Any]]:
    """Sender and metadata of the first active staff member, as the Telegram bot sends them."""
    with unit_of_work(runtime.sessions()) as session:
        chats = staff_chat_ids(session)
    if not chats:
        raise NoStaff(
            "Nenhum membro ativo da equipe no cadastro: inclua um em consultoria.yml (chave staff)."
        )
    return str(chats[0]), {"channel": "telegram", "chat_id": chats[0], "chat_type": "private"}


def chat(rasa_url: str, *, staff: bool = False) -> None:
    sender, metadata = staff_identity() if staff else (f"terminal-{getpass.getuser()}", {})
    who = " como equipe" if staff else ""
    print(f'Converse com o assistente{who} (Ctrl-D ou "sair" para terminar).')
    # A loop of our own, so input() stays in the main thread and Ctrl-C ends it at once.
    loop = asyncio.new_event_loop()
    bridge = RasaBridge(rasa_url)
    payloads: list[str] = []
    try:
        while True:
            try:
                text = input(PROMPT).strip()
            except EOFError:
                print()
                return
            if text.lower() in EXIT_WORDS:
                return
            if not text:
                continue
            if text.isdigit() and 1 <= int(text) <= len(payloads):
                text = payloads[int(text) - 1]
            try:
                replies = loop.run_until_complete(bridge.send(sender, text, metadata))
            except RasaUnavailable:
                print(f"bot> {UNAVAILABLE_TEXT}")
                continue
            payloads = render(replies)
    finally:
        loop.run_until_complete(bridge.aclose())
        loop.close()

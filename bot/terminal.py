"""A chat in the terminal with the assistant, through the same Rasa bridge as the Telegram bot.

Buttons show as numbered options; typing the number picks one. The chat is an anonymous
customer of the REST channel (nothing to sign: that is what any unsigned sender is); `staff`
talks as the first member of the staff roster, on the Telegram channel, signing each message
with the secret shared with the action server, to try the staff side locally.
"""

from __future__ import annotations

import asyncio
import getpass
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.rasa import UNAVAILABLE_TEXT, Attachment, RasaBridge, RasaUnavailable, Reply
from bot.text import plain
from consultoria import runtime
from consultoria.db import unit_of_work
from consultoria.identity import SECRET_VARIABLE, sign
from consultoria.services.outbox import staff_chat_ids
from consultoria.services.people import TELEGRAM
from consultoria.settings import PROJECT_ROOT

PROMPT = "você> "
# Where the files the bot sends are kept: the project's var/, beside the database.
FILES_DIR = PROJECT_ROOT / "var" / "arquivos"
EXIT_WORDS = {"sair", "exit", "quit"}


class NoStaff(LookupError):
    """The chat cannot talk as staff: the roster is empty, or there is no secret to sign with;
    the message is pt-BR."""


def save(attachment: Attachment, folder: Path) -> Path:
    """Keep a file the bot sent (a calendar invitation, a report's CSV) under `folder`, by its
    own name without any directory part, so it can be opened from the terminal."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (Path(attachment.filename).name or "arquivo")
    path.write_bytes(attachment.content)
    return path


def render(replies: list[Reply], files: Path = FILES_DIR) -> list[str]:
    """Print the bot's messages, saving the files it sends under `files`; return the payloads
    of the buttons shown, in order."""
    payloads: list[str] = []
    for reply in replies:
        if reply.text:
            print(f"bot> {plain(reply.text)}")
        for title, payload in reply.buttons:
            payloads.append(payload)
            print(f"     [{len(payloads)}] {title}")
        if reply.attachment is not None:
            print(f"bot> [arquivo salvo em {save(reply.attachment, files)}]")
    return payloads


@dataclass(frozen=True)
class Speaker:
    """Who the chat talks as: the anonymous REST customer, or a roster member it signs for."""

    sender: str
    secret: str | None = None

    def metadata(self) -> dict[str, Any]:
        """Nothing for the customer; for staff, what the Telegram bot sends, signed anew."""
        if self.secret is None:
            return {}
        message_id = f"terminal-{uuid.uuid4().hex}"
        return {
            "channel": TELEGRAM,
            "chat_id": int(self.sender),
            "chat_type": "private",
            "message_id": message_id,
            "identity": sign(self.secret, TELEGRAM, self.sender, message_id, time.time()),
        }


def speaker(secret: str | None, *, staff: bool) -> Speaker:
    if not staff:
        return Speaker(f"terminal-{getpass.getuser()}")
    with unit_of_work(runtime.sessions()) as session:
        chats = staff_chat_ids(session)
    if not chats:
        raise NoStaff(
            "Nenhum membro ativo da equipe no cadastro: inclua um em consultoria.yml (chave staff)."
        )
    if secret is None:
        raise NoStaff(
            f"{SECRET_VARIABLE} não definido: sem ele a conversa não fala como equipe. "
            "Use make run RUN_ARGS=--staff, que cria um segredo local."
        )
    return Speaker(str(chats[0]), secret)


def chat(rasa_url: str, *, secret: str | None, staff: bool = False) -> None:
    """Talk until Ctrl-D or "sair"; as staff, sign each message with `secret`."""
    talker = speaker(secret, staff=staff)
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
                replies = loop.run_until_complete(
                    bridge.send(talker.sender, text, talker.metadata())
                )
            except RasaUnavailable:
                print(f"bot> {UNAVAILABLE_TEXT}")
                continue
            payloads = render(replies)
    finally:
        loop.run_until_complete(bridge.aclose())
        loop.close()

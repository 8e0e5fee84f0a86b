"""A chat in the terminal with the assistant, through Rasa's REST channel.

Buttons show as numbered options; typing the number picks one.
"""

from __future__ import annotations

import getpass
from typing import Any

import httpx

PROMPT = "você> "


def render(messages: list[dict[str, Any]]) -> list[str]:
    """Print the bot's messages; return the payloads of the buttons shown, in order."""
    payloads: list[str] = []
    for message in messages:
        if message.get("text"):
            print(f"bot> {message['text']}")
        for button in message.get("buttons") or []:
            payloads.append(str(button["payload"]))
            print(f"     [{len(payloads)}] {button['title']}")
    return payloads


def chat(rasa_url: str, sender: str | None = None) -> None:
    sender = sender or f"terminal-{getpass.getuser()}"
    print('Converse com o assistente (Ctrl-D ou "sair" para terminar).')
    payloads: list[str] = []
    with httpx.Client(base_url=rasa_url, timeout=30) as client:
        while True:
            try:
                text = input(PROMPT).strip()
            except EOFError:
                print()
                return
            if text.lower() in {"sair", "exit", "quit"}:
                return
            if not text:
                continue
            if text.isdigit() and 1 <= int(text) <= len(payloads):
                text = payloads[int(text) - 1]
            try:
                response = client.post(
                    "/webhooks/rest/webhook", json={"sender": sender, "message": text}
                )
                response.raise_for_status()
            except httpx.HTTPError:
                print("bot> Estou temporariamente indisponível, tente em instantes.")
                continue
            payloads = render(response.json())

"""A scripted stand-in for Rasa's REST channel, for the bot tests that need no trained model.

It answers by rule ("botões" gets two buttons, "lento" waits, "longo" gets a long reply,
anything else is echoed) and records what each request carried.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from aiohttp import web

from tests.faketg.loopback import LoopbackServer

SLOW_SECONDS = 0.6
LONG_PARAGRAPH = "Parágrafo de resposta longa. " * 60  # about 1,700 characters


def answer(message: str) -> list[dict[str, Any]]:
    if message == "botões":
        return [
            {
                "text": "Confirma? <sim> & **importante**",
                "buttons": [
                    {"title": "Sim", "payload": "/affirm"},
                    {"title": "Não", "payload": "/deny"},
                ],
            }
        ]
    if message == "longo":
        return [{"text": "\n\n".join(f"{i}. {LONG_PARAGRAPH}" for i in range(1, 7))}]
    if message == "silêncio":
        return []
    return [{"text": f"eco: {message}"}]


class ScriptedRasa(LoopbackServer):
    def __init__(self, port: int = 0) -> None:
        super().__init__(port)
        self._lock = threading.Lock()
        self.received: list[dict[str, Any]] = []

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/webhooks/rest/webhook", self._webhook)

    def messages(self) -> list[str]:
        with self._lock:
            return [str(r["message"]) for r in self.received]

    async def _webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        with self._lock:
            self.received.append(body)
        message = str(body["message"])
        if message.startswith("lento"):
            await asyncio.sleep(SLOW_SECONDS)
        return web.json_response(answer(message))

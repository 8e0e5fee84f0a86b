"""A scripted stand-in for Rasa's REST channel, for the bot tests that need no trained model.

It answers by rule ("botões" gets two buttons, "lento" waits, "longo" gets a long reply,
"agenda" a calendar file, anything else is echoed) and records what each request carried.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from consultoria.ics import CalendarEvent, Method, calendar_file
from tests.faketg.loopback import LoopbackServer

SLOW_SECONDS = 0.6
# What "agenda" gets: a booking's words, then its calendar file as the actions send it.
CALENDAR_CONTENT = calendar_file(
    CalendarEvent(
        uid="P-0007@assistente-consultoria",
        start=datetime(2037, 6, 6, 11, 0, tzinfo=timezone.utc),
        end=datetime(2037, 6, 6, 21, 0, tzinfo=timezone.utc),
        zone=ZoneInfo("America/Sao_Paulo"),
        summary="Plantão P-0007 — Consultoria TOTVS",
        description="Plantão 24x7, referência P-0007.",
    ),
    Method.REQUEST,
    stamp=datetime(2037, 5, 1, 12, 0, tzinfo=timezone.utc),
)
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
    if message == "agenda":
        custom = {"type": "calendar", "filename": "P-0007.ics", "content": CALENDAR_CONTENT}
        return [{"text": "Pedido registrado: plantão P-0007."}, {"custom": custom}]
    if message == "outro anexo":
        return [{"custom": {"type": "planilha", "filename": "x.csv", "content": "a,b"}}]
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

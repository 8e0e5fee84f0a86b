"""The bridge to Rasa's REST channel, shared by the Telegram bot and the terminal chat."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import httpx

from consultoria.presentation import FILE_PAYLOAD_TYPES

WEBHOOK_PATH = "/webhooks/rest/webhook"
UNAVAILABLE_TEXT = "Estou temporariamente indisponível, tente em instantes."
# Waits before the second and third try when Rasa refuses the connection (it is restarting).
CONNECT_RETRY_DELAYS = (0.5, 1.5)


class RasaUnavailable(Exception):
    """Rasa did not answer; `text` is what the person said, kept so they can send it again."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(reason)
        self.text = text


@dataclass(frozen=True)
class Attachment:
    """A file the actions sent as a `custom` payload: a calendar file (SPEC §9) or a report's
    CSV (SPEC §10)."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (title, payload)
    attachment: Attachment | None = None


def _attachment(custom: object) -> Attachment | None:
    """The file of a `custom` payload, `{"type": "calendar" or "report", "filename",
    "content"}`; None for anything else."""
    if not isinstance(custom, dict) or custom.get("type") not in FILE_PAYLOAD_TYPES:
        return None
    filename, content = custom.get("filename"), custom.get("content")
    if not isinstance(filename, str) or not isinstance(content, str) or not filename:
        return None
    return Attachment(filename, content.encode("utf-8"))


def parse_replies(body: object) -> list[Reply]:
    """Rasa's REST answer: a list of messages with `text` and optional `buttons`, or a
    `custom` file."""
    if not isinstance(body, list):
        raise ValueError(f"unexpected Rasa answer: {type(body).__name__}")
    replies: list[Reply] = []
    for message in body:
        if not isinstance(message, dict):
            continue
        buttons = [
            (str(b.get("title", "")), str(b.get("payload", "")))
            for b in message.get("buttons") or []
            if isinstance(b, dict) and b.get("payload")
        ]
        text = str(message.get("text") or "")
        attachment = _attachment(message.get("custom"))
        if text or buttons or attachment:
            replies.append(Reply(text, buttons, attachment))
    return replies


class RasaBridge:
    """One HTTP client (connection pool) for every conversation of the process."""

    def __init__(self, base_url: str, timeout: float = 60.0) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url, timeout=httpx.Timeout(timeout, connect=3.0)
        )

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> list[Reply]:
        """Say `text` as `sender`; raises RasaUnavailable when Rasa cannot answer.

        Only a refused connection is retried: Rasa never saw the message. A timeout or an error
        answer is not, since the message may have been processed already.
        """
        body = {"sender": sender, "message": text, "metadata": metadata}
        retries = iter(CONNECT_RETRY_DELAYS)
        while True:
            try:
                response = await self._client.post(WEBHOOK_PATH, json=body)
                response.raise_for_status()
                return parse_replies(response.json())
            except httpx.ConnectError as exc:
                delay = next(retries, None)
                if delay is None:
                    raise RasaUnavailable(text, f"connection failed: {exc}") from exc
                await asyncio.sleep(delay)
            except (httpx.HTTPError, ValueError) as exc:
                raise RasaUnavailable(text, f"{type(exc).__name__}: {exc}") from exc

    async def aclose(self) -> None:
        await self._client.aclose()

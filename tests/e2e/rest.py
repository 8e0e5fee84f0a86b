"""A REST-channel client: one user talking to the assistant."""

from __future__ import annotations

import uuid
from typing import Any

import httpx


class Conversation:
    """One user talking to the assistant through the REST channel."""

    def __init__(self, url: str) -> None:
        self.client = httpx.Client(base_url=url, timeout=60)
        self.sender = f"e2e-{uuid.uuid4().hex[:12]}"

    def say(self, text: str) -> list[dict[str, Any]]:
        response = self.client.post(
            "/webhooks/rest/webhook", json={"sender": self.sender, "message": text}
        )
        response.raise_for_status()
        replies: list[dict[str, Any]] = response.json()
        return replies

    def text(self, message: str) -> str:
        return "\n".join(str(r.get("text", "")) for r in self.say(message))

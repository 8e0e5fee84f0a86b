"""REST-channel clients: an anonymous user talking to the assistant, and a Telegram user as the
bot relays them."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx

from consultoria.identity import sign
from tests.stack import SIGNING_SECRET


class Conversation:
    """One user talking to the assistant through the REST channel."""

    def __init__(self, url: str) -> None:
        self.client = httpx.Client(base_url=url, timeout=60)
        self.sender = f"e2e-{uuid.uuid4().hex[:12]}"

    def metadata(self) -> dict[str, Any]:
        """What a front end adds to each message: nothing, for a plain REST client."""
        return {}

    def say(self, text: str) -> list[dict[str, Any]]:
        response = self.client.post(
            "/webhooks/rest/webhook",
            json={"sender": self.sender, "message": text, "metadata": self.metadata()},
        )
        response.raise_for_status()
        replies: list[dict[str, Any]] = response.json()
        return replies

    def text(self, message: str) -> str:
        return "\n".join(str(r.get("text", "")) for r in self.say(message))


class FromTelegram(Conversation):
    """A Telegram user as the bot relays them: the user id as sender, the channel in the
    metadata and the identity signed with the stacks' secret; `forged` leaves the signature out,
    as anyone able to reach Rasa's REST channel could."""

    def __init__(self, url: str, user_id: str, *, forged: bool = False) -> None:
        super().__init__(url)
        self.sender = user_id
        self.forged = forged

    def metadata(self) -> dict[str, Any]:
        message_id = uuid.uuid4().hex
        sent: dict[str, Any] = {
            "channel": "telegram",
            "first_name": "Carla",
            "message_id": message_id,
        }
        if not self.forged:
            sent["identity"] = sign(
                SIGNING_SECRET, "telegram", self.sender, message_id, time.time()
            )
        return sent

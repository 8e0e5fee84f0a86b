"""A calendar file the actions send as a `custom` payload reaches the Telegram chat as a
document (SPEC §9), after the words that go with it."""

from __future__ import annotations

from typing import Any

from bot.handlers import NO_ANSWER
from tests.bot.conftest import ANA, BRUNO
from tests.faketg.rasa import CALENDAR_CONTENT
from tests.faketg.server import FakeTelegram


def documents(telegram: FakeTelegram, chat_id: int) -> list[dict[str, Any]]:
    return [m for m in telegram.sent(chat_id) if "document" in m]


async def test_a_calendar_payload_arrives_as_an_ics_document(
    start_bot: Any, telegram: FakeTelegram
) -> None:
    async with start_bot():
        telegram.say(ANA, "agenda")
        await telegram.until(lambda: documents(telegram, ANA.id))
    text, document = telegram.sent(ANA.id)
    assert text["text"] == "Pedido registrado: plantão P-0007."
    assert document["document"]["file_name"] == "P-0007.ics"
    assert document["document"]["mime_type"] == "text/calendar"
    # The very bytes the actions produced: CRLF line ends and all.
    assert document["content"] == CALENDAR_CONTENT
    assert "METHOD:REQUEST\r\n" in document["content"]
    assert documents(telegram, BRUNO.id) == []


async def test_another_custom_payload_is_not_sent_as_a_file(
    start_bot: Any, telegram: FakeTelegram
) -> None:
    async with start_bot():
        telegram.say(ANA, "outro anexo")
        await telegram.until(lambda: telegram.sent(ANA.id))
    assert telegram.calls("sendDocument") == []
    assert [m["text"] for m in telegram.sent(ANA.id)] == [NO_ANSWER]

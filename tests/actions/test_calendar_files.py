"""The calendar file in the chat (SPEC §9): booking attaches the invitation, the customer's
cancellation attaches the cancellation with the same UID, as a `custom` payload."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.my_plantoes import ActionConfirmCancellation
from tests.support.booking import book_through_chat
from tests.support.cancellations import ask_to_cancel, yes_after
from tests.support.people import customer
from tests.support.plantoes import FAR, stored_plantao
from tests.support.trackers import DOMAIN

pytestmark = pytest.mark.both_backends


def calendar_payloads(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    return [m["custom"] for m in dispatcher.messages if m.get("custom")]


def field(content: str, name: str) -> str:
    """A property's value (parameters included, after the name) in the unfolded file: of the
    event, or of the calendar and its zone for what the event does not have."""
    unfolded = content.replace("\r\n ", "")
    head, event = unfolded.split("BEGIN:VEVENT\r\n")
    found = [
        line
        for lines in (event.split("\r\n"), head.split("\r\n"))
        for line in lines
        if line.split(":")[0].split(";")[0] == name
    ][:1]
    assert len(found) == 1, (name, found)
    return found[0][len(name) :]


async def test_booking_attaches_the_invitation(dispatcher: CollectingDispatcher) -> None:
    customer()
    await book_through_chat(dispatcher)
    [payload] = calendar_payloads(dispatcher)
    assert (payload["type"], payload["filename"]) == ("calendar", "P-0001.ics")
    content = payload["content"]
    assert content.startswith("BEGIN:VCALENDAR\r\n") and content.endswith("END:VCALENDAR\r\n")
    assert field(content, "METHOD") == ":REQUEST"
    assert field(content, "UID") == ":P-0001@assistente-consultoria"
    assert field(content, "DTSTART") == ";TZID=America/Sao_Paulo:20370606T080000"
    assert field(content, "DTEND") == ";TZID=America/Sao_Paulo:20370606T180000"
    assert field(content, "TZID") == ":America/Sao_Paulo"  # the VTIMEZONE
    # The text came first: the booking is told in words, the file follows.
    assert "Pedido registrado: plantão P-0001" in str(dispatcher.messages[0].get("text"))


async def test_a_repeated_confirmation_sends_no_second_invitation(
    dispatcher: CollectingDispatcher,
) -> None:
    customer()
    await book_through_chat(CollectingDispatcher())
    await book_through_chat(dispatcher, message_id="m-3")
    assert calendar_payloads(dispatcher) == []


async def test_the_customers_cancellation_attaches_the_cancel_file(
    dispatcher: CollectingDispatcher,
) -> None:
    plantao = stored_plantao(customer(), FAR)
    tracker = yes_after(await ask_to_cancel(plantao.ref), plantao.ref)
    await ActionConfirmCancellation().run(dispatcher, tracker, DOMAIN)
    [payload] = calendar_payloads(dispatcher)
    assert payload["filename"] == f"{plantao.ref}.ics"
    content = payload["content"]
    assert field(content, "METHOD") == ":CANCEL"
    assert field(content, "UID") == f":{plantao.ref}@assistente-consultoria"
    assert field(content, "STATUS") == ":CANCELLED"


async def test_a_cancellation_that_did_not_happen_sends_no_file(
    dispatcher: CollectingDispatcher,
) -> None:
    plantao = stored_plantao(customer(), FAR, state="cancelled")
    tracker = yes_after([], plantao.ref)
    await ActionConfirmCancellation().run(dispatcher, tracker, DOMAIN)
    assert calendar_payloads(dispatcher) == []

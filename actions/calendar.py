"""The plantão's calendar file in the chat (SPEC §9): the invitation when booked, the
cancellation when the customer cancels. A `custom` message the REST channel shows as is and the
Telegram bot sends as a document; the staff's cancellations reach the customer from the outbox."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from consultoria import runtime
from consultoria.db import Plantao
from consultoria.ics import Method
from consultoria.presentation import calendar_payload


def send_calendar(
    dispatcher: CollectingDispatcher, ctx: runtime.Context, plantao: Plantao, method: Method
) -> None:
    """Attach the plantão's .ics file (`method` REQUEST or CANCEL) to the reply."""
    payload = calendar_payload(
        plantao,
        method,
        zone=ctx.settings.tariff.calendar.timezone,
        organizer=ctx.settings.calendar_organizer,
        stamp=ctx.now,
    )
    dispatcher.utter_message(json_message=payload)

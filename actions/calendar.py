"""Calendar files in the chat (SPEC §9): a plantão's invitation when booked, its cancellation
when the customer cancels, and a confirmed Técnica appointment's cancellation. A `custom`
message the REST channel shows as is and the Telegram bot sends as a document; the staff's
cancellations and confirmations reach the customer from the outbox."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from consultoria import runtime
from consultoria.db import Appointment, Plantao
from consultoria.ics import Method
from consultoria.presentation import appointment_calendar_payload, calendar_payload


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


def send_appointment_calendar(
    dispatcher: CollectingDispatcher,
    ctx: runtime.Context,
    appointment: Appointment,
    method: Method,
) -> None:
    """Attach the confirmed Técnica appointment's .ics file (`method` REQUEST or CANCEL)."""
    payload = appointment_calendar_payload(
        appointment,
        method,
        zone=ctx.settings.tariff.calendar.timezone,
        organizer=ctx.settings.calendar_organizer,
        stamp=ctx.now,
    )
    dispatcher.utter_message(json_message=payload)

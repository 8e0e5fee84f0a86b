"""A plantão booked through the chat as a customer does it: the summary with the Term is shown,
then answered "aceito" under that very question."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.booking import ActionBookingSummary, ActionConfirmBooking
from tests.support.plantoes import BOOKING_FORM
from tests.support.trackers import DOMAIN, slots_of, turn


async def book_through_chat(
    dispatcher: CollectingDispatcher, message_id: str = "m-2", **slots: Any
) -> None:
    """Show the booking summary for BOOKING_FORM (and `slots`), then accept it; the replies
    to the acceptance land in `dispatcher`."""
    asking = CollectingDispatcher()
    tracker = turn("(11) 91234-5678", slots={**BOOKING_FORM, **slots})
    shown = slots_of(await ActionBookingSummary().run(asking, tracker, DOMAIN))
    answer = turn(
        "aceito",
        "affirm",
        slots={**BOOKING_FORM, **slots, **shown},
        asked_by="action_booking_summary",
        asked=asking.messages,
        message_id=message_id,
    )
    await ActionConfirmBooking().run(dispatcher, answer, DOMAIN)

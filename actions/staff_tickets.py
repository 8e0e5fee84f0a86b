"""Staff record the outcome and the minutes of a Consultoria do Suporte ticket by message (SPEC
§3.2, §5, §6): "ticket 18234567: inconsistência nova", "registra 45 min no ticket 18234567".

Staff are recognised by the roster, keyed on the channel user id, never by what they type: anyone
else who types it hears the standard refusal and nothing changes. The decision is recorded by
services/tickets.py, which prices it with the tariff engine and tells the customer.
"""

from __future__ import annotations

import logging

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import tracker as said
from actions.failures import GuardedAction
from actions.messages import staff as staff_say
from actions.messages import staff_tickets as say
from consultoria import db, runtime
from consultoria.services import people, tickets
from consultoria.services.tickets import Decision, TicketRefused
from consultoria.textparse import (
    TICKET_DIGITS,
    AmbiguousOutcome,
    TicketError,
    parse_ticket_report,
)

logger = logging.getLogger(__name__)


def _decision(
    dispatcher: CollectingDispatcher, text: str, message_id: str | None
) -> Decision | None:
    """The ticket, outcome and minutes the message gives; None (and why, said) when it names
    no single valid ticket or contradicts itself."""
    try:
        report = parse_ticket_report(text)
    except TicketError:
        dispatcher.utter_message(text=say.ticket_invalid(TICKET_DIGITS))
        return None
    except AmbiguousOutcome:
        dispatcher.utter_message(text=say.AMBIGUOUS)
        return None
    if report.ticket is None:
        dispatcher.utter_message(text=say.WHICH_TICKET)
        return None
    return Decision(report.ticket, report.outcome, report.minutes, message_id)


class ActionStaffTicketOutcome(GuardedAction):
    """A roster member's decision on a ticket: recorded, and told back with the amount."""

    action_name = "action_staff_ticket_outcome"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        ctx, who = runtime.context(), said.caller(tracker)
        with db.unit_of_work(ctx.sessions) as session:
            staff = people.staff_actor(session, who.channel, who.user_id, who.name)
        if staff is None:
            logger.info("staff action refused: not in the roster action=%s", self.name())
            dispatcher.utter_message(text=staff_say.REFUSAL, buttons=[staff_say.MY_PLANTOES_BUTTON])
            return []
        decision = _decision(dispatcher, said.text(tracker), who.message_id)
        if decision is None:
            return []
        logger.info("staff action=%s person=%s", self.name(), staff.person_id)
        try:
            with db.unit_of_work(ctx.sessions) as session:
                done = tickets.record(session, staff, decision, ctx.settings.tariff)
                text = say.recorded(done.row, done.acceptance, done.customer, created=done.created)
        except TicketRefused as exc:
            dispatcher.utter_message(text=say.refusal(exc, TICKET_DIGITS))
            return []
        dispatcher.utter_message(text=text)
        return []

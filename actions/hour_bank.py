"""The customer's own hour bank (SPEC §3.2): the balance and the latest movements, read from the
sender's records only."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import tracker as said
from actions.failures import GuardedAction
from actions.identity import find_person
from actions.messages import hour_bank as say
from consultoria import db, runtime
from consultoria.presentation import hour_bank_movement
from consultoria.services import hour_bank


class ActionHourBankBalance(GuardedAction):
    action_name = "action_hour_bank_balance"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        ctx = runtime.context()
        zone = ctx.settings.tariff.calendar.timezone
        with db.unit_of_work(ctx.sessions) as session:
            person = find_person(session, said.caller(tracker))
            left = None if person is None else hour_bank.balance(session, person.id)
            if person is None or left is None:
                dispatcher.utter_message(text=say.NO_BANK)
                return []
            moves = [
                hour_bank_movement(entry, zone) for entry in hour_bank.movements(session, person.id)
            ]
        dispatcher.utter_message(text=say.balance(left, moves))
        return []

"""The customer's own hour bank (SPEC §3.2): the balance and the latest movements, read from the
sender's records only."""

from __future__ import annotations

import re

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
from consultoria.textparse import normalize

# What a question about the hour bank names: hours or minutes, the bank, the package bought, or
# the service. "qual o saldo do meu cartão?" names none of them and is not answered as one.
_HOUR_BANK_WORDS = re.compile(
    r"\b(?:banco\s+de\s+horas|horas?|hrs?|minutos?|mins?|pacote|consultori\w*|telefonic\w*)\b"
)


class ActionHourBankBalance(GuardedAction):
    action_name = "action_hour_bank_balance"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        if not _HOUR_BANK_WORDS.search(normalize(said.text(tracker))):
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
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

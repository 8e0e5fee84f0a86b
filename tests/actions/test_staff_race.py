"""A customer's confirmed cancellation racing a staff's confirmed end, through the real actions
on PostgreSQL with real concurrent sessions: exactly one closing is recorded, and each side is
told what happened."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.my_plantoes import ActionConfirmCancellation
from actions.staff_ops import ActionStaffConfirmEnd, ActionStaffEndPlantao
from tests.support.cancellations import ask_to_cancel, yes_after
from tests.support.people import customer, enroll, from_telegram
from tests.support.plantoes import FAR, events_of, state_of, stored_plantao
from tests.support.races import race
from tests.support.staff import staff_asks, yes_button
from tests.support.trackers import DOMAIN, press, texts

ROUNDS = 5


def _say(action: Action, tracker: Tracker) -> Callable[[], str]:
    def say() -> str:
        dispatcher = CollectingDispatcher()
        asyncio.run(action.run(dispatcher, tracker, DOMAIN))
        return texts(dispatcher)

    return say


@pytest.mark.parametrize(
    "database", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_a_customer_cancel_racing_a_staff_scheduled_end_always_cancels() -> None:
    """A plantão not started yet: staff ending it "às 10h" schedule its end, which changes no
    state, so the customer's cancellation applies whichever "Sim" comes first."""
    enroll()
    person = customer()
    for round_ in range(ROUNDS):
        plantao = stored_plantao(person, FAR + timedelta(days=7 * round_), state="confirmed")
        cancel = yes_after(asyncio.run(ask_to_cancel(plantao.ref)), plantao.ref)
        # Both were shown their amount; their "Sim" buttons race.
        _, asked = asyncio.run(
            staff_asks(
                ActionStaffEndPlantao(), f"encerrar o plantão {plantao.ref} às 10h", "end_plantao"
            )
        )
        end = press(
            yes_button(asked), asked_by="action_staff_end_plantao", asked=asked, **from_telegram()
        )
        customer_said, staff_said = race(
            _say(ActionConfirmCancellation(), cancel), _say(ActionStaffConfirmEnd(), end)
        )
        assert state_of(plantao.id) == "cancelled"
        assert f"Plantão {plantao.ref} cancelado" in customer_said
        later = [e.to_state for e in events_of(plantao.id)][2:]
        if later == ["cancelled"]:  # the cancellation came first
            assert staff_said == f"O plantão {plantao.ref} já está cancelado. Nada foi alterado."
        else:
            assert later == ["confirmed", "cancelled"]
            assert f"Encerramento do plantão {plantao.ref} agendado para" in staff_said

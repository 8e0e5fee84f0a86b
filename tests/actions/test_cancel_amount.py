"""The amount confirmed is the amount charged (SPEC §4): "Sim" to a cancellation preview
cancels at the amount shown, and when the free deadline passed in between, the new amount is
shown and nothing is cancelled until it is confirmed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.my_plantoes import ActionConfirmCancellation
from actions.pending import QUESTION
from tests.support.cancellations import ask_to_cancel, yes_after
from tests.support.clock import WEDNESDAY_MORNING, PinClock
from tests.support.people import customer
from tests.support.plantoes import reload, stored_plantao
from tests.support.trackers import DOMAIN, slots_of, texts

pytestmark = pytest.mark.both_backends

# Thursday 10:05: free to cancel until Wednesday 10:05, five minutes after the pinned clock.
START = WEDNESDAY_MORNING + timedelta(days=1, minutes=5)


async def preview(ref: str) -> dict[str, Any]:
    """The question "Confirma o cancelamento?" as the customer received it."""
    return (await ask_to_cancel(ref))[-1]


async def say_yes(tracker: Tracker) -> tuple[str, dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = await ActionConfirmCancellation().run(dispatcher, tracker, DOMAIN)
    return texts(dispatcher), slots_of(events)


async def test_a_cancellation_confirmed_in_time_is_free() -> None:
    plantao = stored_plantao(customer(), START)
    question = await preview(plantao.ref)
    shown = question[QUESTION]
    assert (shown["kind"], shown["plantao_ref"], shown["amount"]) == (
        "confirmar_cancelamento",
        plantao.ref,
        "0.00",
    )
    said, slots = await say_yes(yes_after([question], plantao.ref))
    assert said.startswith(f"Plantão {plantao.ref} cancelado (sem custo).")
    assert slots == {"pendente": None, "plantao_ref": None}
    saved = reload(plantao.id)
    assert (saved.state, saved.amount_due) == ("cancelled", Decimal("0.00"))


async def test_an_amount_that_changed_is_shown_and_asked_again(pin_clock: PinClock) -> None:
    plantao = stored_plantao(customer(), START)
    free = await preview(plantao.ref)
    pin_clock(WEDNESDAY_MORNING + timedelta(minutes=10))  # the free deadline passed
    said, slots = await say_yes(yes_after([free], plantao.ref))
    assert said.startswith(f"Não cancelei o plantão {plantao.ref}: o valor do cancelamento")
    assert "Plantão 24x7: R$ 480,00 mais impostos." in said
    assert slots == {"pendente": None, "plantao_ref": None}
    assert (reload(plantao.id).state, reload(plantao.id).amount_due) == ("requested", None)
    # The button asks again, now at the new amount; "Sim" then charges exactly that.
    again = await preview(plantao.ref)
    assert again[QUESTION]["amount"] == "480.00"
    said, _ = await say_yes(yes_after([again], plantao.ref))
    assert said.startswith(f"Plantão {plantao.ref} cancelado (valor devido R$ 480,00).")
    assert reload(plantao.id).amount_due == Decimal("480.00")


async def test_a_yes_cancels_the_plantao_its_question_showed_whatever_the_slot_holds() -> None:
    plantao = stored_plantao(customer(), START)
    other = stored_plantao(customer(), START + timedelta(days=1))
    said, _ = await say_yes(yes_after([await preview(other.ref)], plantao.ref))
    assert said.startswith(f"Plantão {other.ref} cancelado (sem custo).")
    assert (reload(plantao.id).state, reload(other.id).state) == ("requested", "cancelled")

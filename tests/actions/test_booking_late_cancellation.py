"""A booking inside the free-cancellation notice never promises a free cancellation until a
moment already past (SPEC §4); one made earlier states until when it is free."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.booking import ActionBookingSummary
from consultoria import runtime
from tests.support.people import customer
from tests.support.plantoes import BOOKING_FORM
from tests.support.trackers import DOMAIN, texts, turn


async def _summary_for_a_plantao_starting_in(hours_ahead: float) -> str:
    start = (runtime.now() + timedelta(hours=hours_ahead)).replace(second=0, microsecond=0)
    slots = {
        **BOOKING_FORM,
        "reserva_data": start.date().isoformat(),
        "reserva_inicio": start.isoformat(),
        "reserva_fim": (start + timedelta(hours=4)).isoformat(),
    }
    dispatcher = CollectingDispatcher()
    await ActionBookingSummary().run(dispatcher, turn("ok", slots=slots), DOMAIN)
    return texts(dispatcher)


@pytest.mark.parametrize("hours_ahead", [1, 5, 23.5])
async def test_a_booking_inside_the_notice_promises_no_free_cancellation(
    hours_ahead: float,
) -> None:
    customer()
    said = await _summary_for_a_plantao_starting_in(hours_ahead)
    assert "sem custo até" not in said
    assert "faltam menos de 24 h para o início" in said
    assert "já cobra o mínimo do primeiro dia" in said


async def test_a_booking_ahead_of_the_notice_states_until_when_it_is_free() -> None:
    customer()
    said = await _summary_for_a_plantao_starting_in(72)
    assert "Cancelamento: sem custo até" in said
    assert "faltam menos de" not in said

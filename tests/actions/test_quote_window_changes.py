"""A follow-up quote that moves the plantão window forgets the early end given for the old one,
and keeps it when the window stays or the message restates it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.quotes import ActionQuote, ValidateQuoteForm
from tests.support.plantoes import next_saturday, quoted_plantao
from tests.support.trackers import DOMAIN, slots_of, turn


def _quoted_with_early_end(day: str) -> dict[str, Any]:
    return {
        **quoted_plantao(day),
        "encerramento": "10h",
        "plantao_encerramento": f"{day}T10:00:00-03:00",
    }


async def _follow_up(text: str, entities: list[dict[str, Any]]) -> dict[str, Any]:
    known = _quoted_with_early_end(next_saturday())
    tracker = turn(
        text,
        slots=known,
        entities=entities,
        # Rasa offers the form's own slots again, and the end time only when the message has it.
        events=[
            {"event": "slot", "name": name, "value": value}
            for name, value in (("modalidade", "plantao"), ("janela", known["janela"]))
        ]
        + [
            {"event": "slot", "name": "encerramento", "value": found["value"]}
            for found in entities
            if found["entity"] == "encerramento"
        ],
        active_loop="quote_form",
    )
    events = await ValidateQuoteForm().run(CollectingDispatcher(), tracker, DOMAIN)
    return {**known, **slots_of(events)}


@pytest.mark.parametrize(
    ("text", "entities"),
    [
        ("e se for na segunda?", [{"entity": "data", "value": "segunda"}]),
        ("e no domingo?", [{"entity": "data", "value": "domingo"}]),
        ("e se for das 20h às 23h?", [{"entity": "horario", "value": "das 20h às 23h"}]),
    ],
)
async def test_a_moved_window_forgets_the_old_early_end(
    text: str, entities: list[dict[str, Any]]
) -> None:
    slots = await _follow_up(text, entities)
    assert slots["plantao_inicio"] != _quoted_with_early_end(next_saturday())["plantao_inicio"]
    assert slots["plantao_encerramento"] is None
    assert slots["encerramento"] is None
    dispatcher = CollectingDispatcher()
    await ActionQuote().run(dispatcher, turn(slots=slots), {})
    quote = dispatcher.messages[0]["text"]
    assert "R$ 0,00" not in quote
    assert "encerrado" not in quote.lower()


async def test_a_window_restated_with_its_end_keeps_the_new_end() -> None:
    slots = await _follow_up(
        "e se for no domingo encerrando às 11h?",
        [{"entity": "data", "value": "domingo"}, {"entity": "encerramento", "value": "11h"}],
    )
    ended = datetime.fromisoformat(slots["plantao_encerramento"])
    assert ended.strftime("%A %H:%M") == "Sunday 11:00"


async def test_a_follow_up_that_keeps_the_window_keeps_the_early_end() -> None:
    slots = await _follow_up(
        "e se forem 2 especialistas?", [{"entity": "especialistas", "value": "2"}]
    )
    assert (
        slots["plantao_encerramento"]
        == _quoted_with_early_end(next_saturday())["plantao_encerramento"]
    )


@pytest.mark.parametrize(
    "text", ["ops, é domingo, não sábado", "não é sábado, é domingo", "errei, domingo e nao sabado"]
)
async def test_a_corrected_day_is_the_one_next_to_the_quoted_saturday(text: str) -> None:
    saturday = next_saturday()
    slots = await _follow_up(text, [{"entity": "data", "value": "sábado"}])
    sunday = datetime.fromisoformat(f"{saturday}T08:00:00-03:00") + timedelta(days=1)
    assert datetime.fromisoformat(slots["plantao_inicio"]) == sunday

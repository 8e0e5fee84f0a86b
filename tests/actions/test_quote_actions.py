"""Quote form validation and quote actions against real rasa_sdk objects and the real engine."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.quotes import ActionPriceInfo, ActionQuote, ValidateQuoteForm
from consultoria import runtime
from tests.support.clock import PinClock
from tests.support.plantoes import next_saturday, quoted_plantao
from tests.support.trackers import DOMAIN, slots_of, turn


async def validate(tracker: Tracker, dispatcher: CollectingDispatcher) -> dict[str, Any]:
    return slots_of(await ValidateQuoteForm().run(dispatcher, tracker, DOMAIN))


def in_quote_form(
    text: str, *, slots: dict[str, Any], offered: dict[str, Any] | None = None, **details: Any
) -> Tracker:
    """`text` sent while the quote form runs, with Rasa's slot candidates appended after the
    message as its form does: `offered`, or every slot in `slots` when not given."""
    candidates = slots if offered is None else offered
    events = [{"event": "slot", "name": name, "value": value} for name, value in candidates.items()]
    return turn(text, slots=slots, events=events, active_loop="quote_form", **details)


async def test_duration_is_parsed_into_minutes(dispatcher: CollectingDispatcher) -> None:
    slots = {"modalidade": "consultoria_telefonica", "duracao": "uma hora e meia"}
    result = await validate(
        in_quote_form("uma hora e meia", slots=slots),
        dispatcher,
    )
    assert result["duracao_minutos"] == 90.0
    assert result["requested_slot"] is None


async def test_unreadable_duration_is_asked_again_with_an_example(
    dispatcher: CollectingDispatcher,
) -> None:
    slots = {"modalidade": "consultoria_tecnica", "duracao": "um tempão"}
    result = await validate(
        in_quote_form(
            "um tempão",
            slots={**slots, "requested_slot": "duracao"},
            offered=slots,
        ),
        dispatcher,
    )
    assert result["duracao"] is None
    assert result["requested_slot"] == "duracao"
    assert "45 minutos" in dispatcher.messages[0]["text"]


async def test_an_article_tagged_as_a_duration_is_not_one_minute(
    dispatcher: CollectingDispatcher,
) -> None:
    slots = {"modalidade": "consultoria_telefonica", "duracao": "uma"}
    result = await validate(
        in_quote_form("quero calcular uma consultoria telefonica", slots=slots),
        dispatcher,
    )
    assert result["duracao"] is None
    assert result["requested_slot"] == "duracao"
    assert dispatcher.messages == []


async def test_plantao_window_and_end_from_one_message(dispatcher: CollectingDispatcher) -> None:
    text = "quanto custa um plantão no sábado das 8 às 18 se eu encerrar às 10h?"
    slots = {"modalidade": "plantao", "janela": "das 8 às 18", "encerramento": "10h"}
    entities = [
        {"entity": "modalidade", "value": "plantao"},
        {"entity": "data", "value": "sábado"},
        {"entity": "horario", "value": "das 8 às 18"},
        {"entity": "encerramento", "value": "10h"},
    ]
    result = await validate(
        in_quote_form(
            text,
            intent="ask_quote",
            slots=slots,
            entities=entities,
        ),
        dispatcher,
    )
    start = datetime.fromisoformat(result["plantao_inicio"])
    assert start.weekday() == 5 and start.hour == 8
    assert datetime.fromisoformat(result["plantao_fim"]).hour == 18
    assert datetime.fromisoformat(result["plantao_encerramento"]).hour == 10
    assert result["requested_slot"] is None


@pytest.mark.parametrize("count", ["9", "0"])
async def test_specialists_out_of_range_are_refused(
    dispatcher: CollectingDispatcher, count: str
) -> None:
    slots = {
        "modalidade": "consultoria_telefonica",
        "duracao": "45 minutos",
        "duracao_minutos": 45.0,
        "especialistas": count,
    }
    result = await validate(
        in_quote_form(
            f"{count} especialistas",
            slots=slots,
            offered={"especialistas": count},
        ),
        dispatcher,
    )
    assert result["especialistas"] is None
    assert "de 1 a 5" in dispatcher.messages[0]["text"]


async def test_a_new_question_forgets_details_it_does_not_repeat(
    dispatcher: CollectingDispatcher,
) -> None:
    old = {
        "modalidade": "consultoria_tecnica",
        "duracao": "45 minutos",
        "duracao_minutos": 45.0,
        "especialistas": 2.0,
    }
    entities = [{"entity": "modalidade", "value": "consultoria_tecnica"}]
    events = await ValidateQuoteForm().run(
        dispatcher,
        # Rasa's form hands prefilled slots over as candidates too: they must still be forgotten.
        in_quote_form(
            "quanto custa consultoria técnica",
            intent="ask_quote",
            slots=old,
            entities=entities,
        ),
        DOMAIN,
    )
    assert SlotSet("duracao_minutos", None) in events
    assert SlotSet("especialistas", None) in events
    assert slots_of(events)["requested_slot"] == "duracao"


async def test_a_follow_up_keeps_the_earlier_details(dispatcher: CollectingDispatcher) -> None:
    old = {
        "modalidade": "consultoria_telefonica",
        "duracao": "45 minutos",
        "duracao_minutos": 45.0,
        "especialistas": "2",
    }
    entities = [{"entity": "especialistas", "value": "2"}]
    events = await ValidateQuoteForm().run(
        dispatcher,
        in_quote_form(
            "e se forem 2 especialistas?",
            slots=old,
            entities=entities,
            offered={"especialistas": "2"},
        ),
        DOMAIN,
    )
    slots = slots_of(events)
    assert slots["especialistas"] == 2.0
    assert "duracao_minutos" not in slots
    assert slots["requested_slot"] is None


async def test_quote_of_a_plantao_with_early_end(dispatcher: CollectingDispatcher) -> None:
    day = next_saturday()
    slots = {
        "modalidade": "plantao",
        "plantao_inicio": f"{day}T08:00:00-03:00",
        "plantao_fim": f"{day}T18:00:00-03:00",
        "plantao_encerramento": f"{day}T10:00:00-03:00",
    }
    await ActionQuote().run(dispatcher, turn(slots=slots), {})
    text = dispatcher.messages[0]["text"]
    assert text.startswith("Plantão 24x7: R$ 960,00 mais impostos.")
    assert "mínimo do dia 240 min (4h) → cobrados 240 min (4h)" in text


async def test_quote_of_telefonica_for_two_specialists(dispatcher: CollectingDispatcher) -> None:
    slots = {"modalidade": "consultoria_telefonica", "duracao_minutos": 45.0, "especialistas": 2.0}
    await ActionQuote().run(dispatcher, turn(slots=slots), {})
    assert dispatcher.messages[0]["text"].startswith(
        "Consultoria Telefônica: R$ 360,00 mais impostos."
    )


async def test_quote_with_the_rate_as_in_the_term_gives_minutes(
    dispatcher: CollectingDispatcher,
) -> None:
    slots = {
        "modalidade": "consultoria_suporte",
        "duracao_minutos": 5.0,
        "inconsistencia": "published",
    }
    await ActionQuote().run(dispatcher, turn(slots=slots), {})
    assert dispatcher.messages[0]["text"].startswith(
        "Consultoria do Suporte: 10 min a cobrar, pela tarifa do Termo."
    )


async def test_waived_suporte(dispatcher: CollectingDispatcher) -> None:
    slots = {"modalidade": "consultoria_suporte", "duracao_minutos": 50.0, "inconsistencia": "new"}
    await ActionQuote().run(dispatcher, turn(slots=slots), {})
    assert dispatcher.messages[0]["text"].startswith("Consultoria do Suporte: abonada, R$ 0,00.")


def _morning_of_next_monday() -> dict[str, Any]:
    today = runtime.now().date()
    monday = today + timedelta(days=(0 - today.weekday()) % 7 or 7)
    return {
        "modalidade": "plantao",
        "plantao_inicio": f"{monday}T09:00:00-03:00",
        "plantao_fim": f"{monday}T11:00:00-03:00",
    }


async def test_plantao_inside_business_hours_is_quoted_with_a_note(
    dispatcher: CollectingDispatcher,
) -> None:
    # The clock is pinned on a Wednesday: the next Monday is a business day.
    await ActionQuote().run(dispatcher, turn(slots=_morning_of_next_monday()), {})
    quoted = dispatcher.messages[0]["text"]
    assert "R$ 480,00" in quoted and "feriado" not in quoted
    assert "Consultoria Telefônica diretamente" in dispatcher.messages[1]["text"]


async def test_plantao_on_a_holiday_morning_is_quoted_without_the_note(
    dispatcher: CollectingDispatcher, pin_clock: PinClock
) -> None:
    # The Wednesday before Monday 15/11/2027, Proclamação da República.
    pin_clock(datetime.fromisoformat("2027-11-10T10:00:00-03:00"))
    await ActionQuote().run(dispatcher, turn(slots=_morning_of_next_monday()), {})
    [quoted] = [message["text"] for message in dispatcher.messages]
    assert "R$ 480,00" in quoted
    assert "15/11/2027 (segunda, feriado: Proclamação da República)" in quoted


async def test_price_info_for_a_named_modality(dispatcher: CollectingDispatcher) -> None:
    entities = [{"entity": "modalidade", "value": "plantao"}]
    await ActionPriceInfo().run(
        dispatcher, turn("quanto custa o plantão?", intent="ask_price", entities=entities), {}
    )
    text = dispatcher.messages[0]["text"]
    assert "Plantão 24x7: R$ 4,00/min (R$ 240,00/h)" in text
    assert "Consultoria Telefônica" not in text


async def test_non_priced_modalities_point_to_the_right_channel(
    dispatcher: CollectingDispatcher,
) -> None:
    for modality in ("in_loco", "suporte_padrao"):
        events = await ActionQuote().run(dispatcher, turn(slots={"modalidade": modality}), {})
        assert events == [SlotSet("recomendacao", modality)]
    assert dispatcher.messages == []


async def _follow_up(
    dispatcher: CollectingDispatcher, text: str, entities: list[dict[str, Any]], **said: Any
) -> dict[str, Any]:
    """A follow-up after a quoted plantão: the form comes back and revalidates every slot."""
    known = quoted_plantao(next_saturday())
    tracker = in_quote_form(
        text,
        slots={**known, **said},
        entities=entities,
        # Rasa offers the form's own slots again, not the ones validate_janela computes.
        offered={"modalidade": "plantao", "janela": known["janela"], **said},
    )
    return slots_of(await ValidateQuoteForm().run(dispatcher, tracker, DOMAIN))


async def test_a_follow_up_that_leaves_the_window_alone_keeps_its_day(
    dispatcher: CollectingDispatcher,
) -> None:
    # The slot's own text ("das 8 às 18") has no day: read alone it would mean today.
    slots = await _follow_up(
        dispatcher,
        "e se forem 2 especialistas?",
        [{"entity": "especialistas", "value": "2"}],
        especialistas="2",
    )
    start = quoted_plantao(next_saturday())["plantao_inicio"]
    assert slots.get("plantao_inicio", start) == start
    assert slots["especialistas"] == 2.0
    assert slots["requested_slot"] is None


async def test_a_follow_up_with_a_day_keeps_the_hours(dispatcher: CollectingDispatcher) -> None:
    slots = await _follow_up(
        dispatcher, "e se for no domingo?", [{"entity": "data", "value": "domingo"}]
    )
    start, end = (datetime.fromisoformat(slots[s]) for s in ("plantao_inicio", "plantao_fim"))
    assert start.strftime("%A %H:%M") == "Sunday 08:00"
    assert end - start == timedelta(hours=10)


async def test_a_follow_up_with_hours_keeps_the_day(dispatcher: CollectingDispatcher) -> None:
    slots = await _follow_up(
        dispatcher, "e se for das 20h às 2h?", [{"entity": "horario", "value": "das 20h às 2h"}]
    )
    assert slots["plantao_inicio"].startswith(f"{next_saturday()}T20:00")
    assert datetime.fromisoformat(slots["plantao_fim"]) - datetime.fromisoformat(
        slots["plantao_inicio"]
    ) == timedelta(hours=6)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("quero agendar esse plantão", "book_plantao"),
        ("cancelar o plantão P-0001", "cancel_plantao"),
    ],
)
async def test_booking_or_cancelling_leaves_the_quote_for_its_own_rule(
    dispatcher: CollectingDispatcher, text: str, intent: str
) -> None:
    tracker = in_quote_form(
        text,
        intent=intent,
        entities=[{"entity": "modalidade", "value": "plantao"}],
        slots={"modalidade": "plantao", "requested_slot": "janela"},
        offered={"modalidade": "plantao"},
    )
    events = await ValidateQuoteForm().run(dispatcher, tracker, DOMAIN)
    assert [e["event"] for e in events] == ["action_execution_rejected"]
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90 minutos de consultoria telefonica com 3 especialistas, quanto da?", 3.0),
        ("45 min de telefonica, dois analistas", 2.0),
    ],
)
async def test_a_head_count_the_extractor_missed_is_read_from_the_message(
    dispatcher: CollectingDispatcher, text: str, expected: float
) -> None:
    slots = {"modalidade": "consultoria_telefonica", "duracao": "90 minutos"}
    result = await validate(in_quote_form(text, slots=slots), dispatcher)
    assert result["especialistas"] == expected


@pytest.mark.parametrize(
    "text",
    [
        "quanto custa um plantão no dia 12/10/2027 das 8 às 12, encerrando às 9?",
        "plantao domingo das 8 ao meio dia, quanto?",
    ],
)
async def test_a_number_from_a_date_or_an_hour_is_no_head_count(
    dispatcher: CollectingDispatcher, text: str
) -> None:
    slots = {"modalidade": "plantao", "janela": text, "especialistas": "12"}
    result = await validate(in_quote_form(text, slots=slots), dispatcher)
    assert result.get("especialistas") is None
    assert not any("de 1 a 5" in str(m.get("text")) for m in dispatcher.messages)


async def test_an_early_end_the_extractor_missed_is_read_from_the_message(
    dispatcher: CollectingDispatcher,
) -> None:
    saturday = {
        "modalidade": "plantao",
        "janela": "sábado das 8 às 18",
        "plantao_inicio": "2026-12-05T08:00:00-03:00",
        "plantao_fim": "2026-12-05T18:00:00-03:00",
    }
    tracker = in_quote_form("e se eu encerrar às 10?", slots=saturday, offered={})
    result = await validate(tracker, dispatcher)
    assert result["plantao_encerramento"] == "2026-12-05T10:00:00-03:00"


@pytest.mark.parametrize(
    ("message", "outcome"),
    [
        ("quanto custa 40 minutos de consultoria do suporte se achar inconsistencia nova?", "new"),
        ("e se a inconsistência não estava publicada ainda?", "new"),
        ("30 min de consultoria do suporte sem inconsistência", "none"),
        ("quanto fica se não tiver inconsistencia nenhuma", "none"),
        ("40 min, e a inconsistência já era publicada no portal", "published"),
    ],
)
async def test_the_outcome_said_in_words_fills_what_the_extractor_missed(
    dispatcher: CollectingDispatcher, message: str, outcome: str
) -> None:
    slots = {"modalidade": "consultoria_suporte", "duracao": "40 minutos"}
    result = await validate(in_quote_form(message, slots=slots, intent="ask_quote"), dispatcher)
    assert result["inconsistencia"] == outcome


async def test_a_message_without_an_outcome_leaves_the_question_open(
    dispatcher: CollectingDispatcher,
) -> None:
    slots = {"modalidade": "consultoria_suporte", "duracao": "40 minutos"}
    tracker = in_quote_form("quanto custa 40 min de consultoria do suporte?", slots=slots)
    result = await validate(tracker, dispatcher)
    assert result.get("inconsistencia") is None
    assert result["requested_slot"] == "inconsistencia"

"""Session start, handoff, fallback and triage actions against real rasa_sdk objects."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.conversation import ActionAskAffirmation, ActionHandoff, ActionSessionStart
from actions.triage import ActionRecommendModality, ValidateTriageForm, recommendation
from consultoria import db, runtime
from consultoria.db import UnansweredMessage
from tests.support.trackers import DOMAIN, SENDER, turn

TRIAGE_SLOTS = DOMAIN["forms"]["triage_form"]["required_slots"]


async def test_session_start_fills_template_figures_from_the_price_table(
    dispatcher: CollectingDispatcher,
) -> None:
    events = await ActionSessionStart().run(dispatcher, turn(), {})
    assert events[0]["event"] == "session_started"
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["cfg_preco_minuto"] == "R$ 4,00"
    assert slots["cfg_preco_hora"] == "R$ 240,00"
    assert slots["cfg_minimo"] == "10 minutos"
    assert slots["cfg_minimo_seg_qui"] == "2 horas"
    assert slots["cfg_minimo_sex_dom"] == "4 horas"
    assert slots["cfg_aviso_cancelamento"] == "24 horas"
    assert slots["cfg_horario_comercial"].startswith("de segunda a sexta, das 08:00 às 18:00")
    assert "Termo" in slots["cfg_tarifa_suporte"]


async def test_handoff_lists_the_configured_contacts(dispatcher: CollectingDispatcher) -> None:
    assert await ActionHandoff().run(dispatcher, turn("falar com um atendente"), {}) == []
    text = dispatcher.messages[0]["text"]
    assert "Jackie Cristine Hansen" in text and "(47) 2101-7244" in text
    assert "Portal TOTVS" in text


async def test_fallback_offers_likely_topics_as_buttons(dispatcher: CollectingDispatcher) -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "faq", "confidence": 0.3},
        {"name": "ask_price", "confidence": 0.2},
    ]
    selector = {"faq": {"ranking": [{"intent_response_key": "faq/banco_horas", "confidence": 0.9}]}}
    tracker = turn("hmm banco", ranking=ranking, latest={"response_selector": selector})
    await ActionAskAffirmation().run(dispatcher, tracker, {})
    buttons = dispatcher.messages[0]["buttons"]
    assert [b["title"] for b in buttons] == [
        "Como funciona o banco de horas?",
        "Preços por minuto e por hora",
        "Outra coisa",
    ]
    assert buttons[1]["payload"] == "/ask_price"


UNSURE = [
    {"name": "nlu_fallback", "confidence": 0.55},
    {"name": "faq", "confidence": 0.31},
    {"name": "ask_price", "confidence": 0.2},
    {"name": "greet", "confidence": 0.1},
    {"name": "affirm", "confidence": 0.05},
]


@pytest.mark.both_backends
async def test_a_message_not_understood_is_kept_masked_for_review(
    dispatcher: CollectingDispatcher,
) -> None:
    said = "meu cel é (47) 99999-1234, quem ganhou a copa de 2002?"
    await ActionAskAffirmation().run(dispatcher, turn(said, "nlu_fallback", ranking=UNSURE), {})
    with runtime.sessions()() as session:
        [kept] = session.scalars(select(UnansweredMessage)).all()
    assert kept.text == "meu cel é [telefone], quem ganhou a copa de 2002?"
    assert (kept.conversation_id, kept.channel) == (SENDER, "rest")
    assert kept.ranking == {"faq": 0.31, "ask_price": 0.2, "greet": 0.1}
    assert abs(kept.created_at - runtime.now()) < timedelta(minutes=1)  # the pinned clock


async def test_the_fallback_answers_even_when_nothing_can_be_kept(
    dispatcher: CollectingDispatcher, caplog: pytest.LogCaptureFixture
) -> None:
    with db.unit_of_work(runtime.sessions()) as session:
        session.connection().exec_driver_sql("DROP TABLE unanswered_messages")
    await ActionAskAffirmation().run(dispatcher, turn("meu cpf 123.456.789-09", ranking=UNSURE), {})
    assert dispatcher.messages[0]["buttons"][-1]["title"] == "Outra coisa"
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "not kept for review" in logged and "123.456" not in logged


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        ({"triage_quando": "fora"}, "plantao"),
        ({"triage_quando": "presencial"}, "in_loco"),
        ({"triage_quando": "comercial", "triage_suporte": "nao_simulado"}, "consultoria_suporte"),
        (
            {"triage_quando": "comercial", "triage_suporte": "nao", "triage_objetivo": "duvida"},
            "suporte_padrao",
        ),
        (
            {"triage_quando": "comercial", "triage_suporte": "nao", "triage_objetivo": "analise"},
            "consultoria_tecnica",
        ),
        (
            {
                "triage_quando": "comercial",
                "triage_suporte": "nao",
                "triage_objetivo": "especialista",
            },
            "consultoria_telefonica",
        ),
        ({"triage_quando": "comercial", "triage_suporte": "nao"}, None),
        ({}, None),
    ],
)
def test_triage_decision(slots: dict[str, str], expected: str | None) -> None:
    assert recommendation(slots) == expected


@pytest.mark.parametrize(
    ("slots", "asked"),
    [
        ({}, "triage_quando"),
        ({"triage_quando": "comercial"}, "triage_suporte"),
        ({"triage_quando": "comercial", "triage_suporte": "nao"}, "triage_objetivo"),
        ({"triage_quando": "fora"}, None),
        ({"triage_quando": "comercial", "triage_suporte": "nao_simulado"}, None),
    ],
)
async def test_triage_asks_one_question_at_a_time(
    dispatcher: CollectingDispatcher,
    slots: dict[str, str],
    asked: str | None,
) -> None:
    events = await ValidateTriageForm().run(
        dispatcher, turn(slots=slots, active_loop="triage_form"), DOMAIN
    )
    requested = [e["value"] for e in events if e.get("name") == "requested_slot"]
    # With every domain slot still required, Rasa's form asks for the first empty one itself.
    first_empty = next((s for s in TRIAGE_SLOTS if s not in slots), None)
    assert (requested or [first_empty]) == [asked]


async def test_recommendation_picks_the_modality_and_clears_the_answers(
    dispatcher: CollectingDispatcher,
) -> None:
    slots = {"triage_quando": "comercial", "triage_suporte": "nao_simulado"}
    events = await ActionRecommendModality().run(dispatcher, turn(slots=slots), {})
    assert SlotSet("recomendacao", "consultoria_suporte") in events
    assert SlotSet("triage_quando", None) in events and SlotSet("triage_suporte", None) in events


@pytest.mark.parametrize(
    ("message", "when"),
    [
        ("qual modalidade usar pra uma virada de versao nesse fim de semana?", "fora"),
        ("que atendimento eu uso no feriado de natal?", "fora"),
        ("qual serviço contrato pra uma carga de dados hoje a noite?", "fora"),
        ("qual modalidade usar?", None),
        ("qual atendimento uso pra uma dúvida de cadastro amanhã de manhã?", None),
    ],
)
async def test_the_question_that_starts_triage_may_say_it_is_off_hours(
    dispatcher: CollectingDispatcher, message: str, when: str | None
) -> None:
    tracker = turn(message, intent="ask_modality", active_loop="triage_form")
    events = await ValidateTriageForm().run(dispatcher, tracker, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots.get("triage_quando") == when
    assert slots["requested_slot"] == (None if when else "triage_quando")

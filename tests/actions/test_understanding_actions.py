"""Issue #15 in the actions: the FAQ answered only when the ResponseSelector is sure enough, no
quote opened by a detail that names nothing of one, and the answers that depend on the clock
(the handoff, the Consultoria Telefônica recommendation an urgent stop leads to) against a pinned
clock."""

from __future__ import annotations

from datetime import datetime

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.conversation import ActionAnswerFaq, ActionHandoff
from actions.messages.conversation import NOT_SURE
from actions.quotes import ValidateQuoteForm, inconsistency_outcome
from actions.relevance import FAQ_ANSWER_MIN, FAQ_DOMAIN_ANSWER_MIN
from actions.triage import ActionRecommendModality, ValidateTriageForm
from consultoria import runtime
from consultoria.db import UnansweredMessage
from consultoria.textparse.masking import mask_personal_data
from tests.support.clock import PinClock
from tests.support.trackers import DOMAIN, texts, turn

TELEFONICA_SLOTS = {
    "triage_quando": "comercial",
    "triage_suporte": "nao",
    "triage_objetivo": "especialista",
}


def faq_turn(text: str, key: str, confidence: float) -> object:
    ranking = [
        {"intent_response_key": key, "confidence": confidence},
        {"intent_response_key": "faq/plantao_cancelamento", "confidence": 1 - confidence},
    ]
    selector = {
        "faq": {
            "response": {"intent_response_key": key, "confidence": confidence},
            "ranking": ranking,
        }
    }
    return turn(text, intent="faq", latest={"response_selector": selector})


@pytest.mark.parametrize(
    ("text", "confidence"),
    [
        ("como funciona o banco de horas?", 1.0),
        ("e esse negocio de horas compradas antes?", FAQ_ANSWER_MIN),
        ("banco de horas sai mais barato?", FAQ_DOMAIN_ANSWER_MIN),
        ("vcs vendem pacote de horas da telefonica?", 0.5),
    ],
)
async def test_a_faq_choice_sure_enough_is_answered(
    dispatcher: CollectingDispatcher, text: str, confidence: float
) -> None:
    await ActionAnswerFaq().run(dispatcher, faq_turn(text, "faq/banco_horas", confidence), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_faq/banco_horas"]


@pytest.mark.parametrize("confidence", [0.0, 0.1, FAQ_DOMAIN_ANSWER_MIN - 0.01])
async def test_a_domain_question_the_selector_is_unsure_of_asks_which_was_meant(
    dispatcher: CollectingDispatcher, confidence: float
) -> None:
    tracker = faq_turn("e o banco de horas, vence?", "faq/banco_horas", confidence)
    await ActionAnswerFaq().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    assert message["text"] == NOT_SURE
    assert [b["title"] for b in message["buttons"]] == [
        "Como funciona o banco de horas?",
        "Como funciona o cancelamento do plantão?",
        "Outra coisa",
    ]


@pytest.mark.parametrize(
    ("text", "confidence"),
    [
        ("quem pintou a mona lisa", 0.09),
        ("qual o maior lago do mundo", 0.39),
        ("o banco abre no sabado?", 0.56),
        ("como pago boleto vencido", FAQ_ANSWER_MIN - 0.01),
    ],
)
async def test_a_question_outside_the_domain_taken_for_a_faq_gets_the_out_of_scope_answer(
    dispatcher: CollectingDispatcher, text: str, confidence: float
) -> None:
    await ActionAnswerFaq().run(dispatcher, faq_turn(text, "faq/banco_horas", confidence), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_out_of_scope"]


async def test_a_faq_button_names_its_answer(dispatcher: CollectingDispatcher) -> None:
    # A payload is not parsed by the selector: the key it names is the answer.
    await ActionAnswerFaq().run(dispatcher, turn("/faq/plantao_cancelamento", intent="faq"), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_faq/plantao_cancelamento"]


async def test_business_hours_answers_say_whether_the_team_answers_now(
    dispatcher: CollectingDispatcher, pin_clock: PinClock
) -> None:
    pin_clock(datetime.fromisoformat("2026-12-05T22:00:00-03:00"))  # a Saturday night
    tracker = faq_turn("vcs atendem de madrugada?", "faq/horario_comercial", 0.97)
    await ActionAnswerFaq().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["response"] == "utter_faq/horario_comercial"
    assert dispatcher.messages[1]["text"] == (
        "Agora é fim de semana e a equipe não atende. Ela volta segunda, 07/12, às 08:00."
    )


@pytest.mark.parametrize(
    ("moment", "why", "back"),
    [
        ("2026-12-02T03:00:00-03:00", "Agora é fora do horário comercial", "hoje às 08:00"),
        (
            "2026-12-03T20:15:00-03:00",
            "Agora é fora do horário comercial",
            "amanhã (sexta, 04/12) às 08:00",
        ),
        ("2026-12-25T11:00:00-03:00", "Hoje é feriado (Natal)", "segunda, 28/12, às 08:00"),
        ("2026-12-06T15:00:00-03:00", "Agora é fim de semana", "amanhã (segunda, 07/12) às 08:00"),
    ],
)
async def test_telefonica_recommendation_out_of_hours_says_what_is_possible_now(
    dispatcher: CollectingDispatcher, pin_clock: PinClock, moment: str, why: str, back: str
) -> None:
    # "o faturamento parou, preciso de alguém agora" at night: the urgent need leads to the
    # Consultoria Telefônica, which is closed.
    pin_clock(datetime.fromisoformat(moment))
    events = await ActionRecommendModality().run(dispatcher, turn(slots=TELEFONICA_SLOTS), {})
    assert SlotSet("recomendacao", "consultoria_telefonica") in events
    said = texts(dispatcher)
    assert f"{why} e a equipe não atende. Ela volta {back}." in said
    assert "pedir um plantão" in said and "24 horas" in said and "sem alocação garantida" in said
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == [
        "/book_plantao",
        "/human_handoff",
    ]


async def test_handoff_says_whether_the_team_answers_now(
    dispatcher: CollectingDispatcher, pin_clock: PinClock
) -> None:
    await ActionHandoff().run(dispatcher, turn("falar com um atendente"), {})
    assert texts(dispatcher).endswith("Agora é horário comercial: a equipe atende até as 18:00.")
    night = CollectingDispatcher()
    pin_clock(datetime.fromisoformat("2026-12-04T23:00:00-03:00"))  # a Friday night
    await ActionHandoff().run(night, turn("falar com um atendente"), {})
    assert "Jackie Cristine Hansen" in texts(night)
    assert texts(night).endswith("Ela volta segunda, 07/12, às 08:00.")


async def test_telefonica_recommendation_in_business_hours_adds_nothing(
    dispatcher: CollectingDispatcher,
) -> None:
    await ActionRecommendModality().run(dispatcher, turn(slots=TELEFONICA_SLOTS), {})
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    "text", ["pressao 14 por 9 e alta?", "e o placar?", "tá, e o resto?", "sei la, 42"]
)
async def test_a_detail_outside_a_quote_that_names_nothing_of_one_opens_no_quote(
    dispatcher: CollectingDispatcher, text: str
) -> None:
    events = await ValidateQuoteForm().run(dispatcher, turn(text, "inform"), DOMAIN)
    assert [e["event"] for e in events] == ["action_execution_rejected"]
    assert dispatcher.messages == []


async def test_a_detail_outside_a_quote_that_names_one_still_refines_it(
    dispatcher: CollectingDispatcher,
) -> None:
    said = [{"entity": "especialistas", "value": "2", "start": 12, "end": 13}]
    tracker = turn("e se forem 2 especialistas?", "inform", entities=said)
    events = await ValidateQuoteForm().run(dispatcher, tracker, DOMAIN)
    assert "action_execution_rejected" not in [e["event"] for e in events]


@pytest.mark.parametrize(
    ("text", "confidence", "kept"),
    [
        ("qual o melhor time do brasil? me liga 47 99999-1234", 0.3, True),
        ("e o banco de horas, vence?", 0.1, True),
        ("como funciona o banco de horas?", 1.0, False),
    ],
)
async def test_a_faq_choice_below_its_threshold_is_kept_for_review(
    dispatcher: CollectingDispatcher, text: str, confidence: float, kept: bool
) -> None:
    await ActionAnswerFaq().run(dispatcher, faq_turn(text, "faq/banco_horas", confidence), {})
    with runtime.sessions()() as session:
        texts_kept = session.scalars(select(UnansweredMessage.text)).all()
    assert texts_kept == ([mask_personal_data(text)] if kept else [])


async def test_a_bare_number_taken_for_specialists_opens_no_quote(
    dispatcher: CollectingDispatcher,
) -> None:
    said = [
        {"entity": "especialistas", "value": "14", "start": 8, "end": 10},
        {"entity": "especialistas", "value": "9", "start": 15, "end": 16},
    ]
    tracker = turn("pressao 14 por 9 e alta?", "inform", entities=said)
    events = await ValidateQuoteForm().run(dispatcher, tracker, DOMAIN)
    assert [e["event"] for e in events] == ["action_execution_rejected"]


@pytest.mark.parametrize(
    ("said", "outcome"),
    [
        ("sem inconsistencia", "none"),
        ("Sem inconsistência", "none"),
        ("nao era inconsistencia", "none"),
        ("inconsistencia nova", "new"),
        ("bug novo", "new"),
        ("ja estava publicada", "published"),
        ("problema já documentado", "published"),
        ("new", "new"),
        ("talvez", None),
    ],
)
def test_the_analysis_outcome_is_read_from_what_was_said(said: str, outcome: str | None) -> None:
    assert inconsistency_outcome(said) == outcome


async def test_giving_up_inside_a_form_gets_no_faq_answer(
    dispatcher: CollectingDispatcher,
) -> None:
    """The FAQ rule runs before the form; the form that follows stops and says so."""
    tracker = faq_turn("outra hora eu vejo isso do plantão", "faq/plantao_cancelamento", 0.9)
    tracker.active_loop = {"name": "booking_form"}
    tracker.slots["requested_slot"] = "reserva_motivo"
    assert await ActionAnswerFaq().run(dispatcher, tracker, {}) == []
    assert dispatcher.messages == []


async def test_the_same_words_outside_a_form_get_the_faq_answer(
    dispatcher: CollectingDispatcher,
) -> None:
    tracker = faq_turn("outra hora eu vejo isso do plantão", "faq/plantao_cancelamento", 0.9)
    await ActionAnswerFaq().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_faq/plantao_cancelamento"]


@pytest.mark.parametrize("text", ["esquece, vejo isso depois", "deixa pra lá", "desisto"])
async def test_giving_up_leaves_a_quote_without_quoting(
    dispatcher: CollectingDispatcher, text: str
) -> None:
    slots = {"modalidade": "plantao", "requested_slot": "janela"}
    tracker = turn(text, slots=slots, active_loop="quote_form")
    events = await ValidateQuoteForm().run(dispatcher, tracker, DOMAIN)
    assert events == [SlotSet("modalidade", None), SlotSet("requested_slot", None)]
    assert [m.get("response") for m in dispatcher.messages] == ["utter_stop"]


async def test_giving_up_leaves_triage_without_a_recommendation(
    dispatcher: CollectingDispatcher,
) -> None:
    slots = {"triage_quando": "comercial", "requested_slot": "triage_suporte"}
    tracker = turn("não quero mais, obrigado", slots=slots, active_loop="triage_form")
    events = await ValidateTriageForm().run(dispatcher, tracker, DOMAIN)
    assert events == [SlotSet("requested_slot", None)]
    assert [m.get("response") for m in dispatcher.messages] == ["utter_stop"]
    recommended = await ActionRecommendModality().run(dispatcher, turn(slots=slots), {})
    assert SlotSet("recomendacao", None) in recommended

"""End-to-end: real Rasa model, real action server, real database, through the REST channel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.e2e.rest import Conversation


def test_greeting_offers_the_main_topics(conversation: Conversation) -> None:
    replies = conversation.say("oi, bom dia")
    assert "Consultoria" in replies[0]["text"]
    assert {b["payload"] for b in replies[0]["buttons"]} >= {"/ask_modality", "/ask_price"}


def test_telefonica_quote_in_one_turn_then_a_follow_up(conversation: Conversation) -> None:
    first = conversation.text("quanto fica 45 minutos de consultoria telefônica?")
    assert "R$ 180,00" in first
    assert "45 min" in first
    again = conversation.text("e se forem 2 especialistas?")
    assert "R$ 360,00" in again
    assert "2 especialistas" in again


def test_plantao_quote_with_early_end_shows_the_daily_minimum(conversation: Conversation) -> None:
    text = conversation.text("quanto custa um plantão no sábado das 8 às 18 se eu encerrar às 10h?")
    assert "R$ 960,00" in text
    assert "mínimo do dia 240 min" in text
    assert "cobrados 240 min" in text


def test_quote_asks_only_for_what_is_missing(conversation: Conversation) -> None:
    asked = conversation.text("quero calcular uma consultoria telefonica")
    assert "Quanto tempo" in asked
    answered = conversation.text("1h30")
    assert "R$ 360,00" in answered


def test_stop_leaves_a_flow_cleanly(conversation: Conversation) -> None:
    assert "dia e o horário" in conversation.text("quero calcular o valor de um plantão")
    assert "parei" in conversation.text("cancelar")
    assert "Consultoria" in conversation.text("oi")


def test_first_message_skips_the_triage_questions(conversation: Conversation) -> None:
    text = conversation.text("o suporte não conseguiu simular, só acontece aqui no nosso ambiente")
    assert "Consultoria do Suporte" in text
    assert "abonado" in text


def pick(replies: list[dict[str, Any]], value: str) -> str:
    """The payload of the button, among the last reply's, that carries `value`."""
    return next(b["payload"] for b in replies[-1]["buttons"] if f'"{value}"' in b["payload"])


def test_triage_with_buttons(new_conversation: Callable[[], Conversation]) -> None:
    talk = new_conversation()
    question = talk.say("/ask_modality")
    assert "Quando" in question[0]["text"]
    assert len(question[0]["buttons"]) == 3
    second = talk.say(pick(question, "comercial"))
    assert "Suporte Padrão" in second[-1]["text"]
    third = talk.say(pick(second, "nao"))
    assert "O que você procura" in third[-1]["text"]
    final = talk.text(pick(third, "especialista"))
    assert "Consultoria Telefônica" in final
    assert "R$ 4,00" in final and "R$ 240,00" in final


def test_a_form_button_answers_only_its_own_question(
    new_conversation: Callable[[], Conversation],
) -> None:
    talk = new_conversation()
    when = talk.say("/ask_modality")
    support = talk.say(pick(when, "comercial"))
    # The first question's buttons, pressed again while the second is open: nothing changes,
    # and the open question is asked again with buttons that still answer it.
    again = talk.say(pick(when, "fora"))
    assert "pergunta anterior" in again[0]["text"]
    assert "Suporte Padrão" in again[-1]["text"]
    assert "plantão" not in " ".join(r.get("text") or "" for r in again).lower()
    goal = talk.say(pick(again, "nao_simulado"))
    assert "Consultoria do Suporte" in goal[-1]["text"]
    # After the recommendation, no old button answers anything.
    late = talk.text(pick(support, "nao"))
    assert "pergunta anterior" in late and "Recomendo" not in late


def test_an_old_modality_button_does_not_change_the_quote(conversation: Conversation) -> None:
    asked = conversation.say("quero fazer um orçamento")
    assert "De qual serviço" in asked[-1]["text"]
    window = conversation.say(pick(asked, "plantao"))
    assert "dia e o horário" in window[-1]["text"]
    assert "R$ 2.400,00" in conversation.text("sábado das 8 às 18")
    late = conversation.text(pick(asked, "consultoria_tecnica"))
    assert "pergunta anterior" in late and "R$" not in late
    assert "R$ 4.800,00" in conversation.text("e com 2 especialistas?")


def test_after_hours_need_recommends_a_plantao_with_configured_minimums(
    conversation: Conversation,
) -> None:
    text = conversation.text(
        "vamos virar a release no fim de semana e preciso de alguém de plantão"
    )
    assert "Plantão" in text
    assert "4 horas" in text and "2 horas" in text


def test_price_table(conversation: Conversation) -> None:
    text = conversation.text("quanto custa o minuto de vocês?")
    assert "R$ 4,00/min" in text
    assert "10 min" in text


def test_faq_fills_figures_from_configuration(conversation: Conversation) -> None:
    text = conversation.text("existe um tempo mínimo de cobrança na consultoria telefônica?")
    assert "10 minutos" in text


def test_handoff_gives_the_configured_contacts(conversation: Conversation) -> None:
    text = conversation.text("quero falar com um atendente")
    assert "Jackie Cristine Hansen" in text
    assert "Portal TOTVS" in text


def test_foreign_language_gets_a_portuguese_answer(conversation: Conversation) -> None:
    assert "português" in conversation.text("hello, how much does the phone consulting cost?")


def test_bot_challenge(conversation: Conversation) -> None:
    assert "assistente virtual" in conversation.text("vc é um robô?")

"""Term texts: configured figures, the full text split for chat, and reading it mid-answer."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.terms import (
    CHAT_LIMIT,
    ActionShowTerm,
    ask_acceptance,
    current_term,
    render_term,
    split_for_chat,
)
from consultoria import db, runtime
from consultoria.db import TermVersion, text_sha256
from consultoria.tariff import Modality
from tests.support.trackers import DOMAIN, press, slots_of, texts, turn


def test_every_term_states_the_configured_figures() -> None:
    ctx = runtime.context()
    settings, table, today = ctx.settings, ctx.prices, ctx.now.date()
    plantao = render_term(Modality.PLANTAO, settings, table, today).full_text
    assert "R$ 4,00 por minuto" in plantao
    assert "2 horas de segunda a quinta" in plantao and "4 horas" in plantao
    assert "24 horas de antecedência" in plantao and "até 5 especialistas" in plantao
    tecnica = render_term(Modality.TECNICA, settings, table, today).full_text
    assert "informada pela equipe da Consultoria" in tecnica and "10 minutos" in tecnica
    assert "{" not in plantao + tecnica


def test_long_texts_are_split_between_paragraphs() -> None:
    paragraphs = [f"Cláusula {n}. " + "palavra " * 120 for n in range(1, 20)]
    chunks = split_for_chat("\n\n".join(paragraphs))
    assert all(len(c) <= CHAT_LIMIT for c in chunks) and len(chunks) > 1
    assert all(c.startswith("Cláusula") for c in chunks)
    assert split_for_chat("x" * (CHAT_LIMIT + 10)) == ["x" * CHAT_LIMIT, "x" * 10]


def test_the_same_text_is_one_version_and_a_change_is_the_next() -> None:
    with db.unit_of_work(runtime.sessions()) as session:
        first, text = current_term(session, runtime.context(), Modality.PLANTAO)
        again, _ = current_term(session, runtime.context(), Modality.PLANTAO)
        assert first.id == again.id and first.version == 1
        assert first.sha256 == text_sha256(text.full_text)


def term_asked() -> tuple[TermVersion, list[dict[str, Any]], dict[str, Any]]:
    """The Term in force, asked as the booking summary asks it: messages and slots."""
    asking = CollectingDispatcher()
    with db.unit_of_work(runtime.sessions()) as session:
        version, text = current_term(session, runtime.context(), Modality.PLANTAO)
        slots = slots_of(ask_acceptance(asking, version, text))
    return version, asking.messages, slots


async def test_the_full_text_while_answering_asks_again_with_its_own_buttons(
    dispatcher: CollectingDispatcher,
) -> None:
    version, asked, slots = term_asked()
    full_text_button = asked[-1]["buttons"][2]
    assert full_text_button["title"] == "Ler o Termo completo"
    tracker = press(full_text_button, slots=slots, asked_by="action_booking_summary", asked=asked)
    result = slots_of(await ActionShowTerm().run(dispatcher, tracker, DOMAIN))
    assert result == {
        "pendente": "termo",
        "pergunta": result["pergunta"],
        "termo_hash": text_sha256(version.text),
    }
    assert result["pergunta"] != slots["pergunta"]  # a new question: the full text's
    assert "7. Cancelamento." in texts(dispatcher)
    new_buttons = dispatcher.messages[-1]["buttons"]
    assert [b["title"] for b in new_buttons] == ["Aceito", "Não aceito"]
    assert all(result["pergunta"] in b["payload"] for b in new_buttons)


async def test_an_old_full_text_button_shows_the_open_question_again(
    dispatcher: CollectingDispatcher,
) -> None:
    _, asked, slots = term_asked()
    old_button = asked[-1]["buttons"][2]
    reading = CollectingDispatcher()
    tracker = press(old_button, slots=slots, asked_by="action_booking_summary", asked=asked)
    now_open = slots_of(await ActionShowTerm().run(reading, tracker, DOMAIN))
    # The full text was shown and asked again; the summary's button is pressed once more.
    again = press(old_button, slots=now_open, asked_by="action_show_term", asked=reading.messages)
    result = slots_of(await ActionShowTerm().run(dispatcher, again, DOMAIN))
    said = texts(dispatcher)
    assert said.startswith("Esses botões são de uma pergunta anterior")
    assert "7. Cancelamento." not in said and "Você aceita o Termo (versão 1)?" in said
    assert result == {"pendente": "termo", "pergunta": now_open["pergunta"]}
    assert all(now_open["pergunta"] in b["payload"] for b in dispatcher.messages[-1]["buttons"])


async def test_another_modality_is_shown_for_reading(dispatcher: CollectingDispatcher) -> None:
    tracker = turn(
        "mostra o termo da consultoria técnica",
        "show_term",
        entities=[{"entity": "modalidade", "value": "consultoria_tecnica"}],
    )
    assert slots_of(await ActionShowTerm().run(dispatcher, tracker, DOMAIN)) == {"pendente": None}
    said = texts(dispatcher)
    assert "Termo de Aceite da Consultoria Técnica" in said
    assert "O aceite é pedido quando o serviço é contratado" in said

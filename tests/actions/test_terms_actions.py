"""Term texts: configured figures, the full text split for chat, and reading it mid-answer."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.terms import (
    CHAT_LIMIT,
    ActionShowTerm,
    current_term,
    render_term,
    split_for_chat,
)
from consultoria import db, runtime
from consultoria.db import text_sha256
from consultoria.tariff import Modality
from tests.support.trackers import DOMAIN, slots_of, texts, turn


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


async def test_the_full_text_while_answering_keeps_the_question(
    dispatcher: CollectingDispatcher,
) -> None:
    with db.unit_of_work(runtime.sessions()) as session:
        version, _ = current_term(session, runtime.context(), Modality.PLANTAO)
    tracker = turn(
        "ler o termo completo",
        "show_term",
        slots={"pendente": "termo", "termo_versao": float(version.id)},
        asked_by="action_booking_summary",
    )
    result = slots_of(await ActionShowTerm().run(dispatcher, tracker, DOMAIN))
    assert result == {"pendente": "termo", "termo_hash": text_sha256(version.text)}
    assert "7. Cancelamento." in texts(dispatcher)
    assert [b["title"] for b in dispatcher.messages[-1]["buttons"]] == ["Aceito", "Não aceito"]


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

"""Messages kept for review (SPEC §7, §11) on SQLite and PostgreSQL: masked, grouped, dropped
after the retention and erased with the conversation."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consultoria.db import UnansweredMessage, unit_of_work
from consultoria.services import review
from consultoria.services.privacy import erase_personal_data
from consultoria.textparse import SAO_PAULO

NOW = datetime(2026, 12, 2, 13, 0, tzinfo=timezone.utc)  # 10:00 in São Paulo
RANKING = [("faq", 0.41), ("ask_price", 0.22), ("greet", 0.1), ("affirm", 0.05)]


def _keep(
    factory: sessionmaker[Session],
    text: str,
    *,
    conversation: str = "1001",
    at: datetime = NOW,
    ranking: list[tuple[str, float]] = RANKING,
) -> None:
    with unit_of_work(factory) as session:
        review.keep_unanswered(session, conversation, "telegram", text, ranking, at, 90)


def _kept(factory: sessionmaker[Session]) -> list[UnansweredMessage]:
    with factory() as session:
        return list(session.scalars(select(UnansweredMessage).order_by(UnansweredMessage.id)))


def test_a_kept_message_is_masked_with_its_closest_intents(
    factory: sessionmaker[Session],
) -> None:
    _keep(factory, "me liga no (47) 99999-1234 ou ana@empresa.com.br, cpf 123.456.789-09")
    [kept] = _kept(factory)
    assert kept.text == "me liga no [telefone] ou [e-mail], cpf [cpf]"
    assert (kept.intent, kept.confidence) == ("faq", 0.41)
    assert kept.ranking == {"faq": 0.41, "ask_price": 0.22, "greet": 0.1}
    assert (kept.conversation_id, kept.channel, kept.created_at) == ("1001", "telegram", NOW)


def test_a_message_without_any_guess_is_kept_too(factory: sessionmaker[Session]) -> None:
    _keep(factory, "asdfgh", ranking=[])
    [kept] = _kept(factory)
    assert (kept.intent, kept.confidence, kept.ranking) == (None, None, {})


def test_messages_older_than_the_retention_are_dropped(factory: sessionmaker[Session]) -> None:
    _keep(factory, "velha demais", at=NOW - timedelta(days=91))
    _keep(factory, "ainda no prazo", at=NOW - timedelta(days=89))
    _keep(factory, "nova")
    assert [k.text for k in _kept(factory)] == ["ainda no prazo", "nova"]
    with unit_of_work(factory) as session:
        assert review.forget_expired(session, NOW + timedelta(days=90), 90) == 1
    assert [k.text for k in _kept(factory)] == ["nova"]


def test_alike_messages_are_grouped_most_frequent_first(factory: sessionmaker[Session]) -> None:
    for text in ("Quem ganhou a copa?", "quem ganhou a copa", "QUEM GANHOU A COPA!!"):
        _keep(factory, text)
    _keep(factory, "qual a capital da franca?", ranking=[("faq", 0.3)])
    with factory() as session:
        rows = review.unanswered_between(session, date(2026, 12, 2), date(2026, 12, 2), SAO_PAULO)
    assert [(r.text, r.count) for r in rows] == [
        ("Quem ganhou a copa?", 3),
        ("qual a capital da franca?", 1),
    ]
    assert (rows[0].best_guess, rows[0].mean_confidence) == ("faq", 0.41)
    assert rows[0].first_seen == NOW.isoformat()


def test_the_days_of_a_report_are_local_days(factory: sessionmaker[Session]) -> None:
    # 01:30 UTC on the 3rd is still the 2nd in São Paulo.
    _keep(factory, "tarde da noite", at=datetime(2026, 12, 3, 1, 30, tzinfo=timezone.utc))
    _keep(factory, "no dia seguinte", at=datetime(2026, 12, 3, 3, 30, tzinfo=timezone.utc))
    with factory() as session:
        second = review.unanswered_between(session, date(2026, 12, 2), date(2026, 12, 2), SAO_PAULO)
        third = review.unanswered_between(session, date(2026, 12, 3), date(2026, 12, 3), SAO_PAULO)
    assert [r.text for r in second] == ["tarde da noite"]
    assert [r.text for r in third] == ["no dia seguinte"]


def test_an_erasure_forgets_only_that_conversations_messages(
    factory: sessionmaker[Session],
) -> None:
    _keep(factory, "minha mensagem", conversation="1001")
    _keep(factory, "a de outra pessoa", conversation="2002")
    with unit_of_work(factory) as session:
        erase_personal_data(session, "telegram", "1001")
    assert [(k.conversation_id, k.text) for k in _kept(factory)] == [("2002", "a de outra pessoa")]

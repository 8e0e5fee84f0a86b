"""End to end through the REST channel (real Rasa model, action server and database): the
Consultoria do Suporte accepted for a ticket, refused after reading the Term, a repeated
acceptance recognised; the Consultoria Telefônica activated in business hours and at night;
'minhas solicitações'. The records and the staff notifications are read from the stack's own
database afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from consultoria.db import Notification, Person, TermAcceptance, make_engine, session_factory
from consultoria.runtime import CLOCK_START_ENV
from consultoria.services.terms import TERM_ANSWERED_KIND
from tests.e2e.rest import Conversation
from tests.stack import StackError, running_stack

# Wednesday 02/12/2026 10:00 and Thursday 03/12/2026 03:00 in São Paulo.
BUSINESS_HOURS = "2026-12-02T10:00"
NIGHT = "2026-12-03T03:00"


class Stack:
    def __init__(self, url: str, database_url: str) -> None:
        self.url, self.database_url = url, database_url

    def talk(self) -> Conversation:
        return Conversation(self.url)

    def answers(self, sender: str) -> list[tuple[Any, ...]]:
        """The Term answers of one conversation's sender, each with its staff notification."""
        engine = make_engine(self.database_url)
        try:
            with session_factory(engine)() as session:
                notified = {
                    n.payload.get("acceptance_id"): n.kind
                    for n in session.scalars(select(Notification))
                }
                rows = session.scalars(
                    select(TermAcceptance)
                    .join(Person, Person.id == TermAcceptance.person_id)
                    .where(Person.channel_user_id == sender)
                    .order_by(TermAcceptance.id)
                )
                return [
                    (a.modality, a.accepted, a.ticket, a.role, a.unit, notified.get(a.id))
                    for a in rows
                ]
        finally:
            engine.dispose()


def _stack(tmp_path_factory: pytest.TempPathFactory, clock: str) -> Iterator[Stack]:
    database_url = f"sqlite:///{tmp_path_factory.mktemp('service-terms') / 'stack.sqlite3'}"
    try:
        with running_stack({CLOCK_START_ENV: clock, "DATABASE_URL": database_url}) as url:
            yield Stack(url, database_url)
    except StackError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def daytime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    yield from _stack(tmp_path_factory, BUSINESS_HOURS)


def said(replies: list[dict[str, Any]]) -> str:
    return "\n".join(str(r.get("text") or "") for r in replies)


def button(replies: list[dict[str, Any]], title: str) -> str:
    found = [b["payload"] for r in replies for b in r.get("buttons") or [] if b["title"] == title]
    assert found, f'no button "{title}" in {said(replies)}'
    return found[-1]


def test_accept_for_a_ticket_then_a_repeat_is_recognised(daytime: Stack) -> None:
    talk = daytime.talk()
    asked = talk.say("quero aceitar o termo da consultoria do suporte para o ticket 18234567")
    assert "cliente TOTVS ou consultor" in said(asked)
    term = talk.say(button(asked, "Sou cliente"))
    assert "Consultoria do Suporte no ticket 18234567" in said(term)
    assert term[-1]["text"].startswith("Termo de Aceite da Consultoria do Suporte (versão 1)")
    assert [b["title"] for b in term[-1]["buttons"]] == [
        "Aceito",
        "Não aceito",
        "Ler o Termo completo",
    ]
    accepted = said(talk.say(button(term, "Aceito")))
    assert "Aceite registrado em" in accepted and "ticket 18234567" in accepted
    again = said(talk.say("aceito a consultoria do suporte no chamado 18234567"))
    assert "já está registrado em" in again and "Você aceita" not in again
    listed = said(talk.say("minhas solicitações"))
    assert "Consultoria do Suporte, ticket 18234567 — Termo aceito (versão 1)" in listed
    assert daytime.answers(talk.sender) == [
        ("suporte", True, "18234567", "customer", None, TERM_ANSWERED_KIND)
    ]


def test_a_consultant_reads_the_term_and_refuses(daytime: Stack) -> None:
    talk = daytime.talk()
    assert "número do ticket" in said(talk.say("o suporte me ofereceu consultoria no meu chamado"))
    assert "de 6 a 12" in said(talk.say("123"))
    asked = talk.say("18230001")
    assert "cliente TOTVS ou consultor" in said(asked)
    assert "unidade" in said(talk.say(button(asked, "Sou consultor(a)")))
    # The unit's name reads as out of scope: inside the form it answers the question.
    term = talk.say("TOTVS Campinas")
    assert "sua unidade, TOTVS Campinas" in said(term)
    full = talk.say(button(term, "Ler o Termo completo"))
    assert "3. Abono." in said(full) and "Você aceita o Termo (versão 1)?" in said(full)
    refused = said(talk.say("não aceito"))
    assert "não aceitou o Termo para o ticket 18230001" in refused
    assert daytime.answers(talk.sender) == [
        ("suporte", False, "18230001", "consultant", "TOTVS Campinas", TERM_ANSWERED_KIND)
    ]


def test_telefonica_in_business_hours_steps_and_term_once(daytime: Stack) -> None:
    talk = daytime.talk()
    first = talk.say("quero acionar a consultoria telefônica")
    assert "Portal TOTVS" in said(first)
    assert first[-1]["text"].startswith("Termo de Aceite da Consultoria Telefônica (versão 1)")
    assert "Aceite registrado em" in said(talk.say("aceito"))
    again = said(talk.say("como ativo a telefônica?"))
    assert "Portal TOTVS" in again and "já está registrado em" in again
    assert "Você aceita" not in again
    assert daytime.answers(talk.sender) == [
        ("telefonica", True, None, "customer", None, TERM_ANSWERED_KIND)
    ]


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    yield from _stack(tmp_path_factory, NIGHT)


def test_telefonica_at_night_says_what_is_possible_now(night: Stack) -> None:
    talk = night.talk()
    replies = talk.say("quero acionar a consultoria telefônica")
    text = said(replies)
    assert "fora do horário comercial" in text and "08:00" in text and "plantão" in text
    assert "Termo de Aceite" not in text
    assert button(replies, "Pedir um plantão") == "/book_plantao"
    assert night.answers(talk.sender) == []

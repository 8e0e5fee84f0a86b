"""'Minhas solicitações': one list of the person's own plantões and answers to the consultorias'
Terms (ticket, decision, date); another person's never appear."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.privacy import ActionMyData
from actions.tickets import ActionListMyRequests
from consultoria import db, runtime
from consultoria.db import Person
from consultoria.services.actors import Customer
from consultoria.services.terms import ServiceAnswer, answer_service_term, sync_term
from tests.support.people import customer
from tests.support.plantoes import request
from tests.support.trackers import DOMAIN, texts, turn

pytestmark = pytest.mark.both_backends

SATURDAY = datetime(2037, 6, 6, 11, 0, tzinfo=timezone.utc)


def answer(person: Person, modality: str, ticket: str | None, *, accepted: bool) -> None:
    with db.unit_of_work(runtime.sessions()) as session:
        term = sync_term(session, modality, "Termo", f"Termo de {modality}")
        given = ServiceAnswer(term, accepted, term.sha256, None, None, ticket)
        answer_service_term(session, Customer(person, "rest"), given)


def book(person: Person) -> None:
    with db.unit_of_work(runtime.sessions()) as session:
        request(
            session, Customer(person, "rest"), SATURDAY, 10, reason="Virada", contact_phone="11"
        )


async def listed(sender: str = "test-user") -> str:
    said = CollectingDispatcher()
    await ActionListMyRequests().run(
        said, turn("minhas solicitações", "list_my_requests", sender=sender), DOMAIN
    )
    return texts(said)


async def test_plantoes_and_answers_in_one_list_only_the_persons_own() -> None:
    ana = customer()
    book(ana)
    answer(ana, "suporte", "18234567", accepted=True)
    answer(ana, "telefonica", None, accepted=False)
    other = customer(sender="someone-else")
    book(other)
    answer(other, "suporte", "99999999", accepted=True)
    said = await listed()
    assert said.startswith("Suas solicitações:")
    assert "P-0001" in said and "P-0002" not in said
    assert "Consultoria do Suporte, ticket 18234567 — Termo aceito (versão 1) em" in said
    assert "Consultoria Telefônica — Termo recusado (versão 1) em" in said
    assert "99999999" not in said


async def test_nothing_recorded_says_so() -> None:
    assert "ainda não tem solicitações" in await listed("nobody")
    customer()
    assert "ainda não tem solicitações" in await listed()


async def test_the_copy_of_my_data_names_the_ticket_of_each_answer() -> None:
    ana = customer()
    answer(ana, "suporte", "18234567", accepted=True)
    said = CollectingDispatcher()
    await ActionMyData().run(said, turn("quero meus dados", "my_data"), DOMAIN)
    assert "Consultoria do Suporte versão 1, ticket 18234567: aceito em" in texts(said)

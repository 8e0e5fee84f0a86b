"""LGPD: a readable copy of what is stored, and erasure of the conversation through Rasa's
HTTP API (here a local aiohttp server that records the call, the way Rasa answers it)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from typing import Any

import pytest
from aiohttp import web
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import privacy
from actions.privacy import ActionAskErasure, ActionConfirmErasure, ActionMyData
from actions.terms import current_term
from consultoria import db, runtime
from consultoria.db import Plantao, PrivacyRequest
from consultoria.services.actors import Customer
from consultoria.services.terms import record_answer
from consultoria.tariff import Modality
from tests.actions.test_booking_support import DOMAIN, customer, shift, slots_of, texts, turn

FAR = datetime(2037, 6, 6, 11, 0, tzinfo=timezone.utc)


@pytest.fixture
async def rasa_api(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[list[tuple[str, Any]]]:
    """Records PUT /conversations/<id>/tracker/events as Rasa's API would receive it."""
    calls: list[tuple[str, Any]] = []

    async def replace_events(request: web.Request) -> web.Response:
        calls.append((request.match_info["conversation_id"], await request.json()))
        return web.json_response({"events": []})

    app = web.Application()
    app.router.add_put("/conversations/{conversation_id}/tracker/events", replace_events)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    monkeypatch.setenv("RASA_API_URL", f"http://127.0.0.1:{port}")
    yield calls
    await runner.cleanup()


def _requests() -> list[PrivacyRequest]:
    with db.unit_of_work(runtime.sessions()) as session:
        return list(session.scalars(select(PrivacyRequest).order_by(PrivacyRequest.id)))


async def test_a_stranger_hears_that_only_the_conversation_is_kept(
    dispatcher: CollectingDispatcher,
) -> None:
    await ActionMyData().run(dispatcher, turn("quero meus dados", "my_data"), DOMAIN)
    assert "Não temos nenhum cadastro seu" in texts(dispatcher)
    assert [r.kind for r in _requests()] == ["export"]


async def test_my_data_lists_identity_acceptances_and_shifts(
    dispatcher: CollectingDispatcher,
) -> None:
    person = customer(perfil="consultor", unit="Unidade Joinville")
    shift(person, FAR)
    shift(customer("someone-else"), FAR)
    with db.unit_of_work(runtime.sessions()) as session:
        version, _ = current_term(session, runtime.context(), Modality.PLANTAO)
        record_answer(
            session,
            Customer(person, "rest"),
            term=version,
            accepted=True,
            shown_sha256="0" * 64,
            price_version_id=None,
            quote=None,
            message_id="m-1",
        )
    await ActionMyData().run(dispatcher, turn("quero meus dados", "my_data"), DOMAIN)
    said = texts(dispatcher)
    assert (
        'identificador test-user, nome "Ana", perfil consultor(a), unidade Unidade Joinville'
        in said
    )
    assert "Plantão 24x7 versão 1: aceito em" in said
    assert "P-0001" in said and "Telefone: (11) 91234-5678" in said
    assert "P-0002" not in said
    assert "apagar meus dados" in said


async def test_erasure_is_asked_first(dispatcher: CollectingDispatcher) -> None:
    result = slots_of(
        await ActionAskErasure().run(
            dispatcher, turn("apagar meus dados", "delete_my_data"), DOMAIN
        )
    )
    assert result == {"pendente": "confirmar_exclusao"}
    assert "mantivemos seus aceites" in texts(dispatcher)


async def test_erasure_blanks_finished_phones_and_erases_the_conversation(
    dispatcher: CollectingDispatcher, rasa_api: list[tuple[str, Any]]
) -> None:
    person = customer()
    finished = shift(person, FAR, state="cancelled")
    upcoming = shift(person, FAR)
    tracker = turn(
        "sim", "affirm", slots={"pendente": "confirmar_exclusao"}, asked_by="action_ask_erasure"
    )
    result = slots_of(await ActionConfirmErasure().run(dispatcher, tracker, DOMAIN))
    assert result == {"pendente": None}
    assert "obrigação legal" in texts(dispatcher)
    await asyncio.gather(*privacy.ERASURES)
    assert rasa_api == [("test-user", [])]
    with db.unit_of_work(runtime.sessions()) as session:
        assert session.get(Plantao, finished.id).contact_phone == ""
        assert session.get(Plantao, upcoming.id).contact_phone == "(11) 91234-5678"
    (request,) = _requests()
    assert request.kind == "erase" and request.completed_at is not None
    assert request.conversation_id is None and request.detail == "telefones apagados: 1"


async def test_a_failed_erasure_stays_pending_for_a_retry(
    dispatcher: CollectingDispatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(privacy, "ERASURE_ATTEMPTS", 1)
    monkeypatch.setenv("RASA_API_URL", "http://127.0.0.1:9")  # discard port: refused
    tracker = turn(
        "sim", "affirm", slots={"pendente": "confirmar_exclusao"}, asked_by="action_ask_erasure"
    )
    await ActionConfirmErasure().run(dispatcher, tracker, DOMAIN)
    await asyncio.gather(*privacy.ERASURES)
    (request,) = _requests()
    assert request.completed_at is None and request.conversation_id == "test-user"


async def test_a_late_yes_erases_nothing(dispatcher: CollectingDispatcher) -> None:
    tracker = turn(
        "sim", "affirm", slots={"pendente": "confirmar_exclusao"}, asked_by="action_quote"
    )
    assert slots_of(await ActionConfirmErasure().run(dispatcher, tracker, DOMAIN)) == {
        "pendente": None
    }
    assert _requests() == []

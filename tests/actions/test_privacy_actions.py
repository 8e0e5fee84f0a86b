"""LGPD: a readable copy of what is stored, and asking before erasing. Erasing the conversation
itself, and what the person is told of it, is in test_erasure_actions.py."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.privacy import ActionAskErasure, ActionConfirmErasure, ActionMyData
from actions.terms import current_term
from consultoria import db, runtime
from consultoria.db import PrivacyRequest
from consultoria.services.actors import Customer
from consultoria.services.terms import record_answer
from consultoria.tariff import Modality
from tests.support.people import customer
from tests.support.plantoes import FAR, stored_plantao
from tests.support.trackers import DOMAIN, slots_of, texts, turn


def _requests() -> list[PrivacyRequest]:
    with db.unit_of_work(runtime.sessions()) as session:
        return list(session.scalars(select(PrivacyRequest).order_by(PrivacyRequest.id)))


async def test_a_stranger_hears_that_only_the_conversation_is_kept(
    dispatcher: CollectingDispatcher,
) -> None:
    await ActionMyData().run(dispatcher, turn("quero meus dados", "my_data"), DOMAIN)
    assert "Não temos nenhum cadastro seu" in texts(dispatcher)
    assert [r.kind for r in _requests()] == ["export"]


async def test_my_data_lists_identity_acceptances_and_plantoes(
    dispatcher: CollectingDispatcher,
) -> None:
    person = customer(perfil="consultor", unit="Unidade Joinville")
    stored_plantao(person, FAR)
    stored_plantao(customer("someone-else"), FAR)
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
    assert result == {"pendente": "confirmar_exclusao", "pergunta": result["pergunta"]}
    assert result["pergunta"] in dispatcher.messages[-1]["buttons"][0]["payload"]
    assert "mantivemos seus aceites" in texts(dispatcher)


async def test_a_late_yes_erases_nothing(dispatcher: CollectingDispatcher) -> None:
    tracker = turn(
        "sim", "affirm", slots={"pendente": "confirmar_exclusao"}, asked_by="action_quote"
    )
    assert slots_of(await ActionConfirmErasure().run(dispatcher, tracker, DOMAIN)) == {
        "pendente": None
    }
    assert _requests() == []

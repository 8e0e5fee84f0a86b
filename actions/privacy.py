"""LGPD (SPEC §7): a copy of what is stored about the person, and erasing their conversation.

The conversation lives in Rasa's tracker store, so it is erased through Rasa's HTTP API
(`PUT /conversations/<id>/tracker/events` with no events). Rasa holds the conversation's lock
while this action runs, so the call is made in the background and waits for that turn to end;
the request is recorded first, and one that failed is retried with the next erasure request.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any
from urllib.parse import quote

import httpx
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.failures import apologize_on_database_error
from actions.identity import find_person
from actions.my_plantoes import describe
from actions.pending import asked_by, clear_pending
from actions.terms import split_for_chat
from actions.tracker import caller
from consultoria import db, runtime
from consultoria.db import Person, Plantao, TermAcceptance, TermVersion
from consultoria.db.privacy import (
    conversation_erased,
    erase_personal_data,
    pending_erasures,
    record_export,
    requests_of,
)
from consultoria.db.terms import answers_of
from consultoria.tariff import Modality, format_moment

logger = logging.getLogger(__name__)

ERASURE_ATTEMPTS = 5
ERASURE_TIMEOUT_SECONDS = 90.0
ROLES_PT = {"customer": "cliente", "consultant": "consultor(a)", "staff": "equipe"}
# Background erasures in flight: asyncio keeps only weak references to tasks.
ERASURES: set[asyncio.Task[None]] = set()
KEPT = (
    "Por obrigação legal, mantivemos seus aceites e recusas de Termos e os registros de plantões "
    "e cobranças (referência, datas, valores e histórico), com seu nome e identificador no canal, "
    "e os telefones de plantões que ainda vão acontecer."
)


def rasa_api_url() -> str:
    """Rasa's HTTP API: RASA_API_URL, else the local server on RASA_PORT."""
    configured = os.environ.get("RASA_API_URL", "").strip()
    return configured or f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}"


def _token_params() -> dict[str, str]:
    token = os.environ.get("RASA_API_TOKEN", "").strip()
    return {"token": token} if token else {}


async def erase_conversation(conversation_id: str, request_id: int) -> bool:
    """Replace the conversation's events with none; True once Rasa confirms it."""
    url = f"{rasa_api_url()}/conversations/{quote(conversation_id, safe='')}/tracker/events"
    for attempt in range(ERASURE_ATTEMPTS):
        try:
            async with httpx.AsyncClient(timeout=ERASURE_TIMEOUT_SECONDS) as client:
                response = await client.put(url, json=[], params=_token_params())
            response.raise_for_status()
        except httpx.HTTPError as exc:
            logger.warning(
                "conversation erasure request=%s attempt=%s failed: %s",
                request_id,
                attempt + 1,
                type(exc).__name__,
            )
            await asyncio.sleep(2**attempt)
            continue
        with db.unit_of_work(runtime.sessions()) as session:
            conversation_erased(session, request_id)
        return True
    return False


def schedule_erasures(requests: list[tuple[str, int]]) -> None:
    for conversation_id, request_id in requests:
        task = asyncio.get_running_loop().create_task(_erase_logged(conversation_id, request_id))
        ERASURES.add(task)
        task.add_done_callback(ERASURES.discard)


async def _erase_logged(conversation_id: str, request_id: int) -> None:
    try:
        await erase_conversation(conversation_id, request_id)
    except Exception:  # a background task has nobody else to tell
        logger.exception("conversation erasure request=%s crashed", request_id)


def _acceptance_line(answer: TermAcceptance, version: TermVersion | None) -> str:
    tz = runtime.settings().tariff.calendar.timezone
    verb = "aceito" if answer.accepted else "recusado"
    number = "" if version is None else f" versão {version.version}"
    return (
        f"• {Modality(answer.modality).label}{number}: {verb} em "
        f"{format_moment(answer.created_at.astimezone(tz))} ({answer.channel})"
    )


def _plantao_line(plantao: Plantao) -> str:
    phone = plantao.contact_phone or "apagado"
    return f"• {describe(plantao)} Motivo: {plantao.reason}. Telefone: {phone}."


def data_summary(person: Person, sections: dict[str, list[str]]) -> str:
    unit = f", unidade {person.unit}" if person.unit else ""
    lines = [
        "Estes são os dados que guardamos sobre você:",
        f"• Identificação: canal {person.channel}, identificador {person.channel_user_id}, "
        f'nome "{person.name or "não informado"}", perfil {ROLES_PT[person.role]}{unit}.',
    ]
    for title, items in sections.items():
        lines += ["", f"{title}:", *(items or ["• nenhum"])]
    lines += [
        "",
        "Além disso, o histórico desta conversa fica guardado pelo assistente. Para apagá-lo, "
        'diga "apagar meus dados".',
    ]
    return "\n".join(lines)


class ActionMyData(Action):
    """ "Quero meus dados": everything stored about the person, readable."""

    def name(self) -> str:
        return "action_my_data"

    @apologize_on_database_error(lambda: [])
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        who = caller(tracker)
        with db.unit_of_work(runtime.sessions()) as session:
            person = find_person(session, who)
            record_export(session, person, who.channel)
            if person is None:
                dispatcher.utter_message(
                    text="Não temos nenhum cadastro seu: guardamos apenas o histórico desta "
                    'conversa. Para apagá-lo, diga "apagar meus dados".'
                )
                return []
            answers = [
                _acceptance_line(a, session.get(TermVersion, a.term_version_id))
                for a in answers_of(session, person.id)
            ]
            plantoes = [_plantao_line(p) for p in db.list_plantoes_for_person(session, person.id)]
            requests = [
                f"• {'cópia dos dados' if r.kind == 'export' else 'exclusão'} em "
                f"{format_moment(r.requested_at.astimezone(runtime.now().tzinfo))}"
                for r in requests_of(session, person.id)
            ]
            text = data_summary(
                person,
                {"Aceites de Termos": answers, "Plantões": plantoes, "Pedidos LGPD": requests},
            )
        for chunk in split_for_chat(text):
            dispatcher.utter_message(text=chunk)
        return []


class ActionAskErasure(Action):
    """ "Apagar meus dados": say what goes and what stays, then ask to confirm."""

    def name(self) -> str:
        return "action_ask_erasure"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(
            text="Posso apagar o histórico desta conversa e os telefones de contato de plantões "
            f"já encerrados ou cancelados. {KEPT} Confirma a exclusão?",
            buttons=[
                {"title": "Sim, apagar", "payload": "/affirm"},
                {"title": "Não", "payload": "/deny"},
            ],
        )
        return [SlotSet("pendente", "confirmar_exclusao")]


class ActionConfirmErasure(Action):
    def name(self) -> str:
        return "action_confirm_erasure"

    @apologize_on_database_error(lambda: [SlotSet("pendente", None)])
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.get_slot("pendente") != "confirmar_exclusao" or not asked_by(
            tracker, {"action_ask_erasure"}
        ):
            return clear_pending(dispatcher)
        who = caller(tracker)
        with db.unit_of_work(runtime.sessions()) as session:
            erase_personal_data(session, find_person(session, who), who.channel, who.user_id)
            queued = [
                (str(r.conversation_id), r.id)
                for r in pending_erasures(session)
                if r.conversation_id
            ]
        schedule_erasures(queued)
        dispatcher.utter_message(
            text="Pronto: apaguei os telefones de contato de plantões encerrados, e o histórico "
            f"desta conversa é apagado assim que esta mensagem terminar. {KEPT}"
        )
        return [SlotSet("pendente", None)]

"""Drains the outbox into the staff chats: at least once, with backoff, marked when delivered.
An expired request, and a plantão staff cancelled for lack of a specialist, are also told to
their customer, in their Telegram chat (SPEC §4).

The payload holds only references; the text is written when sending, from the plantão as it is
now and the amounts the tariff engine stored on it and on its event.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.replies import send_text
from consultoria import runtime
from consultoria.db import Person, Plantao, unit_of_work
from consultoria.db.types import utcnow
from consultoria.presentation import describe, local_moment
from consultoria.services import plantoes
from consultoria.services.outbox import (
    ClaimedNotification,
    backoff,
    claim_due,
    mark_delivered,
    mark_failed,
    staff_chat_ids,
)
from consultoria.services.people import TELEGRAM
from consultoria.services.plantoes import (
    CANCELLED_KIND,
    EXPIRED_KIND,
    REMINDER_KIND,
    REQUESTED_KIND,
    Announced,
    CancelReason,
)

log = logging.getLogger(__name__)

BATCH = 20
LEASE = timedelta(minutes=2)
RETRY_BASE = timedelta(seconds=5)
RETRY_CAP = timedelta(minutes=10)
NO_STAFF = "nenhum membro ativo da equipe no cadastro"

TITLES = {
    REQUESTED_KIND: "Novo pedido de plantão",
    CANCELLED_KIND: "Plantão cancelado",
    REMINDER_KIND: "Plantão começa em breve",
    EXPIRED_KIND: "Plantão expirado sem confirmação",
}
ROLES_PT = {"customer": "cliente", "consultant": "consultor", "staff": "equipe"}
REASONS_PT = {
    CancelReason.CUSTOMER_REQUEST.value: "a pedido do cliente",
    CancelReason.NO_SPECIALIST.value: "sem especialista disponível",
}
ACTORS_PT = {"customer": "pelo cliente", "staff": "pela equipe", "system": "automaticamente"}


@dataclass(frozen=True)
class Outgoing:
    """A notification's text for the staff chats and, when its customer is told too, their
    Telegram chat and text."""

    notification: ClaimedNotification
    text: str
    to_customer: tuple[int, str] | None = None


def _who(person: Person | None) -> str:
    if person is None:
        return "não identificado"
    role = ROLES_PT.get(person.role, person.role)
    unit = f", unidade {person.unit}" if person.unit else ""
    return f"{person.name or 'sem nome'} ({role}{unit})"


def _id(payload: dict[str, Any], key: str) -> int | None:
    value = payload.get(key)
    return value if isinstance(value, int) else None


def _announced(session: Session, notification: ClaimedNotification) -> Announced | None:
    payload = notification.payload
    plantao_id = _id(payload, "plantao_id")
    if plantao_id is None:
        return None
    return plantoes.announced(session, plantao_id, _id(payload, "event_id"))


def compose(session: Session, notification: ClaimedNotification) -> str:
    """The staff message for one notification, in pt-BR."""
    title = TITLES.get(notification.kind, "Aviso de plantão")
    payload = notification.payload
    found = _announced(session, notification)
    if found is None:
        return f"{title}: {payload.get('ref', notification.kind)}."
    zone = runtime.settings().tariff.calendar.timezone
    plantao, event = found.plantao, found.event
    lines = [f"{title}: {plantao.ref}", f"• {describe(plantao, zone)}"]
    if notification.kind == REQUESTED_KIND:
        lines += [
            f"Solicitante: {_who(found.customer)}",
            f"Motivo: {plantao.reason}",
            f"Contato: {plantao.contact_phone}",
        ]
    elif event is not None:
        when = local_moment(event.at, zone)
        lines.append(f"Em {when}, {ACTORS_PT.get(event.actor_role, event.actor_role)}.")
        reason = REASONS_PT.get(str(payload.get("reason")))
        if reason is not None:
            lines.append(f"Motivo: {reason}.")
    return "\n".join(lines)


def _customer_text(kind: str, reason: object, plantao: Plantao, zone: tzinfo) -> str | None:
    """What the customer hears of an announcement; None for those they are not told of."""
    window = (
        f"Seu pedido de plantão {plantao.ref}, de {local_moment(plantao.start_at, zone)} até "
        f"{local_moment(plantao.end_at, zone)},"
    )
    if kind == EXPIRED_KIND:
        return (
            f"{window} não foi confirmado pela equipe da Consultoria até o início e expirou: "
            "nenhum especialista foi alocado e nada será cobrado. Se ainda precisar, diga "
            '"agendar plantão" ou "falar com um atendente".'
        )
    if kind == CANCELLED_KIND and reason == CancelReason.NO_SPECIALIST.value:
        return (
            f"{window} foi cancelado pela equipe da Consultoria porque não há especialista "
            "disponível nesse horário. Nada será cobrado. Se quiser outro dia ou horário, diga "
            '"agendar plantão" ou "falar com um atendente".'
        )
    return None


def compose_for_customer(
    session: Session, notification: ClaimedNotification
) -> tuple[int, str] | None:
    """The customer's Telegram chat and message, for an expired request or a cancellation for
    lack of a specialist; None when there is nobody to tell there (another kind, or a customer
    who wrote from another channel)."""
    found = _announced(session, notification)
    person = None if found is None else found.customer
    if found is None or person is None or person.channel != TELEGRAM:
        return None
    if not person.channel_user_id.isdigit():
        return None
    zone = runtime.settings().tariff.calendar.timezone
    reason = notification.payload.get("reason")
    text = _customer_text(notification.kind, reason, found.plantao, zone)
    return None if text is None else (int(person.channel_user_id), text)


def _outgoing(session: Session, notification: ClaimedNotification) -> Outgoing:
    return Outgoing(
        notification,
        compose(session, notification),
        compose_for_customer(session, notification),
    )


def _claim(sessions: sessionmaker[Session]) -> tuple[list[Outgoing], list[int]]:
    # Plantões starting within the hour get their reminder here too, even when nobody writes;
    # claimed right away, as they are due from the moment they are written.
    with unit_of_work(sessions) as session:
        # Business time: the process clock the actions use too (pinned in tests and demos).
        plantoes.enqueue_due_reminders(session, runtime.now())
    with unit_of_work(sessions) as session:
        claimed = claim_due(session, now=utcnow(), limit=BATCH, lease=LEASE)
    if not claimed:
        return [], []
    with unit_of_work(sessions) as session:
        return [_outgoing(session, n) for n in claimed], staff_chat_ids(session)


def _settle(
    sessions: sessionmaker[Session], item: ClaimedNotification, error: str | None, now: datetime
) -> None:
    with unit_of_work(sessions) as session:
        if error is None:
            mark_delivered(session, item.id, now=now)
        else:
            delay = backoff(item.attempts, base=RETRY_BASE, cap=RETRY_CAP)
            mark_failed(session, item.id, error=error, retry_at=now + delay)


async def _deliver(bot: Bot, chats: list[int], item: Outgoing) -> str | None:
    """None once at least one staff chat has the message and no chat, the customer's included,
    needs a retry."""
    if not chats:
        return NO_STAFF
    customer_chat = [] if item.to_customer is None else [item.to_customer]
    delivered, retry = 0, None
    for chat_id, text in [*((chat, item.text) for chat in chats), *customer_chat]:
        try:
            await send_text(bot, chat_id, text)
            delivered += 1
        except (Forbidden, BadRequest) as exc:
            # Blocked the bot, or never opened a chat with it: retrying will not help.
            log.warning("chat %s refused a notification: %s", chat_id, exc.message)
        except TelegramError as exc:
            retry = f"chat {chat_id}: {exc}"
    if retry is not None:
        return retry
    return None if delivered else "nenhum chat da equipe aceitou a mensagem"


async def drain_once(bot: Bot, sessions: sessionmaker[Session]) -> int:
    """Send what is due now; returns how many notifications were delivered."""
    outgoing, chats = await asyncio.to_thread(_claim, sessions)
    delivered = 0
    for item in outgoing:
        error = await _deliver(bot, chats, item)
        await asyncio.to_thread(_settle, sessions, item.notification, error, utcnow())
        if error is None:
            delivered += 1
        else:
            log.warning("notification %s not delivered: %s", item.notification.id, error)
    return delivered

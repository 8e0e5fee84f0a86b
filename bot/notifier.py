"""Drains the outbox into the staff chats: at least once, with backoff, marked when delivered.
The customer hears, in their Telegram chat, of an expired request (SPEC §4), of the reminders
before the free cancellation ends and before the start, of an early end staff scheduled once it
came, and of a staff cancellation and why, with the calendar file that removes the plantão from
their calendar (SPEC §4, §9); of the slot staff confirmed for their Consultoria Técnica, with its
calendar file (SPEC §5, §9), whose requests and cancellations the staff chats hear of; and of the
outcome and minutes staff recorded on the Support ticket they accepted the Consultoria do
Suporte for (SPEC §3.2, §5).

The payload holds only references; the text is written when sending, from the plantão as it is
now and the amounts the tariff engine stored on it or computes for it. A reminder whose plantão
is no longer open (cancelled, expired, started) is dropped, not sent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.replies import send_file, send_text
from consultoria import runtime
from consultoria.db import Person, load_price_table, unit_of_work
from consultoria.db.types import utcnow
from consultoria.ics import Method
from consultoria.presentation import (
    appointment_calendar_payload,
    calendar_payload,
    describe,
    describe_appointment,
    local_moment,
    ticket_outcome,
)
from consultoria.services import appointments, plantoes, terms, tickets
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
    CANCELLABLE,
    CANCELLED_KIND,
    EXPIRED_KIND,
    FREE_CANCELLATION_KIND,
    REMINDER_KIND,
    REQUESTED_KIND,
    SCHEDULED_END_KIND,
    Announced,
    CancelReason,
)
from consultoria.services.terms import TERM_ANSWERED_KIND
from consultoria.services.tickets import OUTCOME_RECORDED_KIND
from consultoria.tariff import Modality, format_brl, format_minutes

log = logging.getLogger(__name__)

BATCH = 20
LEASE = timedelta(minutes=2)
RETRY_BASE = timedelta(seconds=5)
RETRY_CAP = timedelta(minutes=10)
NO_STAFF = "nenhum membro ativo da equipe no cadastro"

# What the customer alone hears about: the staff chats are not told.
CUSTOMER_ONLY = frozenset(
    {FREE_CANCELLATION_KIND, appointments.CONFIRMED_KIND, OUTCOME_RECORDED_KIND}
)
APPOINTMENT_TITLES = {
    appointments.REQUESTED_KIND: "Novo pedido de Consultoria Técnica",
    appointments.CANCELLED_KIND: "Consultoria Técnica cancelada pelo cliente",
}
REMINDERS = frozenset({REMINDER_KIND, FREE_CANCELLATION_KIND})
TITLES = {
    REQUESTED_KIND: "Novo pedido de plantão",
    CANCELLED_KIND: "Plantão cancelado",
    REMINDER_KIND: "Plantão começa em breve",
    EXPIRED_KIND: "Plantão expirado sem confirmação",
    SCHEDULED_END_KIND: "Plantão encerrado no horário agendado pela equipe",
}
ROLES_PT = {"customer": "cliente", "consultant": "consultor", "staff": "equipe"}
REASONS_PT = {
    CancelReason.CUSTOMER_REQUEST.value: "a pedido do cliente",
    CancelReason.NO_SPECIALIST.value: "sem especialista disponível",
}
ACTORS_PT = {"customer": "pelo cliente", "staff": "pela equipe", "system": "automaticamente"}


@dataclass(frozen=True)
class ToCustomer:
    """What the customer's Telegram chat gets: a text, and a file to go with it."""

    chat_id: int
    text: str
    attachment: tuple[str, bytes] | None = None  # file name, content


@dataclass(frozen=True)
class Outgoing:
    """A notification's text for the staff chats (None: not for them) and, when its customer is
    told too, their Telegram chat and text; neither: nothing to send, it is settled."""

    notification: ClaimedNotification
    text: str | None
    to_customer: ToCustomer | None = None


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


def _term_answer(session: Session, notification: ClaimedNotification) -> str:
    """An answer to the Term of the Consultoria do Suporte (for a ticket) or Telefônica."""
    found = _id(notification.payload, "acceptance_id")
    announced = None if found is None else terms.announced_answer(session, found)
    if announced is None:
        return "Resposta a um Termo registrada."
    answer, term = announced.answer, announced.term
    service = Modality(term.modality).label
    ticket = f" para o ticket {answer.ticket}" if answer.ticket else ""
    verdict = "aceito" if answer.accepted else "recusado"
    zone = runtime.settings().tariff.calendar.timezone
    lines = [
        f"Termo da {service} {verdict}{ticket}",
        f"• {_who(announced.person)}, versão {term.version} do Termo, em "
        f"{local_moment(answer.created_at, zone)} ({answer.channel}).",
    ]
    if answer.unit:
        lines.append(f"Cobrança: unidade {answer.unit}.")
    if not answer.accepted:
        lines.append("Não inicie a consultoria: nada será cobrado.")
    return "\n".join(lines)


def _appointment(
    session: Session, notification: ClaimedNotification
) -> appointments.Announced | None:
    found = _id(notification.payload, "appointment_id")
    if found is None:
        return None
    return appointments.announced(session, found, _id(notification.payload, "event_id"))


def _appointment_text(session: Session, notification: ClaimedNotification) -> str:
    """A Técnica appointment requested or cancelled, for the staff chats."""
    title = APPOINTMENT_TITLES[notification.kind]
    found = _appointment(session, notification)
    if found is None:
        return f"{title}: {notification.payload.get('ref', notification.kind)}."
    zone = runtime.settings().tariff.calendar.timezone
    appointment = found.appointment
    lines = [f"{title}: {appointment.ref}", f"• {describe_appointment(appointment, zone)}"]
    if notification.kind == appointments.REQUESTED_KIND:
        lines += [
            f"Solicitante: {_who(found.customer)}",
            f"Contato: {appointment.contact_phone}",
            f'Para confirmar: "confirmar {appointment.ref} dia DD/MM às HHh".',
        ]
    return "\n".join(lines)


def compose(session: Session, notification: ClaimedNotification) -> str:
    """The staff message for one notification, in pt-BR."""
    if notification.kind == TERM_ANSWERED_KIND:
        return _term_answer(session, notification)
    if notification.kind in APPOINTMENT_TITLES:
        return _appointment_text(session, notification)
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


def _telegram_chat(person: Person | None) -> int | None:
    """The customer's private chat: only people writing from Telegram can be reached."""
    if person is None or person.channel != TELEGRAM or not person.channel_user_id.isdigit():
        return None
    return int(person.channel_user_id)


def _expired_text(_session: Session, found: Announced, zone: ZoneInfo) -> str:
    plantao = found.plantao
    return (
        f"Seu pedido de plantão {plantao.ref}, de {local_moment(plantao.start_at, zone)} até "
        f"{local_moment(plantao.end_at, zone)}, não foi confirmado pela equipe da Consultoria "
        "até o início e expirou: nenhum especialista foi alocado e nada será cobrado. Se ainda "
        'precisar, diga "agendar plantão" ou "falar com um atendente".'
    )


def _starting_text(_session: Session, found: Announced, zone: ZoneInfo) -> str:
    plantao = found.plantao
    waiting = (
        " Ele ainda aguarda a confirmação da equipe da Consultoria."
        if plantao.state == "requested"
        else ""
    )
    return (
        f"Lembrete: seu plantão {plantao.ref} começa em {local_moment(plantao.start_at, zone)} "
        f"e vai até {local_moment(plantao.end_at, zone)}.{waiting}"
    )


def _scheduled_end_text(_session: Session, found: Announced, zone: ZoneInfo) -> str:
    plantao = found.plantao
    ended = local_moment(plantao.ended_at or plantao.end_at, zone)
    amount = plantao.amount_due
    due = "" if amount is None else f" Valor devido: {format_brl(amount)} mais impostos."
    return (
        f"Seu plantão {plantao.ref} foi encerrado em {ended}, como combinado com a equipe da "
        f"Consultoria.{due}"
    )


def _free_cancellation_text(session: Session, found: Announced, zone: ZoneInfo) -> str:
    plantao, rules = found.plantao, runtime.settings().tariff
    deadline = plantao.start_at - rules.plantao.free_cancellation_notice
    late = plantoes.plantao_quote(plantao, load_price_table(session), rules, plantao.start_at)
    cost = (
        f"{format_brl(late.amount)} mais impostos"
        if late.amount is not None
        else "pela tarifa do Termo"
    )
    return (
        f"Lembrete: o plantão {plantao.ref} ({local_moment(plantao.start_at, zone)} até "
        f"{local_moment(plantao.end_at, zone)}) pode ser cancelado sem custo até "
        f"{local_moment(deadline, zone)}. Depois disso, o cancelamento cobra o mínimo do "
        f"primeiro dia: {format_minutes(late.charged_minutes)}, {cost}. Para cancelar, diga "
        f'"cancelar o plantão {plantao.ref}".'
    )


def _cancelled_by_staff(found: Announced, zone: ZoneInfo, reason: object) -> ToCustomer | None:
    """The staff's cancellation and why, told to the customer with the file that takes the
    plantão out of their calendar; the customer's own cancellation was answered in their chat
    already."""
    chat = _telegram_chat(found.customer)
    if chat is None or found.event is None or found.event.actor_role != "staff":
        return None
    plantao = found.plantao
    settings = runtime.settings()
    payload = calendar_payload(
        plantao,
        Method.CANCEL,
        zone=zone,
        organizer=settings.calendar_organizer,
        stamp=found.event.at,
    )
    why = (
        " porque não há especialista disponível nesse horário. Nada será cobrado. Se quiser "
        'outro dia ou horário, diga "agendar plantão" ou "falar com um atendente".'
        if reason == CancelReason.NO_SPECIALIST.value
        else ", a seu pedido."
    )
    text = (
        f"Seu plantão {plantao.ref}, de {local_moment(plantao.start_at, zone)} até "
        f"{local_moment(plantao.end_at, zone)}, foi cancelado pela equipe da Consultoria{why} "
        "Segue o arquivo que o retira da sua agenda."
    )
    return ToCustomer(chat, text, (payload["filename"], payload["content"].encode("utf-8")))


def _appointment_confirmed(
    session: Session, notification: ClaimedNotification
) -> ToCustomer | None:
    """The slot staff confirmed, told to the customer with the file for their calendar; not
    once the appointment was cancelled."""
    found = _appointment(session, notification)
    chat = None if found is None else _telegram_chat(found.customer)
    if found is None or chat is None or found.appointment.state != "confirmed":
        return None
    appointment, settings = found.appointment, runtime.settings()
    zone = settings.tariff.calendar.timezone
    payload = appointment_calendar_payload(
        appointment,
        Method.REQUEST,
        zone=zone,
        organizer=settings.calendar_organizer,
        stamp=found.event.at if found.event is not None else utcnow(),
    )
    when = local_moment(appointment.slot_start_at or utcnow(), zone)
    text = (
        f"Sua Consultoria Técnica {appointment.ref} ({appointment.subject}) foi confirmada pela "
        f"equipe da Consultoria para {when}. Segue o arquivo para a sua agenda. Para cancelar "
        f'antes do horário, diga "cancelar a {appointment.ref}".'
    )
    return ToCustomer(chat, text, (payload["filename"], payload["content"].encode("utf-8")))


def _ticket_outcome(session: Session, notification: ClaimedNotification) -> ToCustomer | None:
    """The staff's decision on the ticket, told to the customer who accepted its Term."""
    found = _id(notification.payload, "outcome_id")
    recorded = None if found is None else tickets.announced(session, found)
    chat = None if recorded is None else _telegram_chat(recorded.customer)
    if recorded is None or chat is None:
        return None
    unit = recorded.acceptance.unit if recorded.acceptance.role == "consultant" else None
    billed = f" A cobrança vai para a unidade {unit}." if unit else ""
    text = (
        f"Ticket {recorded.acceptance.ticket} (Consultoria do Suporte): a equipe da Consultoria "
        f"registrou o resultado da análise: {ticket_outcome(recorded.row)}.{billed}"
    )
    return ToCustomer(chat, text)


def compose_for_customer(session: Session, notification: ClaimedNotification) -> ToCustomer | None:
    """The customer's Telegram chat and message for an expiry, a reminder, a staff
    cancellation, a confirmed Técnica appointment or a ticket's outcome; None when there is
    nobody to tell there (another kind, or a customer who wrote from another channel)."""
    if notification.kind == appointments.CONFIRMED_KIND:
        return _appointment_confirmed(session, notification)
    if notification.kind == OUTCOME_RECORDED_KIND:
        return _ticket_outcome(session, notification)
    found = _announced(session, notification)
    if found is None:
        return None
    zone = runtime.settings().tariff.calendar.timezone
    if notification.kind == CANCELLED_KIND:
        return _cancelled_by_staff(found, zone, notification.payload.get("reason"))
    chat, text = _telegram_chat(found.customer), CUSTOMER_TEXTS.get(notification.kind)
    if chat is None or text is None:
        return None
    return ToCustomer(chat, text(session, found, zone))


CUSTOMER_TEXTS: dict[str, Callable[[Session, Announced, ZoneInfo], str]] = {
    EXPIRED_KIND: _expired_text,
    REMINDER_KIND: _starting_text,
    FREE_CANCELLATION_KIND: _free_cancellation_text,
    SCHEDULED_END_KIND: _scheduled_end_text,
}


def _still_due(session: Session, notification: ClaimedNotification, now: datetime) -> bool:
    """A reminder is sent only while its plantão is open and the moment it announces is ahead."""
    if notification.kind not in REMINDERS:
        return True
    found = _announced(session, notification)
    if found is None or found.plantao.state not in CANCELLABLE:
        return False
    ahead = found.plantao.start_at
    if notification.kind == FREE_CANCELLATION_KIND:
        ahead -= runtime.settings().tariff.plantao.free_cancellation_notice
    return now < ahead


def _outgoing(session: Session, notification: ClaimedNotification) -> Outgoing:
    if not _still_due(session, notification, runtime.now()):
        return Outgoing(notification, None)
    staff_text = None if notification.kind in CUSTOMER_ONLY else compose(session, notification)
    return Outgoing(notification, staff_text, compose_for_customer(session, notification))


def _claim(sessions: sessionmaker[Session]) -> tuple[list[Outgoing], list[int]]:
    # The reminders due now are written here too, even when nobody writes; claimed right
    # away, as they are due from the moment they are written.
    with unit_of_work(sessions) as session:
        # Business time: the process clock the actions use too (pinned in tests and demos).
        plantoes.enqueue_due_reminders(session, runtime.now(), runtime.settings().tariff)
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


async def _send(bot: Bot, chat_id: int, text: str, attachment: tuple[str, bytes] | None) -> None:
    await send_text(bot, chat_id, text)
    if attachment is not None:
        await send_file(bot, chat_id, *attachment)


async def _deliver(bot: Bot, chats: list[int], item: Outgoing) -> str | None:
    """None once every chat it is for has it (at least one staff chat, when it is for the
    staff) and no chat, the customer's included, needs a retry."""
    staff_chats = [] if item.text is None else chats
    if item.text is not None and not chats:
        return NO_STAFF
    sends: list[tuple[int, str, tuple[str, bytes] | None]] = [
        (chat, item.text, None) for chat in staff_chats if item.text is not None
    ]
    if item.to_customer is not None:
        customer = item.to_customer
        sends.append((customer.chat_id, customer.text, customer.attachment))
    delivered, retry = 0, None
    for chat_id, text, attachment in sends:
        try:
            await _send(bot, chat_id, text, attachment)
            delivered += 1
        except (Forbidden, BadRequest) as exc:
            # Blocked the bot, or never opened a chat with it: retrying will not help.
            log.warning("chat %s refused a notification: %s", chat_id, exc.message)
        except TelegramError as exc:
            retry = f"chat {chat_id}: {exc}"
    if retry is not None:
        return retry
    if item.text is not None and not delivered:
        return "nenhum chat da equipe aceitou a mensagem"
    return None


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

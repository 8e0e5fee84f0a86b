"""pt-BR wording that both front ends (the Rasa actions and the Telegram bot's notifications)
show: state names, the one-line description of a plantão or a Consultoria Técnica appointment,
their calendar files, the outcome and charge of a Support ticket, a line of an hour bank's
statement, and an instant in the configured zone. Pure formatting: no I/O, no clock."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from consultoria.db.models import Appointment, HourBankEntry, Plantao, TicketOutcomeRow
from consultoria.ics import CalendarEvent, Method, calendar_file
from consultoria.settings import Contact
from consultoria.tariff import format_brl, format_minutes, format_moment
from consultoria.tariff.calendar import WEEKDAY_ABBREVIATIONS

# The `custom` payload types of a file in a chat reply: the REST channel shows the payload as is,
# the Telegram bot sends the file as a document.
CALENDAR_PAYLOAD_TYPE = "calendar"
REPORT_PAYLOAD_TYPE = "report"  # a report's CSV, for staff (SPEC §10)
FILE_PAYLOAD_TYPES = frozenset({CALENDAR_PAYLOAD_TYPE, REPORT_PAYLOAD_TYPE})

STATE_NAMES = {
    "requested": "aguardando confirmação",
    "confirmed": "confirmado",
    "in_progress": "em andamento",
    "completed": "concluído",
    "ended_early": "encerrado antes do fim",
    "cancelled": "cancelado",
    "expired": "expirado (não confirmado até o início, sem custo)",
}
# The state as the predicate of a sentence: "O plantão P-0042 já está cancelado."
STATE_NOW = {
    "requested": "ainda aguarda confirmação",
    "confirmed": "já está confirmado",
    "in_progress": "já está em andamento",
    "completed": "já foi concluído",
    "ended_early": "já foi encerrado",
    "cancelled": "já está cancelado",
    "expired": "expirou: não foi confirmado até o início, e nada é cobrado",
}

# The outcome of a Consultoria do Suporte ticket, and what it means for the charge (SPEC §3.2).
OUTCOME_NAMES = {
    "new_inconsistency": "inconsistência nova, ainda não publicada no portal (abonado)",
    "published": "inconsistência já publicada no portal (cobrado)",
    "no_inconsistency": "sem inconsistência de produto (cobrado)",
}
# What is said instead of an amount while the Suporte rate is not configured.
MINUTES_ONLY = "minutos apenas (valor conforme o Termo)"

# The states in which an early end staff scheduled is still ahead.
ENDS_AHEAD = frozenset({"confirmed", "in_progress"})


def local_moment(moment: datetime, zone: tzinfo) -> str:
    """`sáb., 06/06/2037 08:00`: an instant as people in `zone` read it."""
    return format_moment(moment.astimezone(zone))


def _until(plantao: Plantao, zone: tzinfo) -> str:
    start, end = plantao.start_at.astimezone(zone), plantao.end_at.astimezone(zone)
    return f"{end:%H:%M}" if end.date() == start.date() else format_moment(end)


def describe(plantao: Plantao, zone: tzinfo) -> str:
    """One line per plantão: reference, window, specialists, state and the amount that applies."""
    line = (
        f"{plantao.ref} — {local_moment(plantao.start_at, zone)} até {_until(plantao, zone)}, "
        f"{plantao.specialists} especialista(s), {STATE_NAMES[plantao.state]}"
    )
    if plantao.scheduled_end_at is not None and plantao.state in ENDS_AHEAD:
        line += f", encerramento agendado para {local_moment(plantao.scheduled_end_at, zone)}"
    if plantao.amount_due is not None:
        return f"{line}; valor devido {format_brl(plantao.amount_due)}."
    if plantao.quoted_amount is not None:
        return f"{line}; valor previsto {format_brl(plantao.quoted_amount)}."
    return line + "."


def ticket_charge(row: TicketOutcomeRow) -> str:
    """The minutes registered on a ticket and what the engine charged for them."""
    if row.minutes is None or row.billed_minutes is None:
        return "minutos ainda não registrados"
    minutes = f"{format_minutes(row.minutes)} registrados, {format_minutes(row.billed_minutes)} "
    if row.amount is None:
        return f"{minutes}tarifados: {MINUTES_ONLY}"
    if row.outcome == "new_inconsistency":
        return f"{minutes}tarifados: {format_brl(row.amount)} (abonado)"
    return f"{minutes}tarifados: {format_brl(row.amount)} mais impostos"


def ticket_outcome(row: TicketOutcomeRow) -> str:
    """`inconsistência já publicada no portal (cobrado); 35 min registrados, ...`."""
    return f"{OUTCOME_NAMES[row.outcome]}; {ticket_charge(row)}"


def plantao_calendar_event(
    plantao: Plantao, zone: ZoneInfo, organizer: Contact | None
) -> CalendarEvent:
    """The plantão as a calendar event: one UID for its whole life, so a cancellation replaces
    the invitation in the customer's calendar."""
    description = (
        f"Plantão 24x7 da Consultoria TOTVS, referência {plantao.ref}: "
        f"{local_moment(plantao.start_at, zone)} até {local_moment(plantao.end_at, zone)} "
        f"(horário de {zone.key}), {plantao.specialists} especialista(s).\n"
        f"Para consultar ou cancelar, fale com o assistente: "
        f'"meus plantões" ou "cancelar o plantão {plantao.ref}".'
    )
    return CalendarEvent(
        uid=f"{plantao.ref}@assistente-consultoria",
        start=plantao.start_at,
        end=plantao.end_at,
        zone=zone,
        summary=f"Plantão {plantao.ref} — Consultoria TOTVS",
        description=description,
        organizer_name=None if organizer is None else organizer.name,
        organizer_email=None if organizer is None else organizer.email,
    )


def _payload(ref: str, event: CalendarEvent, method: Method, stamp: datetime) -> dict[str, Any]:
    return {
        "type": CALENDAR_PAYLOAD_TYPE,
        "filename": f"{ref}.ics",
        "content": calendar_file(event, method, stamp=stamp),
    }


def calendar_payload(
    plantao: Plantao,
    method: Method,
    *,
    zone: ZoneInfo,
    organizer: Contact | None,
    stamp: datetime,
) -> dict[str, Any]:
    """`{"type": "calendar", "filename": "P-0042.ics", "content": "BEGIN:VCALENDAR..."}`: the
    invitation (REQUEST) or the cancellation (CANCEL) of the plantão."""
    event = plantao_calendar_event(plantao, zone, organizer)
    return _payload(plantao.ref, event, method, stamp)


# --- Consultoria Técnica appointments --------------------------------------------------------

APPOINTMENT_STATE_NAMES = {
    "requested": "aguardando confirmação do horário",
    "confirmed": "confirmada",
    "cancelled": "cancelada",
}
PERIOD_NAMES = {"manha": "de manhã", "tarde": "à tarde"}


def preferred_when(appointment: Appointment) -> str:
    """ "ter., 15/12/2026, de manhã" or "ter., 15/12/2026, às 14:00": what the customer asked."""
    day = appointment.preferred_day
    when = f"{WEEKDAY_ABBREVIATIONS[day.weekday()]}, {day:%d/%m/%Y}"
    if appointment.preferred_time is not None:
        return f"{when}, às {appointment.preferred_time:%H:%M}"
    return f"{when}, {PERIOD_NAMES[appointment.period or 'manha']}"


def describe_appointment(appointment: Appointment, zone: tzinfo) -> str:
    """One line per appointment: reference, subject and system, when, state and the quote."""
    line = f"{appointment.ref} — {appointment.subject} ({appointment.system}), "
    if appointment.state == "confirmed" and appointment.slot_start_at is not None:
        line += f"em {local_moment(appointment.slot_start_at, zone)}"
    else:
        line += f"preferência {preferred_when(appointment)}"
    line += f", {APPOINTMENT_STATE_NAMES[appointment.state]}"
    if appointment.quoted_minutes is not None:
        line += f"; estimativa {format_minutes(appointment.quoted_minutes)}"
        if appointment.quoted_amount is not None:
            line += f", valor previsto {format_brl(appointment.quoted_amount)}"
    return line + "."


def appointment_calendar_payload(
    appointment: Appointment,
    method: Method,
    *,
    zone: ZoneInfo,
    organizer: Contact | None,
    stamp: datetime,
) -> dict[str, Any]:
    """The confirmed appointment's calendar file ("T-0007.ics"): the invitation (REQUEST) or its
    cancellation (CANCEL), with one UID for the appointment's whole life."""
    start, end = appointment.slot_start_at, appointment.slot_end_at
    if start is None or end is None:
        raise ValueError(f"{appointment.ref} has no confirmed slot")
    description = (
        f"Consultoria Técnica TOTVS, referência {appointment.ref}: {appointment.subject} "
        f"({appointment.system}), {local_moment(start, zone)} até {local_moment(end, zone)} "
        f"(horário de {zone.key}).\n"
        f'Para cancelar, fale com o assistente: "cancelar a consultoria {appointment.ref}".'
    )
    event = CalendarEvent(
        uid=f"{appointment.ref}@assistente-consultoria",
        start=start,
        end=end,
        zone=zone,
        summary=f"Consultoria Técnica {appointment.ref} — TOTVS",
        description=description,
        organizer_name=None if organizer is None else organizer.name,
        organizer_email=None if organizer is None else organizer.email,
    )
    return _payload(appointment.ref, event, method, stamp)


def hour_bank_movement(entry: HourBankEntry, zone: tzinfo) -> str:
    """One line of an hour bank's statement: "01/12/2026 10:00 — crédito de 10 h (contrato 2027)"
    or "… — Consultoria Telefônica, ticket 18234567: 45 min do saldo; excedente: R$ 0,00"."""
    when = local_moment(entry.created_at, zone)
    if entry.kind == "credit":
        note = f", {entry.note}" if entry.note else ""
        return f"{when} — crédito de {format_minutes(entry.minutes)}{note}"
    ticket = f", ticket {entry.ticket}" if entry.ticket else ""
    beyond = ""
    if entry.charged_minutes:
        priced = "" if entry.amount is None else f", {format_brl(entry.amount)} mais impostos"
        beyond = f"; além do saldo: {format_minutes(entry.charged_minutes)}{priced}"
    return (
        f"{when} — Consultoria Telefônica{ticket}: {format_minutes(entry.minutes)} do saldo{beyond}"
    )

"""What staff hear when they record the outcome and minutes of a Consultoria do Suporte ticket
(SPEC §3.2, §5, §6). Every number comes from the row the tariff engine priced."""

from __future__ import annotations

from consultoria.db import Person, TermAcceptance, TicketOutcomeRow
from consultoria.presentation import MINUTES_ONLY, OUTCOME_NAMES
from consultoria.services.tickets import (
    InvalidMinutes,
    InvalidTicket,
    NoAcceptance,
    OutcomeMissing,
    TicketRefused,
)
from consultoria.tariff import format_brl, format_minutes

NOTHING_DONE = "Nada foi registrado."
EXAMPLES = (
    '"ticket 18234567: inconsistência nova", "ticket 18234567 sem inconsistência, 35 minutos" '
    'ou "registra 45 min no ticket 18234567"'
)
WHICH_TICKET = (
    f"De qual ticket? Diga o número junto com o resultado e/ou os minutos, por exemplo "
    f"{EXAMPLES}. {NOTHING_DONE}"
)
AMBIGUOUS = (
    "Entendi mais de um resultado na mesma mensagem. Diga só um: inconsistência nova, ainda não "
    "publicada (abonado); inconsistência já publicada; ou sem inconsistência (esses dois são "
    f"cobrados). {NOTHING_DONE}"
)


def ticket_invalid(digits: range) -> str:
    return (
        f"O número do ticket tem só dígitos, de {min(digits)} a {max(digits)} (por exemplo, "
        f"18234567). {NOTHING_DONE}"
    )


def _refusal(exc: TicketRefused) -> str:
    """NoAcceptance, InvalidMinutes, OutcomeMissing or NothingToRecord, in words."""
    ticket = exc.ticket
    if isinstance(exc, NoAcceptance):
        return (
            f"Não há aceite do Termo da Consultoria do Suporte para o ticket {ticket}, então não "
            f"há o que registrar. O cliente (ou consultor) precisa aceitar o Termo antes: "
            f'"aceito a consultoria do suporte no ticket {ticket}".'
        )
    if isinstance(exc, InvalidMinutes):
        return (
            f"Os minutos registrados precisam ser um número inteiro positivo (por exemplo, 35 "
            f"minutos ou 1h20); recebi {exc.minutes}."
        )
    if isinstance(exc, OutcomeMissing):
        return (
            f"O ticket {ticket} ainda não tem resultado registrado, e o valor depende dele. Diga "
            f'o resultado junto com os minutos, por exemplo "ticket {ticket} sem inconsistência, '
            f'35 minutos".'
        )
    return f"Para o ticket {ticket}, diga o resultado e/ou os minutos, por exemplo {EXAMPLES}."


def refusal(exc: TicketRefused, digits: range) -> str:
    """Why nothing was recorded, and what to send instead."""
    if isinstance(exc, InvalidTicket):
        return ticket_invalid(digits)
    return f"{_refusal(exc)} {NOTHING_DONE}"


def _minutes_line(row: TicketOutcomeRow, ticket: str | None) -> str:
    if row.minutes is None or row.billed_minutes is None:
        return (
            "• Minutos: ainda não registrados (quando tiver, diga por exemplo "
            f'"registra 45 min no ticket {ticket}").'
        )
    return (
        f"• Minutos: {format_minutes(row.minutes)} registrados, "
        f"{format_minutes(row.billed_minutes)} tarifados."
    )


def _amount_line(row: TicketOutcomeRow) -> str | None:
    if row.billed_minutes is None:
        return None
    if row.amount is None:
        return f"• Valor: {MINUTES_ONLY}."
    if row.outcome == "new_inconsistency":
        return f"• Valor: {format_brl(row.amount)} (abonado)."
    return f"• Valor: {format_brl(row.amount)} mais impostos."


def _payer(acceptance: TermAcceptance, customer: Person) -> str:
    name = customer.name or "sem nome"
    if acceptance.role == "consultant" and acceptance.unit:
        return f"a unidade {acceptance.unit} (pedido de {name}, consultor(a))"
    return f"o cliente, {name}"


def _told(customer: Person) -> str:
    if customer.channel == "telegram":
        return f"{customer.name or 'Quem aceitou o Termo'} é avisado(a) no Telegram."
    return f'{customer.name or "Quem aceitou o Termo"} vê o resultado em "minhas solicitações".'


def recorded(
    row: TicketOutcomeRow, acceptance: TermAcceptance, customer: Person, *, created: bool
) -> str:
    """What was recorded on the ticket: outcome, minutes, amount and who pays."""
    title = "Registrado" if created else "Essa mensagem já estava registrada"
    lines = [
        f"{title} no ticket {acceptance.ticket} (Consultoria do Suporte):",
        f"• Resultado: {OUTCOME_NAMES[row.outcome]}.",
        _minutes_line(row, acceptance.ticket),
        _amount_line(row),
        f"• Cobrança: {_payer(acceptance, customer)}.",
        _told(customer),
    ]
    return "\n".join(line for line in lines if line)

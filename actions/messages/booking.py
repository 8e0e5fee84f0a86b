"""What the plantão booking says: the form's re-asks, the summary, the Term's last question and
the outcome of the confirmation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from consultoria.tariff import format_brl, format_minutes, format_moment, specialists_text
from consultoria.textparse import Window

PROFILE_AGAIN = "Desculpe, não entendi. Você é cliente TOTVS ou consultor(a)?"
PHONE_AGAIN = 'Não reconheci o telefone. Informe com DDD, por exemplo "(11) 91234-5678".'
# The re-ask for each part of the window the form asked about and could not read.
WINDOW_AGAIN = {
    "reserva_data": 'Não entendi a data. Escreva, por exemplo, "sábado", "amanhã" ou "06/03".',
    "reserva_inicio": 'Não entendi a hora de início. Escreva, por exemplo, "8h" ou "22:00".',
    "reserva_fim": 'Não entendi a hora de término. Escreva, por exemplo, "18h" ou "2h".',
}
DAY_PASSED = "Essa data já passou. O plantão precisa ser agendado para hoje ou uma data futura."
START_PASSED = "Esse horário já passou: o início do plantão precisa estar no futuro."
GAVE_UP = (
    "Não consegui registrar o pedido com essas respostas, então parei por aqui e nada foi "
    "agendado. Você pode recomeçar quando quiser, mandando tudo numa mensagem só (por exemplo "
    '"agendar plantão sábado das 8 às 18"), ou falar com a nossa equipe.'
)
GAVE_UP_BUTTONS = [
    {"title": "Agendar de novo", "payload": "/book_plantao"},
    {"title": "Falar com um atendente", "payload": "/human_handoff"},
]
CONFIRM_BUTTONS = [
    {"title": "Confirmar", "payload": "/affirm"},
    {"title": "Desistir", "payload": "/deny"},
]
TERM_UPDATED = "O Termo do plantão foi atualizado."
REFUSED = "Tudo bem: registrei que você não aceitou o Termo, e nenhum plantão foi agendado."


def unit_again(longest: int) -> str:
    return f"Informe o nome da sua unidade, em até {longest} letras."


def specialists_again(limit: int) -> str:
    return f"O número de especialistas precisa ser de 1 a {limit}."


def reason_again(shortest: int, longest: int) -> str:
    return (
        f"Descreva o motivo em poucas palavras (de {shortest} a {longest} caracteres), por "
        'exemplo "virada de versão do Protheus".'
    )


def window_corrected(window: Window) -> str:
    return (
        f"Certo, corrigi o plantão para: de {format_moment(window.start)} até "
        f"{format_moment(window.end)}."
    )


def not_corrected(problem: str) -> str:
    return f"Não corrigi o dia nem o horário: {problem}"


def quoted_refused(problem: str) -> str:
    return f"O plantão da cotação não pode ser agendado: {problem}"


def quoted_taken(window: Window, specialists: int | None) -> str:
    """The quoted window (and head count, when the quote had one) the form takes as answers."""
    who = "" if specialists is None else f", {specialists_text(specialists)}"
    return (
        f"Vou agendar o plantão da cotação: de {format_moment(window.start)} até "
        f'{format_moment(window.end)}{who}. Para outro dia ou horário, diga "parar" e peça '
        "de novo com a data."
    )


def cancellation_rule(
    deadline: datetime, notice: timedelta, late_minutes: int, late_amount: Decimal | None
) -> str:
    """SPEC §3.3 item 4: until when cancelling is free, and what it costs afterwards."""
    amount = "" if late_amount is None else f" = {format_brl(late_amount)}"
    return (
        f"Cancelamento: sem custo até {format_moment(deadline)} "
        f"({int(notice.total_seconds() // 3600)} h antes do início); depois disso, cobra-se o "
        f"mínimo do primeiro dia: {format_minutes(late_minutes)}{amount}."
    )


def late_cancellation_rule(
    notice: timedelta, late_minutes: int, late_amount: Decimal | None
) -> str:
    """SPEC §4: a booking made inside the free-cancellation notice is never promised a free
    cancellation until a moment already past."""
    amount = "" if late_amount is None else f" = {format_brl(late_amount)}"
    return (
        f"Cancelamento: faltam menos de {int(notice.total_seconds() // 3600)} h para o início, "
        "então um cancelamento já cobra o mínimo do primeiro dia: "
        f"{format_minutes(late_minutes)}{amount}."
    )


def summary(window: Window, specialists: int, reason: str, phone: str, quote: str) -> str:
    return "\n".join(
        [
            "Resumo do pedido de plantão:",
            f"• Início: {format_moment(window.start)}",
            f"• Fim: {format_moment(window.end)}",
            f"• Especialistas: {specialists}",
            f"• Motivo: {reason}",
            f"• Telefone de contato: {phone}",
            "",
            quote,
        ]
    )


def cannot_quote(reason: str) -> str:
    return f"Não consegui calcular o plantão: {reason}"


def warning(note: str) -> str:
    return f"Atenção: {note}"


def term_already_accepted(version: int) -> str:
    return f"Você já aceitou o Termo do plantão (versão {version}). Posso registrar o pedido?"


def not_booked(problems: Iterable[str]) -> str:
    return "Não registrei o pedido: " + " ".join(problems)


def booked(ref: str, window: Window, amount: Decimal | None) -> str:
    expected = "" if amount is None else f" Valor previsto: {format_brl(amount)}."
    return (
        f"Pedido registrado: plantão {ref}, de {format_moment(window.start)} até "
        f"{format_moment(window.end)}.{expected} A equipe da Consultoria foi avisada e confirma "
        'a alocação do especialista. Para acompanhar, diga "meus plantões".'
    )


def already_booked(ref: str) -> str:
    return f"Esse pedido já estava registrado: plantão {ref}."

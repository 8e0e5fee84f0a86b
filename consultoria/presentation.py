"""pt-BR wording about plantões that both front ends (the Rasa actions and the Telegram bot's
staff notifications) show: state names, the one-line description of a plantão, and an instant in
the configured zone. Pure formatting: no I/O, no clock."""

from __future__ import annotations

from datetime import datetime, tzinfo

from consultoria.db.models import Plantao
from consultoria.tariff import format_brl, format_moment

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
    if plantao.amount_due is not None:
        return f"{line}; valor devido {format_brl(plantao.amount_due)}."
    if plantao.quoted_amount is not None:
        return f"{line}; valor previsto {format_brl(plantao.quoted_amount)}."
    return line + "."

"""Money and duration arithmetic and their pt-BR formatting."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from babel.numbers import format_currency, format_decimal

CENT = Decimal("0.01")


def round_brl(value: Decimal) -> Decimal:
    """Round half-up to centavos."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_brl(value: Decimal) -> str:
    """`R$ 1.234,56`, rounded half-up first, with a plain space as the SPEC writes it."""
    text: str = format_currency(round_brl(value), "BRL", locale="pt_BR")
    return text.replace("\xa0", " ")


def format_percent(fraction: Decimal) -> str:
    """`5,25%` for Decimal("0.0525")."""
    text: str = format_decimal(fraction * 100, format="#,##0.####", locale="pt_BR")
    return f"{text}%"


def ceil_minutes(delta: timedelta) -> int:
    """Whole minutes of a duration; a partial minute counts as a whole one."""
    seconds = Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds) / 10**6
    return int((seconds / 60).to_integral_value(rounding=ROUND_CEILING))


def format_minutes(minutes: int) -> str:
    """`240 min (4h)`, `90 min (1h30)`, `45 min`."""
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{minutes} min ({hours}h{rest:02d})" if rest else f"{minutes} min ({hours}h)"

"""Money and duration arithmetic and their pt-BR formatting."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# Python groups thousands with "," and separates decimals with "."; pt-BR swaps them.
_PT_BR_SEPARATORS = str.maketrans({",": ".", ".": ","})


def round_brl(value: Decimal) -> Decimal:
    """Round half-up to centavos."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_brl(value: Decimal) -> str:
    """`R$ 1.234,56`, rounded half-up first, with a plain space as the SPEC writes it."""
    rounded = round_brl(value)
    sign = "-" if rounded < 0 else ""
    return f"{sign}R$ {abs(rounded):,.2f}".translate(_PT_BR_SEPARATORS)


def format_percent(fraction: Decimal) -> str:
    """`5,25%` for Decimal("0.0525"): up to 4 decimals, without trailing zeros."""
    # A rate on display, not money: the last decimal rounds half-even, as it always has.
    percent = (fraction * 100).quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)
    text = f"{percent:,f}".rstrip("0").rstrip(".")
    return f"{text}%".translate(_PT_BR_SEPARATORS)


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

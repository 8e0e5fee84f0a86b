"""The last step of every quote: minutes × price, taxes and the closing lines."""

from __future__ import annotations

from decimal import Decimal

from .model import PriceVersion, TariffRules, TaxLine
from .money import format_brl, format_minutes, format_percent, round_brl


def specialists_text(count: int) -> str:
    return "1 especialista" if count == 1 else f"{count} especialistas"


def net_amount(minutes: int, price: PriceVersion | None) -> Decimal | None:
    if price is None or price.per_minute is None:
        return None
    return round_brl(minutes * price.per_minute)


def gross_up(net: Decimal, rules: TariffRules) -> tuple[tuple[TaxLine, ...], Decimal | None]:
    """gross = net / (1 − Σ rates); taxes rounded per line, the last absorbs the centavo."""
    if not rules.taxes:
        return (), None
    total_rate = sum((t.rate for t in rules.taxes), Decimal(0))
    gross = round_brl(net / (1 - total_rate))
    lines: list[TaxLine] = []
    remaining = gross - net
    for index, tax in enumerate(rules.taxes):
        amount = remaining if index == len(rules.taxes) - 1 else round_brl(gross * tax.rate)
        remaining -= amount
        lines.append(TaxLine(tax.name, tax.rate, amount))
    return tuple(lines), gross


def price_line(price: PriceVersion | None, label: str) -> str:
    if price is None or price.per_minute is None:
        return (
            f"{label} é cobrada por minuto conforme o Termo; a tarifa ainda não está "
            "configurada, então informo apenas os minutos."
        )
    return (
        f"Preço por minuto: {format_brl(price.per_minute)} "
        f"({format_brl(price.per_minute * 60)}/h), em vigor desde {price.effective:%d/%m/%Y}."
    )


def total_lines(
    charged_minutes: int,
    price: PriceVersion | None,
    amount: Decimal | None,
    taxes: tuple[TaxLine, ...],
    gross: Decimal | None,
) -> list[str]:
    if amount is None or price is None or price.per_minute is None:
        return [f"Total: {format_minutes(charged_minutes)} a cobrar, conforme a tarifa do Termo."]
    lines = [
        f"Total: {format_minutes(charged_minutes)} × {format_brl(price.per_minute)}/min = "
        f"{format_brl(amount)} mais impostos."
    ]
    for tax in taxes:
        lines.append(f"{tax.name} ({format_percent(tax.rate)}): {format_brl(tax.amount)}.")
    if gross is not None:
        lines.append(f"Total com impostos: {format_brl(gross)}.")
    return lines

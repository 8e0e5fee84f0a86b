"""The last step of every quote: the charged minutes priced, taxes and the closing lines."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .model import (
    BillTo,
    DayBreakdown,
    HourBankUse,
    Modality,
    PlantaoOutcome,
    PriceVersion,
    Quote,
    TariffRules,
    TaxLine,
)
from .money import format_brl, format_minutes, format_percent, round_brl


@dataclass(frozen=True)
class Charge:
    """The minutes a service costs, computed before any money or line is written."""

    modality: Modality
    minutes_per_specialist: int
    specialists: int
    charged_minutes: int  # all specialists, at the table rate
    price: PriceVersion | None
    waived: bool = False
    bill_to: BillTo = BillTo.CUSTOMER
    days: tuple[DayBreakdown, ...] = ()
    outcome: PlantaoOutcome | None = None
    hour_bank: HourBankUse | None = None


def finish_quote(charge: Charge, lines: Iterable[str], rules: TariffRules) -> Quote:
    """Price `charge` and close its explanation `lines` with the totals.

    Every quote ends here, so a R$ 0 quote (waived, cancelled for free, all minutes taken from
    the hour bank) has the same fields and the same kind of closing lines as any other.
    """
    amount = _net_amount(charge)
    taxes, gross = ((), None) if amount is None else gross_up(amount, rules)
    return Quote(
        modality=charge.modality,
        minutes_per_specialist=charge.minutes_per_specialist,
        specialists=charge.specialists,
        charged_minutes=charge.charged_minutes,
        price=charge.price,
        amount=amount,
        waived=charge.waived,
        lines=(*lines, *total_lines(charge, amount, taxes, gross)),
        bill_to=charge.bill_to,
        days=charge.days,
        outcome=charge.outcome,
        hour_bank=charge.hour_bank,
        taxes=taxes,
        gross_amount=gross,
    )


def _net_amount(charge: Charge) -> Decimal | None:
    """Charged minutes × price; a waived service costs nothing even while its rate is unset."""
    if charge.waived:
        return round_brl(Decimal(0))
    if charge.price is None or charge.price.per_minute is None:
        return None
    return round_brl(charge.charged_minutes * charge.price.per_minute)


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


def specialists_text(count: int) -> str:
    return "1 especialista" if count == 1 else f"{count} especialistas"


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
    charge: Charge, amount: Decimal | None, taxes: tuple[TaxLine, ...], gross: Decimal | None
) -> list[str]:
    lines = [_total_line(charge, amount)]
    lines.extend(
        f"{tax.name} ({format_percent(tax.rate)}): {format_brl(tax.amount)}." for tax in taxes
    )
    if gross is not None:
        lines.append(f"Total com impostos: {format_brl(gross)}.")
    return lines


def _total_line(charge: Charge, amount: Decimal | None) -> str:
    per_minute = None if charge.price is None else charge.price.per_minute
    if charge.waived:
        waived = charge.minutes_per_specialist * charge.specialists
        return f"Total: {format_minutes(waived)} abonados = {format_brl(Decimal(0))}."
    if amount is None or per_minute is None:
        charged = format_minutes(charge.charged_minutes)
        return f"Total: {charged} a cobrar, conforme a tarifa do Termo."
    return (
        f"Total: {format_minutes(charge.charged_minutes)} × {format_brl(per_minute)}/min = "
        f"{format_brl(amount)}{' mais impostos' if amount else ''}."
    )

"""Per-minute services (SPEC §3.2): Consultoria Telefônica, do Suporte and Técnica."""

from __future__ import annotations

from datetime import date

from .model import (
    BillTo,
    HourBankUse,
    Inconsistency,
    Modality,
    Quote,
    RequestedBy,
    TariffError,
    TariffRules,
)
from .money import format_minutes
from .plantao import check_specialists
from .prices import PriceTable
from .pricing import Charge, finish_quote, price_line, specialists_text


def quote_telefonica(
    minutes: int,
    *,
    day: date,
    table: PriceTable,
    rules: TariffRules,
    specialists: int = 1,
    hour_bank_minutes: int | None = None,
) -> Quote:
    """100% of the registered time, minimum per call, per specialist; hour bank first."""
    check_specialists(specialists, rules)
    charge = _telefonica_charge(minutes, day, table, rules, specialists, hour_bank_minutes)
    return finish_quote(charge, _telefonica_lines(minutes, day, charge), rules)


def quote_suporte(
    minutes: int,
    *,
    inconsistency: Inconsistency,
    day: date,
    table: PriceTable,
    rules: TariffRules,
    requested_by: RequestedBy = RequestedBy.CUSTOMER,
) -> Quote:
    """Charged per minute, waived when the analysis finds a new (unpublished) inconsistency."""
    charge = _single_specialist_charge(
        Modality.SUPORTE,
        minutes,
        day,
        table,
        rules,
        requested_by,
        waived=inconsistency is Inconsistency.NEW,
    )
    return finish_quote(charge, _suporte_lines(charge, minutes, day, inconsistency), rules)


def quote_tecnica(
    minutes: int,
    *,
    day: date,
    table: PriceTable,
    rules: TariffRules,
    requested_by: RequestedBy = RequestedBy.CUSTOMER,
) -> Quote:
    """100% charged whatever the cause, origin or outcome, with the same per-call minimum."""
    charge = _single_specialist_charge(Modality.TECNICA, minutes, day, table, rules, requested_by)
    return finish_quote(charge, _tecnica_lines(charge, minutes, day), rules)


# --- compute -------------------------------------------------------------------------------------


def _per_call_minutes(minutes: int, rules: TariffRules) -> int:
    if minutes < 0:
        raise TariffError("A duração não pode ser negativa.")
    return max(minutes, rules.minimum_minutes)


def _telefonica_charge(
    minutes: int,
    day: date,
    table: PriceTable,
    rules: TariffRules,
    specialists: int,
    hour_bank_minutes: int | None,
) -> Charge:
    per_specialist = _per_call_minutes(minutes, rules)
    total = per_specialist * specialists
    bank = None if hour_bank_minutes is None else _hour_bank_use(total, hour_bank_minutes)
    return Charge(
        modality=Modality.TELEFONICA,
        minutes_per_specialist=per_specialist,
        specialists=specialists,
        charged_minutes=total if bank is None else total - bank.used_minutes,
        price=table.price_on(Modality.TELEFONICA, day),
        hour_bank=bank,
    )


def _hour_bank_use(total: int, balance: int) -> HourBankUse:
    if balance < 0:
        raise TariffError("O saldo do banco de horas não pode ser negativo.")
    used = min(balance, total)
    return HourBankUse(used, balance - used)


def _single_specialist_charge(
    modality: Modality,
    minutes: int,
    day: date,
    table: PriceTable,
    rules: TariffRules,
    requested_by: RequestedBy,
    *,
    waived: bool = False,
) -> Charge:
    per_call = _per_call_minutes(minutes, rules)
    return Charge(
        modality=modality,
        minutes_per_specialist=per_call,
        specialists=1,
        charged_minutes=0 if waived else per_call,
        price=table.price_on(modality, day),
        waived=waived,
        bill_to=BillTo.CONSULTANT_UNIT
        if requested_by is RequestedBy.CONSULTANT
        else BillTo.CUSTOMER,
    )


# --- explain -------------------------------------------------------------------------------------


def _registered_line(minutes: int, billed: int) -> str:
    if billed > minutes:
        return (
            f"Registrados {format_minutes(minutes)}: aplica-se a tarifação mínima de "
            f"{format_minutes(billed)}."
        )
    return f"Registrados {format_minutes(minutes)}, cobrados por minuto."


def _telefonica_lines(minutes: int, day: date, charge: Charge) -> list[str]:
    per_specialist, specialists = charge.minutes_per_specialist, charge.specialists
    lines = [
        f"{Modality.TELEFONICA.label} em {day:%d/%m/%Y}, {specialists_text(specialists)}: "
        "100% do tempo registrado no ticket é tarifado, havendo ou não inconsistência no produto.",
        _registered_line(minutes, per_specialist),
    ]
    if specialists > 1:
        total = per_specialist * specialists
        lines.append(
            f"{format_minutes(per_specialist)} × {specialists} especialistas = "
            f"{format_minutes(total)}."
        )
    if charge.hour_bank is not None:
        lines.extend(_hour_bank_lines(charge.hour_bank, charge.charged_minutes))
    lines.append(price_line(charge.price, Modality.TELEFONICA.label))
    return lines


def _hour_bank_lines(bank: HourBankUse, charged: int) -> list[str]:
    balance = bank.used_minutes + bank.remaining_minutes
    lines = [
        f"Banco de horas: {format_minutes(bank.used_minutes)} descontados do saldo de "
        f"{format_minutes(balance)}; restam {format_minutes(bank.remaining_minutes)}."
    ]
    if charged:
        lines.append(f"Excedente ao banco: {format_minutes(charged)} pelo preço da tabela.")
    return lines


def _single_specialist_lines(charge: Charge, minutes: int, day: date, rule: str) -> list[str]:
    """The opening of a Suporte or Técnica quote: the rule, the minimum and who pays."""
    lines = [
        f"{charge.modality.label} em {day:%d/%m/%Y}: {rule}",
        _registered_line(minutes, charge.minutes_per_specialist),
    ]
    if charge.bill_to is BillTo.CONSULTANT_UNIT:
        lines.append(
            "Solicitada por um consultor TOTVS: o custo é repassado à unidade/franquia "
            "responsável, não ao cliente."
        )
    return lines


def _suporte_lines(
    charge: Charge, minutes: int, day: date, inconsistency: Inconsistency
) -> list[str]:
    lines = _single_specialist_lines(charge, minutes, day, "tarifada por minuto, conforme o Termo.")
    lines.append(_INCONSISTENCY_LINES[inconsistency])
    if not charge.waived:  # a waived quote has no rate to explain
        lines.append(price_line(charge.price, charge.modality.label))
    return lines


def _tecnica_lines(charge: Charge, minutes: int, day: date) -> list[str]:
    lines = _single_specialist_lines(
        charge,
        minutes,
        day,
        "100% tarifada, independente da causa, origem ou desfecho, mesmo se constatada "
        "inconsistência no produto.",
    )
    lines.append(price_line(charge.price, charge.modality.label))
    return lines


_INCONSISTENCY_LINES = {
    Inconsistency.NEW: (
        "Abonado: a análise identificou inconsistência de produto/documentação ainda não "
        "publicada no Portal do Cliente, então não há cobrança."
    ),
    Inconsistency.PUBLISHED: "Inconsistência já publicada no Portal do Cliente: cobrança normal.",
    Inconsistency.NONE: "Sem inconsistência nova de produto: cobrança normal.",
}

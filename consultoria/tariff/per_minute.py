"""Per-minute services (SPEC §3.2): Consultoria Telefônica, do Suporte and Técnica."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .model import (
    BillTo,
    HourBankUse,
    Inconsistency,
    Modality,
    PriceVersion,
    Quote,
    RequestedBy,
    TariffError,
    TariffRules,
)
from .money import format_brl, format_minutes, round_brl
from .plantao import check_specialists
from .prices import PriceTable
from .pricing import gross_up, net_amount, price_line, specialists_text, total_lines


def _billed_minutes(minutes: int, rules: TariffRules) -> tuple[int, str]:
    if minutes < 0:
        raise TariffError("A duração não pode ser negativa.")
    minimum = rules.minimum_minutes
    if minutes < minimum:
        return minimum, (
            f"Registrados {format_minutes(minutes)}: aplica-se a tarifação mínima de "
            f"{format_minutes(minimum)}."
        )
    return minutes, f"Registrados {format_minutes(minutes)}, cobrados por minuto."


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
    billed, minimum_line = _billed_minutes(minutes, rules)
    price = table.price_on(Modality.TELEFONICA, day)
    total = billed * specialists
    lines = [
        f"{Modality.TELEFONICA.label} em {day:%d/%m/%Y}, {specialists_text(specialists)}: "
        "100% do tempo registrado no ticket é tarifado, havendo ou não inconsistência no produto.",
        minimum_line,
    ]
    if specialists > 1:
        lines.append(
            f"{format_minutes(billed)} × {specialists} especialistas = {format_minutes(total)}."
        )
    bank: HourBankUse | None = None
    charged = total
    if hour_bank_minutes is not None:
        if hour_bank_minutes < 0:
            raise TariffError("O saldo do banco de horas não pode ser negativo.")
        used = min(hour_bank_minutes, total)
        bank = HourBankUse(used, hour_bank_minutes - used)
        charged = total - used
        lines.append(
            f"Banco de horas: {format_minutes(used)} descontados do saldo de "
            f"{format_minutes(hour_bank_minutes)}; restam {format_minutes(bank.remaining_minutes)}."
        )
        if charged:
            lines.append(f"Excedente ao banco: {format_minutes(charged)} pelo preço da tabela.")
    amount = net_amount(charged, price)
    taxes, gross = gross_up(amount, rules) if amount else ((), None)
    lines.append(price_line(price, Modality.TELEFONICA.label))
    lines.extend(total_lines(charged, price, amount, taxes, gross))
    return Quote(
        modality=Modality.TELEFONICA,
        billed_minutes=billed,
        specialists=specialists,
        price=price,
        amount=amount,
        waived=False,
        lines=tuple(lines),
        hour_bank=bank,
        charged_minutes=charged,
        taxes=taxes,
        gross_amount=gross,
    )


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
    billed, minimum_line = _billed_minutes(minutes, rules)
    price = table.price_on(Modality.SUPORTE, day)
    bill_to = _bill_to(requested_by)
    lines = [
        f"{Modality.SUPORTE.label} em {day:%d/%m/%Y}: tarifada por minuto, conforme o Termo.",
        minimum_line,
    ]
    if bill_to is BillTo.CONSULTANT_UNIT:
        lines.append(_CONSULTANT_LINE)
    if inconsistency is Inconsistency.NEW:
        lines.append(
            "Abonado: a análise identificou inconsistência de produto/documentação ainda não "
            "publicada no Portal do Cliente, então não há cobrança."
        )
        lines.append(f"Total: {format_minutes(billed)} abonados = {format_brl(Decimal(0))}.")
        return Quote(
            modality=Modality.SUPORTE,
            billed_minutes=billed,
            specialists=1,
            price=price,
            amount=round_brl(Decimal(0)),
            waived=True,
            lines=tuple(lines),
            bill_to=bill_to,
            charged_minutes=0,
        )
    lines.append(
        "Inconsistência já publicada no Portal do Cliente: cobrança normal."
        if inconsistency is Inconsistency.PUBLISHED
        else "Sem inconsistência nova de produto: cobrança normal."
    )
    return _charged(Modality.SUPORTE, billed, price, lines, rules, bill_to)


def quote_tecnica(
    minutes: int,
    *,
    day: date,
    table: PriceTable,
    rules: TariffRules,
    requested_by: RequestedBy = RequestedBy.CUSTOMER,
) -> Quote:
    """100% charged whatever the cause, origin or outcome, with the same per-call minimum."""
    billed, minimum_line = _billed_minutes(minutes, rules)
    price = table.price_on(Modality.TECNICA, day)
    bill_to = _bill_to(requested_by)
    lines = [
        f"{Modality.TECNICA.label} em {day:%d/%m/%Y}: 100% tarifada, independente da causa, "
        "origem ou desfecho, mesmo se constatada inconsistência no produto.",
        minimum_line,
    ]
    if bill_to is BillTo.CONSULTANT_UNIT:
        lines.append(_CONSULTANT_LINE)
    return _charged(Modality.TECNICA, billed, price, lines, rules, bill_to)


_CONSULTANT_LINE = (
    "Solicitada por um consultor TOTVS: o custo é repassado à unidade/franquia responsável, "
    "não ao cliente."
)


def _bill_to(requested_by: RequestedBy) -> BillTo:
    return BillTo.CONSULTANT_UNIT if requested_by is RequestedBy.CONSULTANT else BillTo.CUSTOMER


def _charged(
    modality: Modality,
    billed: int,
    price: PriceVersion | None,
    lines: list[str],
    rules: TariffRules,
    bill_to: BillTo,
) -> Quote:
    amount = net_amount(billed, price)
    taxes, gross = gross_up(amount, rules) if amount else ((), None)
    lines.append(price_line(price, modality.label))
    lines.extend(total_lines(billed, price, amount, taxes, gross))
    return Quote(
        modality=modality,
        billed_minutes=billed,
        specialists=1,
        price=price,
        amount=amount,
        waived=False,
        lines=tuple(lines),
        bill_to=bill_to,
        charged_minutes=billed,
        taxes=taxes,
        gross_amount=gross,
    )

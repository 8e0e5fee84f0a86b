"""What the quotes say: the figure and the lines behind it, the price list, and the re-asks
of the quote form."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from consultoria.tariff import Quote, format_brl, format_minutes

DURATION_AGAIN = 'Não entendi a duração. Escreva, por exemplo, "45 minutos" ou "1h30".'
WINDOW_AGAIN = (
    "Não consegui entender o dia e o horário. Escreva, por exemplo, "
    '"sábado das 8 às 18" ou "06/03 das 22h às 2h".'
)
END_TIME_AGAIN = 'Não entendi a hora do encerramento. Escreva, por exemplo, "às 10h".'
MISSING_WINDOW = "Faltou o dia e o horário do plantão."
BUTTON_CALCULATE = {"title": "Calcular um valor", "payload": "/ask_quote"}


def specialists_again(limit: int) -> str:
    return f"O número de especialistas precisa ser de 1 a {limit}. Quantos você quer?"


def not_quoted(reason: str) -> str:
    return f"Não consegui calcular: {reason}"


def quote_message(quote: Quote, paying_unit: str | None = None) -> str:
    """The answer: the figure first, then the lines that justify it, and who pays when a
    consultant's unit does."""
    if quote.waived:
        head = f"{quote.modality.label}: abonada, {format_brl(quote.amount or Decimal(0))}."
    elif quote.amount is None:
        head = (
            f"{quote.modality.label}: {format_minutes(quote.charged_minutes)} a cobrar, "
            "pela tarifa do Termo."
        )
    elif not quote.amount:
        # Nothing to pay (a free cancellation, minutes all from the hour bank): no taxes either.
        head = f"{quote.modality.label}: sem custo, {format_brl(quote.amount)}."
    else:
        head = f"{quote.modality.label}: {format_brl(quote.amount)} mais impostos."
    payer = [] if paying_unit is None else [unit_pays(paying_unit)]
    return "\n".join([head, "", *quote.lines, *payer])


def unit_pays(unit: str) -> str:
    return (
        f"Faturamento: como você é consultor(a), a cobrança vai para a unidade {unit}, "
        "não para o cliente final."
    )


def booking_notes(notes: Iterable[str]) -> str:
    """What booking the quoted window would meet: the rules it breaks or comes close to."""
    return "Observação: " + " ".join(notes)


def price_list(prices: Iterable[str], minimum_minutes: int) -> str:
    """The prices in force today, one described version a line."""
    lines = ["Preços em vigor hoje, por especialista, mais impostos:"]
    lines += [f"• {price}" for price in prices]
    lines.append(
        f"Tarifação mínima de {format_minutes(minimum_minutes)} por "
        f"atendimento; reajuste anual pelo IGP-M. O Suporte Padrão não tem custo adicional."
    )
    return "\n".join(lines)

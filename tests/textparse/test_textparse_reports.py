"""Which report staff ask for, and of which month, read against a pinned day."""

from __future__ import annotations

from datetime import date

import pytest

from consultoria.textparse.reports import (
    ReportMonthError,
    ReportRequest,
    asks_for_report,
    parse_report_request,
)

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("text", "kind", "month"),
    [
        ("relatório de plantões de março de 2027", "plantoes", (2027, 3)),
        ("relatorio de plantoes 2027-03", "plantoes", (2027, 3)),
        ("gera o csv de plantões de 03/2027", "plantoes", (2027, 3)),
        ("relatório de plantão de fevereiro/2027", "plantoes", (2027, 2)),
        ("relatório de plantões de mar/27", "plantoes", (2027, 3)),
        ("me envia o relatório de plantões de dez/2026", "plantoes", (2026, 12)),
        ("relatório de dezembro de 2025", "plantoes", (2025, 12)),
        ("RELATÓRIO DE PLANTÕES DE NOVEMBRO", "plantoes", (2026, 11)),
        ("relatório de jan", "plantoes", (2026, 1)),
        ("csv dos plantões de março", "plantoes", (2026, 3)),
        ("relatório do mês passado", "plantoes", (2026, 11)),
        ("relatorio do mes anterior", "plantoes", (2026, 11)),
        ("relatório do último mês", "plantoes", (2026, 11)),
        ("relatório desse mês", "plantoes", (2026, 12)),
        ("relatorio do mes atual", "plantoes", (2026, 12)),
        ("relatório de aceites de novembro", "acceptances", (2026, 11)),
        ("manda o csv dos aceites do mês passado", "acceptances", (2026, 11)),
        ("auditoria dos termos aceitos em setembro", "acceptances", (2026, 9)),
        ("relatório das recusas de 10/2026", "acceptances", (2026, 10)),
        ("relatorio de aceitacoes 2026-07", "acceptances", (2026, 7)),
        ("relatório de aceites de 03/27", "acceptances", (2027, 3)),
    ],
)
def test_the_report_and_its_month(text: str, kind: str, month: tuple[int, int]) -> None:
    expected = ReportRequest(kind, *month, month_said=True)  # type: ignore[arg-type]
    assert parse_report_request(text, TODAY) == expected


@pytest.mark.parametrize(("text", "year"), [("relatório de janeiro", 2027), ("de março", 2026)])
def test_a_month_without_its_year_is_the_latest_not_after_this_one(text: str, year: int) -> None:
    asked = parse_report_request(text, date(2027, 2, 10))
    assert (asked.year, asked.month_said) == (year, True)


@pytest.mark.parametrize(
    ("text", "today", "month"),
    [
        ("relatório de plantões", TODAY, (2026, 11)),
        ("relatorio mensal", TODAY, (2026, 11)),
        ("manda o relatório pro financeiro", date(2027, 1, 15), (2026, 12)),
        # A whole date is not a month: the last closed one.
        ("relatório de plantões do dia 15/03/2027", TODAY, (2026, 11)),
    ],
)
def test_without_a_month_the_last_closed_one(
    text: str, today: date, month: tuple[int, int]
) -> None:
    asked = parse_report_request(text, today)
    assert (asked.year, asked.month, asked.month_said) == (*month, False)


@pytest.mark.parametrize("text", ["relatório 13/2026", "relatório de plantões 2026-00", "00/2027"])
def test_a_month_that_does_not_exist(text: str) -> None:
    with pytest.raises(ReportMonthError):
        parse_report_request(text, TODAY)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("relatório de plantões de março", True),
        ("manda o csv do mês passado", True),
        ("auditoria dos aceites", True),
        ("planilha de cobranças de outubro", True),
        ("vale a pena ir pra cancun em dezembro", False),
        ("o que abre em março?", False),
    ],
)
def test_what_names_a_report(text: str, asks: bool) -> None:
    assert asks_for_report(text) is asks

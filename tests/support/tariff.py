"""Quoting a plantão window in tests and benchmarks with the engine's own function."""

from __future__ import annotations

from datetime import date, datetime

from consultoria.tariff import PriceTable, Quote, TariffRules, quote_plantao


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second)


def quote_window(
    rules: TariffRules,
    table: PriceTable,
    start: datetime,
    end: datetime,
    ended_at: datetime | None = None,
    specialists: int = 1,
) -> Quote:
    """The engine's quote of [start, end), ended or cancelled at `ended_at` when given."""
    return quote_plantao(
        start, end, specialists=specialists, table=table, rules=rules, ended_at=ended_at
    )

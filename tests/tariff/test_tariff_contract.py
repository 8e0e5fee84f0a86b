"""The JSON contract of a quote (`Quote.to_dict`, SPEC §3.4)."""

from __future__ import annotations

import json
from datetime import date, datetime

from consultoria.tariff import (
    Inconsistency,
    PriceTable,
    TariffRules,
    quote_plantao,
    quote_suporte,
    quote_telefonica,
)
from tests.support.tariff import quote_window

DAY_KEYS = {"date", "scheduled_minutes", "worked_minutes", "minimum_minutes", "billed_minutes"}


def test_plantao_to_dict(rules: TariffRules, table: PriceTable) -> None:
    start, end = datetime(2027, 3, 5, 20), datetime(2027, 3, 6, 2)
    q = quote_window(rules, table, start, end, datetime(2027, 3, 6, 1), specialists=2)
    data = q.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["modality"] == "plantao"
    assert data["billed_minutes"] == 360
    assert type(data["billed_minutes"]) is int
    assert data["minutes_per_specialist"] == 360  # the same figure under its new name
    assert data["specialists"] == 2
    assert data["charged_minutes"] == 720
    assert data["price_per_minute"] == "4.00"
    assert data["price_effective"] == "2026-01-01"
    assert data["amount"] == "2880.00"
    assert data["currency"] == "BRL"
    assert data["waived"] is False
    assert data["bill_to"] == "customer"
    assert data["outcome"] == "early_end"
    assert isinstance(data["lines"], list)
    assert data["lines"]
    assert all(isinstance(line, str) for line in data["lines"])
    assert data["lines"] == list(q.lines)
    assert data["days"] == [
        {
            "date": "2027-03-05",
            "scheduled_minutes": 240,
            "worked_minutes": 240,
            "minimum_minutes": 240,
            "billed_minutes": 240,
        },
        {
            "date": "2027-03-06",
            "scheduled_minutes": 120,
            "worked_minutes": 60,
            "minimum_minutes": 120,
            "billed_minutes": 120,
        },
    ]
    assert all(set(day) == DAY_KEYS for day in data["days"])
    assert "hour_bank" not in data
    assert "taxes" not in data


def test_plantao_outcome_values(rules: TariffRules, table: PriceTable) -> None:
    start, end = datetime(2027, 3, 6, 8), datetime(2027, 3, 6, 18)

    def outcome(ended_at: datetime | None) -> object:
        q = quote_plantao(start, end, specialists=1, table=table, rules=rules, ended_at=ended_at)
        return q.to_dict()["outcome"]

    assert outcome(None) == "full"
    assert outcome(datetime(2027, 3, 6, 9)) == "early_end"
    assert outcome(datetime(2027, 3, 6, 7)) == "cancelled"
    assert outcome(datetime(2027, 3, 1, 7)) == "cancelled_free"


def test_telefonica_to_dict(rules: TariffRules, table: PriceTable) -> None:
    data = quote_telefonica(45, day=date(2027, 3, 8), table=table, rules=rules).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["modality"] == "telefonica"
    assert data["billed_minutes"] == 45
    assert data["specialists"] == 1
    assert data["charged_minutes"] == 45
    assert data["price_per_minute"] == "4.00"
    assert data["amount"] == "180.00"
    assert data["currency"] == "BRL"
    assert data["waived"] is False
    assert "days" not in data
    assert "outcome" not in data
    assert "hour_bank" not in data


def test_suporte_to_dict_unset_and_waived(rules: TariffRules, table: PriceTable) -> None:
    day = date(2027, 3, 8)
    unset = quote_suporte(
        5, inconsistency=Inconsistency.NONE, day=day, table=table, rules=rules
    ).to_dict()
    assert unset["billed_minutes"] == 10
    assert unset["price_per_minute"] is None
    assert unset["amount"] is None
    assert unset["waived"] is False
    assert unset["currency"] == "BRL"
    waived = quote_suporte(
        5, inconsistency=Inconsistency.NEW, day=day, table=table, rules=rules
    ).to_dict()
    assert waived["waived"] is True
    assert waived["amount"] == "0.00"
    assert (waived["minutes_per_specialist"], waived["charged_minutes"]) == (10, 0)
    assert waived["modality"] == "suporte"

"""Validation of the business configuration (consultoria/settings.py, parse_settings)."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from consultoria.settings import ConfigError, Settings, parse_settings
from consultoria.tariff import Modality

SOURCE = Path("teste.yml")


def test_shipped_config(settings: Settings) -> None:
    tariff = settings.tariff
    assert tariff.calendar.timezone == ZoneInfo("America/Sao_Paulo")
    assert tariff.calendar.business_weekdays == frozenset({0, 1, 2, 3, 4})
    assert (tariff.calendar.business_start, tariff.calendar.business_end) == (time(8), time(18))
    assert tariff.calendar.holiday_country == "BR"
    assert tariff.calendar.holiday_subdivision is None
    assert tariff.calendar.extra_holidays == frozenset()
    assert tariff.plantao.max_specialists == 5
    assert dict(tariff.plantao.daily_minimum_minutes) == {
        0: 120,
        1: 120,
        2: 120,
        3: 120,
        4: 240,
        5: 240,
        6: 240,
    }
    assert tariff.plantao.holiday_minimum_minutes == 240
    assert tariff.plantao.free_cancellation_notice == timedelta(hours=24)
    assert tariff.plantao.short_notice == timedelta(hours=24)
    assert tariff.plantao.max_window == timedelta(days=7)
    assert tariff.minimum_minutes == 10
    assert tariff.readjustment_interval_months == 12
    assert tariff.negative_igpm_keeps_price is True
    assert tariff.taxes == ()
    assert {p.modality for p in settings.prices} == set(Modality)
    assert settings.booking_max_failed_attempts == 3
    assert settings.review_retention_days == 90
    assert set(settings.terms) == set(Modality)
    plantao = settings.terms[Modality.PLANTAO]
    assert plantao.title == "Termo de Aceite do Plantão 24x7"
    assert "{minimo_seg_qui}" in plantao.summary  # placeholders are kept for the renderer
    assert plantao.text.startswith("1. Objeto.")


def test_parse_valid_copy(raw_config: dict[str, Any]) -> None:
    raw_config["taxes"] = [
        {"name": "ISS", "rate": "0.05"},
        {"name": "PIS/COFINS", "rate": "0.0365"},
    ]
    raw_config["holidays"]["extra_dates"] = [date(2027, 3, 9)]
    parsed = parse_settings(raw_config, SOURCE)
    assert [t.rate for t in parsed.tariff.taxes] == [Decimal("0.05"), Decimal("0.0365")]
    assert parsed.tariff.calendar.extra_holidays == frozenset({date(2027, 3, 9)})


def _fails(raw: dict[str, Any], *fragments: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_settings(raw, SOURCE)
    message = str(info.value)
    assert "teste.yml" in message
    for fragment in fragments:
        assert fragment in message, message


def test_missing_prices_for_a_modality(raw_config: dict[str, Any]) -> None:
    raw_config["prices"] = [p for p in raw_config["prices"] if p["modality"] != "tecnica"]
    _fails(raw_config, "prices", "tecnica")


def test_float_money_rejected(raw_config: dict[str, Any]) -> None:
    raw_config["prices"][0]["per_minute"] = 4.0
    _fails(raw_config, "prices[0].per_minute")


def test_money_with_three_decimals_rejected(raw_config: dict[str, Any]) -> None:
    raw_config["prices"][1]["per_minute"] = "4.005"
    _fails(raw_config, "prices[1].per_minute")


def test_duplicate_price_version_rejected(raw_config: dict[str, Any]) -> None:
    raw_config["prices"].append(
        {"modality": "plantao", "per_minute": "5.00", "effective": "2026-01-01"}
    )
    _fails(raw_config, "prices")


def test_unknown_modality_rejected(raw_config: dict[str, Any]) -> None:
    raw_config["prices"][0]["modality"] = "inloco"
    _fails(raw_config, "prices[0].modality")


def test_negative_minimum_rejected(raw_config: dict[str, Any]) -> None:
    raw_config["minimum_minutes"] = -1
    _fails(raw_config, "minimum_minutes")


def test_negative_daily_minimum_rejected(raw_config: dict[str, Any]) -> None:
    raw_config["plantao"]["daily_minimum_minutes"]["sat"] = -240
    _fails(raw_config, "plantao.daily_minimum_minutes.sat")


def test_unknown_weekday_in_minimums(raw_config: dict[str, Any]) -> None:
    minimums = raw_config["plantao"]["daily_minimum_minutes"]
    minimums["sab"] = minimums.pop("sat")
    _fails(raw_config, "plantao.daily_minimum_minutes")


def test_unknown_weekday_in_business_hours(raw_config: dict[str, Any]) -> None:
    raw_config["business_hours"]["weekdays"] = ["mon", "segunda"]
    _fails(raw_config, "business_hours.weekdays")


def test_business_end_before_start(raw_config: dict[str, Any]) -> None:
    raw_config["business_hours"]["end"] = "07:00"
    _fails(raw_config, "business_hours")


def test_tax_sum_at_least_one(raw_config: dict[str, Any]) -> None:
    raw_config["taxes"] = [{"name": "A", "rate": "0.5"}, {"name": "B", "rate": "0.5"}]
    _fails(raw_config, "taxes")


def test_float_tax_rate_rejected(raw_config: dict[str, Any]) -> None:
    raw_config["taxes"] = [{"name": "ISS", "rate": 0.05}]
    _fails(raw_config, "taxes[0].rate")


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", 3])
def test_unknown_timezone(raw_config: dict[str, Any], zone: object) -> None:
    raw_config["timezone"] = zone
    _fails(raw_config, "timezone")


def test_missing_key_named(raw_config: dict[str, Any]) -> None:
    del raw_config["plantao"]["max_specialists"]
    _fails(raw_config, "plantao.max_specialists", "ausente")


def test_zero_specialists_rejected(raw_config: dict[str, Any]) -> None:
    raw_config["plantao"]["max_specialists"] = 0
    _fails(raw_config, "plantao.max_specialists")


def test_unknown_holiday_country(raw_config: dict[str, Any]) -> None:
    raw_config["holidays"]["country"] = "XX"
    _fails(raw_config, "holidays")


def test_invalid_subdivision(raw_config: dict[str, Any]) -> None:
    raw_config["holidays"]["subdivision"] = "ZZ"
    _fails(raw_config, "holidays")


def test_not_a_mapping() -> None:
    with pytest.raises(ConfigError):
        parse_settings(["not", "a", "mapping"], SOURCE)


def test_missing_terms(raw_config: dict[str, Any]) -> None:
    del raw_config["terms"]
    _fails(raw_config, "faltou a chave terms com os Termos das modalidades")


@pytest.mark.parametrize("key", ["title", "summary", "text"])
def test_term_without_a_text(raw_config: dict[str, Any], key: str) -> None:
    del raw_config["terms"]["suporte"][key]
    _fails(raw_config, "terms.suporte precisa de title, summary e text")


def test_term_of_a_modality_missing(raw_config: dict[str, Any]) -> None:
    del raw_config["terms"]["tecnica"]
    _fails(raw_config, "terms.tecnica precisa de title, summary e text")


@pytest.mark.parametrize("value", [0, -1, True, "3", None])
def test_invalid_max_failed_attempts(raw_config: dict[str, Any], value: object) -> None:
    raw_config["booking"]["max_failed_attempts"] = value
    _fails(raw_config, "booking.max_failed_attempts deve ser um inteiro positivo")


@pytest.mark.parametrize("value", [0, -5, "90", None])
def test_invalid_review_retention(raw_config: dict[str, Any], value: object) -> None:
    raw_config["review"]["retention_days"] = value
    _fails(raw_config, "review.retention_days")


def test_missing_booking_section(raw_config: dict[str, Any]) -> None:
    del raw_config["booking"]
    _fails(raw_config, "booking.max_failed_attempts deve ser um inteiro positivo")

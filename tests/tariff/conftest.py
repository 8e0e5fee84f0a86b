"""Shared fixtures of the tariff suite: the shipped configuration and a few variants of it."""

from __future__ import annotations

import copy
import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import yaml

from consultoria.settings import DEFAULT_CONFIG, Settings, load_settings
from consultoria.tariff import Modality, PriceTable, PriceVersion, TariffRules, TaxRate


@pytest.fixture(scope="session")
def settings() -> Settings:
    """The real consultoria.yml (not whatever CONSULTORIA_CONFIG points at)."""
    return load_settings(DEFAULT_CONFIG)


@pytest.fixture(scope="session")
def rules(settings: Settings) -> TariffRules:
    return settings.tariff


@pytest.fixture(scope="session")
def table(settings: Settings) -> PriceTable:
    return settings.price_table


@pytest.fixture(scope="session")
def priced_table(table: PriceTable) -> PriceTable:
    """The shipped table plus rates for the "as in the Term" modalities."""
    return PriceTable.of(
        (
            *table.versions,
            PriceVersion(Modality.SUPORTE, Decimal("3.50"), date(2027, 1, 1)),
            PriceVersion(Modality.TECNICA, Decimal("5.00"), date(2027, 1, 1)),
        )
    )


@pytest.fixture(scope="session")
def tax_rules(rules: TariffRules) -> TariffRules:
    return dataclasses.replace(
        rules,
        taxes=(TaxRate("ISS", Decimal("0.05")), TaxRate("PIS/COFINS", Decimal("0.0365"))),
    )


@pytest.fixture
def raw_config() -> dict[str, Any]:
    """A fresh, mutable copy of the parsed YAML of consultoria.yml."""
    return copy.deepcopy(_RAW)


_RAW: dict[str, Any] = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))

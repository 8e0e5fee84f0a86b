"""Wording bugs of issue #15: a quote with nothing to pay says no "R$ 0,00 mais impostos", and
the business hours are not followed twice by "exceto feriados"."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from actions.messages.figures import template_slots
from actions.messages.plantoes import cancellation_cost
from actions.messages.quotes import quote_message
from consultoria.settings import DEFAULT_CONFIG, load_settings
from consultoria.tariff import Quote, quote_plantao, quote_telefonica

SETTINGS = load_settings(DEFAULT_CONFIG)


def saturday_plantao_cancelled(at: datetime, specialists: int) -> Quote:
    """Saturday 06/03/2027 08:00-18:00 cancelled at `at`."""
    return quote_plantao(
        datetime(2027, 3, 6, 8),
        datetime(2027, 3, 6, 18),
        specialists=specialists,
        table=SETTINGS.price_table,
        rules=SETTINGS.tariff,
        ended_at=at,
    )


def test_a_free_cancellation_says_it_costs_nothing_and_adds_no_taxes() -> None:
    free = saturday_plantao_cancelled(datetime(2027, 3, 1, 9), 2)  # five days ahead: free
    said = cancellation_cost("P-0042", free)
    assert "Plantão 24x7: sem custo, R$ 0,00." in said
    assert "R$ 0,00 mais impostos" not in said
    assert said.rstrip().endswith("R$ 0,00.")


def test_minutes_all_from_the_hour_bank_cost_nothing() -> None:
    banked = quote_telefonica(
        45,
        day=date(2027, 3, 8),
        table=SETTINGS.price_table,
        rules=SETTINGS.tariff,
        hour_bank_minutes=100,
    )
    said = quote_message(banked)
    assert said.startswith("Consultoria Telefônica: sem custo, R$ 0,00.")
    assert "mais impostos" not in said


def test_a_quote_with_an_amount_still_says_plus_taxes() -> None:
    late = saturday_plantao_cancelled(datetime(2027, 3, 5, 20), 1)  # 12 h ahead: the minimum
    said = quote_message(late)
    assert said.startswith("Plantão 24x7: R$ 960,00 mais impostos.")
    assert "R$ 960,00 mais impostos." in said.splitlines()[-1]


def _rendered_responses() -> dict[str, str]:
    """Every response text of the domain with its `{cfg_*}` figures filled in."""
    figures = template_slots(SETTINGS, SETTINGS.price_table, date(2026, 12, 2))
    rendered = {}
    for path in sorted((Path(__file__).parents[2] / "domain").glob("*.yml")):
        responses = (yaml.safe_load(path.read_text("utf-8")) or {}).get("responses") or {}
        for name, variants in responses.items():
            for variant in variants:
                rendered[name] = str(variant.get("text", "")).format_map(figures)
    return rendered


RENDERED = _rendered_responses()


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_no_response_repeats_a_phrase_of_the_business_hours(name: str) -> None:
    assert "exceto feriados, exceto feriados" not in RENDERED[name]
    assert RENDERED[name].count("exceto feriados") <= 1


def test_the_business_hours_answer_names_the_hours_and_the_holidays_once() -> None:
    said = RENDERED["utter_faq/horario_comercial"]
    assert said.startswith(
        "O horário comercial é de segunda a sexta, das 08:00 às 18:00, exceto feriados. "
    )

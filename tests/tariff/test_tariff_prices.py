"""Versioned price table, IGP-M readjustment and taxes (SPEC §3.1)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from consultoria.tariff import (
    Inconsistency,
    Modality,
    PriceTable,
    PriceVersion,
    Quote,
    TariffError,
    TariffRules,
    accumulated_igpm,
    quote_plantao,
    quote_suporte,
    quote_telefonica,
    round_brl,
)
from tests.support.tariff import quote_window


def per_minute(table: PriceTable, modality: Modality, day: date) -> Decimal | None:
    price = table.price_on(modality, day)
    assert price is not None
    return price.per_minute


# --- price table ---------------------------------------------------------------------------------


def test_shipped_table(table: PriceTable) -> None:
    for modality in (Modality.TELEFONICA, Modality.PLANTAO):
        price = table.price_on(modality, date(2027, 3, 6))
        assert price is not None
        assert (price.per_minute, price.effective) == (Decimal("4.00"), date(2026, 1, 1))
    for modality in (Modality.SUPORTE, Modality.TECNICA):
        price = table.price_on(modality, date(2027, 3, 6))
        assert price is not None
        assert price.per_minute is None
    assert table.price_on(Modality.PLANTAO, date(2025, 12, 31)) is None


def test_price_on_picks_the_version_in_force(table: PriceTable) -> None:
    new = PriceTable.of(
        (*table.versions, PriceVersion(Modality.TELEFONICA, Decimal("4.15"), date(2027, 1, 1)))
    )
    assert per_minute(new, Modality.TELEFONICA, date(2026, 12, 31)) == Decimal("4.00")
    assert per_minute(new, Modality.TELEFONICA, date(2027, 1, 1)) == Decimal("4.15")
    assert per_minute(new, Modality.PLANTAO, date(2027, 1, 1)) == Decimal("4.00")


def test_duplicate_version_rejected(table: PriceTable) -> None:
    with pytest.raises(TariffError, match="01/01/2026"):
        PriceTable.of(
            (*table.versions, PriceVersion(Modality.PLANTAO, Decimal("5.00"), date(2026, 1, 1)))
        )


# --- IGP-M ---------------------------------------------------------------------------------------


def test_accumulated_igpm_compounds_twelve_months() -> None:
    assert accumulated_igpm([Decimal(1)] * 12) == Decimal("12.682503013196972066120100")
    assert accumulated_igpm([Decimal(0)] * 12) == 0
    monthly = ["0.5", "-0.2", "1.0", "0.3", "0", "0.4", "0.25", "-0.1", "0.6", "0.2", "0.1", "0.35"]
    factor = Fraction(1)
    for m in monthly:
        factor *= 1 + Fraction(m) / 100
    expected = (factor - 1) * 100
    got = accumulated_igpm([Decimal(m) for m in monthly])
    assert abs(Fraction(got) - expected) < Fraction(1, 10**20)
    assert got.quantize(Decimal("0.000001")) == Decimal("3.447416")
    # 1.10 × 1.10 = 1.21 → 21%; 1.10 × 0.90 = 0.99 → −1% (not 0% as a plain sum would say)
    assert accumulated_igpm([Decimal(10), Decimal(10)] + [Decimal(0)] * 10) == 21
    assert accumulated_igpm([Decimal(10), Decimal(-10)] + [Decimal(0)] * 10) == -1
    assert got != sum(Decimal(m) for m in monthly)  # compounded, not summed


@pytest.mark.parametrize("count", [0, 11, 13])
def test_accumulated_igpm_needs_twelve_figures(count: int) -> None:
    with pytest.raises(TariffError, match="12"):
        accumulated_igpm([Decimal(1)] * count)


@pytest.mark.parametrize(
    ("igpm", "expected"),
    [
        ("3.75", "4.15"),
        ("3.625", "4.15"),  # 4.145 rounds half-up
        ("3.624", "4.14"),
        ("0", "4.00"),
        ("10", "4.40"),
        ("-2", "4.00"),  # negative IGP-M keeps the price
    ],
)
def test_readjust(rules: TariffRules, table: PriceTable, igpm: str, expected: str) -> None:
    new, version = table.readjust(Modality.TELEFONICA, Decimal(igpm), date(2027, 1, 1), rules)
    assert version == PriceVersion(
        Modality.TELEFONICA, Decimal(expected), date(2027, 1, 1), igpm_percent=Decimal(igpm)
    )
    assert str(version.per_minute) == expected
    assert new.history(Modality.TELEFONICA) == (*table.history(Modality.TELEFONICA), version)
    assert new.history(Modality.PLANTAO) == table.history(Modality.PLANTAO)
    assert per_minute(table, Modality.TELEFONICA, date(2027, 6, 1)) == Decimal("4.00")


def test_readjust_with_compounded_igpm(rules: TariffRules, table: PriceTable) -> None:
    igpm = accumulated_igpm([Decimal(1)] * 12)
    _, version = table.readjust(Modality.PLANTAO, igpm, date(2027, 1, 1), rules)
    assert version.per_minute == Decimal("4.51")  # 4.00 × 1.126825... = 4.5073


def test_negative_igpm_lowers_price_when_configured(rules: TariffRules, table: PriceTable) -> None:
    custom = dataclasses.replace(rules, negative_igpm_keeps_price=False)
    _, version = table.readjust(Modality.TELEFONICA, Decimal("-2"), date(2027, 1, 1), custom)
    assert version.per_minute == Decimal("3.92")


def test_readjust_at_most_once_per_twelve_months(rules: TariffRules, table: PriceTable) -> None:
    with pytest.raises(TariffError, match="01/01/2027"):
        table.readjust(Modality.TELEFONICA, Decimal("3.75"), date(2026, 12, 31), rules)
    with pytest.raises(TariffError, match="01/01/2027"):
        table.readjust(Modality.TELEFONICA, Decimal("3.75"), date(2025, 6, 1), rules)
    new, _ = table.readjust(Modality.TELEFONICA, Decimal("3.75"), date(2027, 1, 1), rules)
    with pytest.raises(TariffError, match="01/01/2028"):
        new.readjust(Modality.TELEFONICA, Decimal("3.75"), date(2027, 12, 31), rules)
    newer, version = new.readjust(Modality.TELEFONICA, Decimal("10"), date(2028, 1, 1), rules)
    assert version.per_minute == Decimal("4.57")  # 4.15 × 1.10 = 4.565 → half-up
    assert [v.per_minute for v in newer.history(Modality.TELEFONICA)] == [
        Decimal("4.00"),
        Decimal("4.15"),
        Decimal("4.57"),
    ]


def test_readjust_unset_rate_rejected(rules: TariffRules, table: PriceTable) -> None:
    with pytest.raises(TariffError, match="Termo"):
        table.readjust(Modality.SUPORTE, Decimal("3.75"), date(2027, 1, 1), rules)
    empty = PriceTable.of([])
    with pytest.raises(TariffError):
        empty.readjust(Modality.PLANTAO, Decimal("3.75"), date(2027, 1, 1), rules)


def test_readjust_never_changes_past_quotes(rules: TariffRules, table: PriceTable) -> None:
    new, _ = table.readjust(Modality.PLANTAO, Decimal("3.75"), date(2027, 3, 6), rules)
    new, _ = new.readjust(Modality.TELEFONICA, Decimal("3.75"), date(2027, 3, 6), rules)
    fri, sat = datetime(2027, 3, 5, 20), datetime(2027, 3, 6, 2)
    before = quote_plantao(fri, sat, specialists=2, table=table, rules=rules)
    after = quote_plantao(fri, sat, specialists=2, table=new, rules=rules)
    assert after == before
    assert after.amount == Decimal("2880.00")
    day = date(2027, 3, 5)
    assert quote_telefonica(45, day=day, table=new, rules=rules) == quote_telefonica(
        45, day=day, table=table, rules=rules
    )
    later = quote_plantao(sat, datetime(2027, 3, 6, 8), specialists=1, table=new, rules=rules)
    assert later.price_per_minute == Decimal("4.15")
    assert later.amount == Decimal("1494.00")
    assert later.price is not None
    assert later.price.igpm_percent == Decimal("3.75")


def test_describe_versions(rules: TariffRules, table: PriceTable) -> None:
    _, version = table.readjust(Modality.TELEFONICA, Decimal("3.75"), date(2027, 1, 1), rules)
    text = table.describe(version)
    assert "R$ 4,15/min" in text
    assert "R$ 249,00/h" in text
    assert "01/01/2027" in text
    assert "3,75%" in text
    unset = table.price_on(Modality.SUPORTE, date(2027, 1, 1))
    assert unset is not None
    assert "Termo" in table.describe(unset)


# --- taxes ---------------------------------------------------------------------------------------


def test_plantao_with_taxes(tax_rules: TariffRules, table: PriceTable) -> None:
    start, end = datetime(2027, 3, 6, 8), datetime(2027, 3, 6, 18)
    q = quote_window(tax_rules, table, start, end, datetime(2027, 3, 6, 10))
    assert q.amount == Decimal("960.00")  # net, unchanged
    assert q.gross_amount == round_brl(Decimal("960.00") / (1 - Decimal("0.0865")))
    assert q.gross_amount == Decimal("1050.90")
    assert [t.name for t in q.taxes] == ["ISS", "PIS/COFINS"]
    assert q.taxes[0].amount == Decimal("52.55")  # 1050.90 × 0.05 = 52.545, half-up
    assert sum(t.amount for t in q.taxes) == q.gross_amount - q.amount
    assert any("R$ 960,00 mais impostos" in line for line in q.lines)
    assert any("ISS (5%)" in line and "R$ 52,55" in line for line in q.lines)
    assert any("PIS/COFINS (3,65%)" in line for line in q.lines)
    assert any("Total com impostos: R$ 1.050,90" in line for line in q.lines)
    data = q.to_dict()
    assert data["amount"] == "960.00"
    assert data["gross_amount"] == "1050.90"
    assert data["taxes"] == [
        {"name": "ISS", "rate": "0.05", "amount": "52.55"},
        {"name": "PIS/COFINS", "rate": "0.0365", "amount": "38.35"},
    ]


@pytest.mark.parametrize("minutes", [1, 10, 11, 45, 61, 997])
def test_telefonica_taxes_sum_to_gross_minus_net(
    tax_rules: TariffRules, table: PriceTable, minutes: int
) -> None:
    q = quote_telefonica(minutes, day=date(2027, 3, 8), table=table, rules=tax_rules)
    assert q.amount is not None
    assert q.gross_amount == round_brl(q.amount / (1 - Decimal("0.0865")))
    assert sum(t.amount for t in q.taxes) == q.gross_amount - q.amount
    assert all(t.amount >= 0 for t in q.taxes)
    assert any("mais impostos" in line for line in q.lines)


def test_suporte_with_taxes(tax_rules: TariffRules, priced_table: PriceTable) -> None:
    q = quote_suporte(
        45,
        inconsistency=Inconsistency.NONE,
        day=date(2027, 3, 8),
        table=priced_table,
        rules=tax_rules,
    )
    assert q.amount == Decimal("157.50")
    assert q.gross_amount == round_brl(Decimal("157.50") / Decimal("0.9135"))


def test_without_taxes_no_tax_keys(rules: TariffRules, table: PriceTable) -> None:
    assert rules.taxes == ()
    q = quote_telefonica(45, day=date(2027, 3, 8), table=table, rules=rules)
    assert q.taxes == ()
    assert q.gross_amount is None
    data = q.to_dict()
    assert "taxes" not in data
    assert "gross_amount" not in data
    assert any("mais impostos" in line for line in q.lines)
    assert not any("Total com impostos" in line for line in q.lines)


def _zero_quotes(rules: TariffRules, table: PriceTable) -> dict[str, Quote]:
    """A R$ 0 quote of each kind: waived, cancelled for free, all minutes from the hour bank."""
    day = date(2027, 3, 8)
    return {
        "waived": quote_suporte(
            30, inconsistency=Inconsistency.NEW, day=day, table=table, rules=rules
        ),
        "free_cancellation": quote_window(
            rules, table, datetime(2027, 3, 6, 8), datetime(2027, 3, 6, 18), datetime(2027, 3, 1, 9)
        ),
        "hour_bank": quote_telefonica(45, day=day, table=table, rules=rules, hour_bank_minutes=100),
    }


def test_every_zero_quote_is_taxed_and_closed_the_same_way(
    tax_rules: TariffRules, table: PriceTable
) -> None:
    for kind, q in _zero_quotes(tax_rules, table).items():
        assert (q.amount, q.charged_minutes, q.gross_amount) == (0, 0, 0), kind
        assert [(t.name, t.amount) for t in q.taxes] == [("ISS", 0), ("PIS/COFINS", 0)], kind
        assert q.lines[-3:] == (
            "ISS (5%): R$ 0,00.",
            "PIS/COFINS (3,65%): R$ 0,00.",
            "Total com impostos: R$ 0,00.",
        ), kind
        assert q.lines[-4].startswith("Total: ") and "R$ 0,00" in q.lines[-4], kind
        data = q.to_dict()
        assert (data["amount"], data["gross_amount"], data["charged_minutes"]) == (
            "0.00",
            "0.00",
            0,
        ), kind


def test_zero_quotes_without_taxes_end_on_the_total(rules: TariffRules, table: PriceTable) -> None:
    closing = {kind: q.lines[-1] for kind, q in _zero_quotes(rules, table).items()}
    assert closing == {
        "waived": "Total: 30 min abonados = R$ 0,00.",
        # Nothing to pay carries no taxes: no "mais impostos" after R$ 0,00.
        "free_cancellation": "Total: 0 min × R$ 4,00/min = R$ 0,00.",
        "hour_bank": "Total: 0 min × R$ 4,00/min = R$ 0,00.",
    }
    for kind, q in _zero_quotes(rules, table).items():
        assert (q.amount, q.taxes, q.gross_amount) == (Decimal("0.00"), (), None), kind

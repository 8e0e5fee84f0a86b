"""Per-minute services (SPEC §3.2): Consultoria Telefônica, do Suporte and Técnica; hour bank."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from consultoria.tariff import (
    BillTo,
    Inconsistency,
    PriceTable,
    RequestedBy,
    TariffError,
    TariffRules,
    quote_suporte,
    quote_tecnica,
    quote_telefonica,
)

DAY = date(2027, 3, 8)


# --- Consultoria Telefônica ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "billed", "amount"),
    [
        (0, 10, "40.00"),
        (1, 10, "40.00"),
        (9, 10, "40.00"),
        (10, 10, "40.00"),
        (11, 11, "44.00"),
        (45, 45, "180.00"),
    ],
)
def test_telefonica_ten_minute_minimum(
    rules: TariffRules, table: PriceTable, minutes: int, billed: int, amount: str
) -> None:
    q = quote_telefonica(minutes, day=DAY, table=table, rules=rules)
    assert q.minutes_per_specialist == billed
    assert q.charged_minutes == billed
    assert q.amount == Decimal(amount)
    assert str(q.amount) == amount
    assert q.waived is False
    assert q.hour_bank is None
    assert q.bill_to is BillTo.CUSTOMER
    assert any("100%" in line for line in q.lines)
    assert any("mais impostos" in line for line in q.lines)
    if minutes < 10:
        assert any("mínima de 10 min" in line for line in q.lines)


def test_telefonica_lines(rules: TariffRules, table: PriceTable) -> None:
    q = quote_telefonica(45, day=DAY, table=table, rules=rules)
    assert any("45 min" in line and "R$ 180,00" in line for line in q.lines)
    assert any("R$ 4,00" in line and "R$ 240,00/h" in line for line in q.lines)


def test_telefonica_per_specialist(rules: TariffRules, table: PriceTable) -> None:
    q = quote_telefonica(45, day=DAY, table=table, rules=rules, specialists=2)
    assert q.minutes_per_specialist == 45
    assert q.specialists == 2
    assert q.charged_minutes == 90
    assert q.amount == Decimal("360.00")
    q = quote_telefonica(3, day=DAY, table=table, rules=rules, specialists=3)
    assert (q.minutes_per_specialist, q.charged_minutes, q.amount) == (10, 30, Decimal("120.00"))


@pytest.mark.parametrize("specialists", [0, 6])
def test_telefonica_specialists_out_of_range(
    rules: TariffRules, table: PriceTable, specialists: int
) -> None:
    with pytest.raises(TariffError):
        quote_telefonica(45, day=DAY, table=table, rules=rules, specialists=specialists)


def test_negative_minutes_rejected(rules: TariffRules, table: PriceTable) -> None:
    with pytest.raises(TariffError):
        quote_telefonica(-1, day=DAY, table=table, rules=rules)
    with pytest.raises(TariffError):
        quote_tecnica(-1, day=DAY, table=table, rules=rules)
    with pytest.raises(TariffError):
        quote_suporte(-1, inconsistency=Inconsistency.NONE, day=DAY, table=table, rules=rules)


# --- hour bank -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("balance", "specialists", "used", "remaining", "charged", "amount"),
    [
        (100, 1, 45, 55, 0, "0.00"),  # balance covers all
        (45, 1, 45, 0, 0, "0.00"),  # exactly
        (30, 1, 30, 0, 15, "60.00"),  # covers part
        (0, 1, 0, 0, 45, "180.00"),  # covers none
        (60, 2, 60, 0, 30, "120.00"),  # 90 min for 2 specialists
        (200, 2, 90, 110, 0, "0.00"),
    ],
)
def test_hour_bank(
    rules: TariffRules,
    table: PriceTable,
    balance: int,
    specialists: int,
    used: int,
    remaining: int,
    charged: int,
    amount: str,
) -> None:
    q = quote_telefonica(
        45, day=DAY, table=table, rules=rules, specialists=specialists, hour_bank_minutes=balance
    )
    assert q.hour_bank is not None
    assert (q.hour_bank.used_minutes, q.hour_bank.remaining_minutes) == (used, remaining)
    assert q.charged_minutes == charged
    assert q.amount == Decimal(amount)
    assert q.minutes_per_specialist == 45
    data = q.to_dict()
    assert data["hour_bank"] == {"used_minutes": used, "remaining_minutes": remaining}
    assert data["charged_minutes"] == charged
    assert data["amount"] == amount
    assert any("Banco de horas" in line and f"restam {remaining} min" in line for line in q.lines)


def test_hour_bank_applies_after_the_minimum(rules: TariffRules, table: PriceTable) -> None:
    q = quote_telefonica(3, day=DAY, table=table, rules=rules, hour_bank_minutes=4)
    assert q.hour_bank is not None
    assert (q.hour_bank.used_minutes, q.charged_minutes, q.amount) == (4, 6, Decimal("24.00"))


def test_negative_hour_bank_rejected(rules: TariffRules, table: PriceTable) -> None:
    with pytest.raises(TariffError):
        quote_telefonica(45, day=DAY, table=table, rules=rules, hour_bank_minutes=-1)


# --- Consultoria do Suporte ----------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [0, 5, 10, 45])
def test_suporte_new_inconsistency_is_waived_with_unset_rate(
    rules: TariffRules, table: PriceTable, minutes: int
) -> None:
    q = quote_suporte(minutes, inconsistency=Inconsistency.NEW, day=DAY, table=table, rules=rules)
    assert q.waived is True
    assert q.amount == Decimal("0.00")
    assert q.to_dict()["amount"] == "0.00"
    assert q.minutes_per_specialist == max(10, minutes)
    assert q.charged_minutes == 0
    assert any("Abonado" in line for line in q.lines)


def test_suporte_new_inconsistency_is_waived_with_a_rate(
    rules: TariffRules, priced_table: PriceTable
) -> None:
    q = quote_suporte(45, inconsistency=Inconsistency.NEW, day=DAY, table=priced_table, rules=rules)
    assert q.waived is True
    assert q.amount == Decimal("0.00")
    assert q.price_per_minute == Decimal("3.50")


@pytest.mark.parametrize("inconsistency", [Inconsistency.PUBLISHED, Inconsistency.NONE])
def test_suporte_charged_normally(
    rules: TariffRules, priced_table: PriceTable, inconsistency: Inconsistency
) -> None:
    q = quote_suporte(45, inconsistency=inconsistency, day=DAY, table=priced_table, rules=rules)
    assert q.waived is False
    assert q.minutes_per_specialist == 45
    assert q.amount == Decimal("157.50")
    assert any("cobrança normal" in line for line in q.lines)
    assert any("R$ 157,50" in line and "mais impostos" in line for line in q.lines)
    q = quote_suporte(4, inconsistency=inconsistency, day=DAY, table=priced_table, rules=rules)
    assert (q.minutes_per_specialist, q.amount) == (10, Decimal("35.00"))


@pytest.mark.parametrize("inconsistency", [Inconsistency.PUBLISHED, Inconsistency.NONE])
def test_suporte_unset_rate_quotes_minutes_only(
    rules: TariffRules, table: PriceTable, inconsistency: Inconsistency
) -> None:
    q = quote_suporte(45, inconsistency=inconsistency, day=DAY, table=table, rules=rules)
    assert q.waived is False
    assert q.minutes_per_specialist == 45
    assert q.amount is None
    data = q.to_dict()
    assert data["amount"] is None
    assert data["price_per_minute"] is None
    assert any("Termo" in line and "45 min" in line for line in q.lines)


def test_suporte_price_before_the_configured_rate_is_unset(
    rules: TariffRules, priced_table: PriceTable
) -> None:
    q = quote_suporte(
        45,
        inconsistency=Inconsistency.NONE,
        day=date(2026, 12, 31),
        table=priced_table,
        rules=rules,
    )
    assert q.amount is None


def test_suporte_requested_by_consultant_bills_the_unit(
    rules: TariffRules, priced_table: PriceTable
) -> None:
    for inconsistency in Inconsistency:
        q = quote_suporte(
            45,
            inconsistency=inconsistency,
            day=DAY,
            table=priced_table,
            rules=rules,
            requested_by=RequestedBy.CONSULTANT,
        )
        assert q.bill_to is BillTo.CONSULTANT_UNIT
        assert q.to_dict()["bill_to"] == "consultant_unit"
        assert any("unidade" in line for line in q.lines)
    q = quote_suporte(
        45, inconsistency=Inconsistency.NONE, day=DAY, table=priced_table, rules=rules
    )
    assert q.bill_to is BillTo.CUSTOMER


# --- Consultoria Técnica -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "billed", "amount"), [(0, 10, "50.00"), (9, 10, "50.00"), (45, 45, "225.00")]
)
def test_tecnica_fully_charged_with_minimum(
    rules: TariffRules, priced_table: PriceTable, minutes: int, billed: int, amount: str
) -> None:
    q = quote_tecnica(minutes, day=DAY, table=priced_table, rules=rules)
    assert q.minutes_per_specialist == billed
    assert q.amount == Decimal(amount)
    assert q.waived is False
    assert any("100%" in line and "inconsistência" in line for line in q.lines)


def test_tecnica_unset_rate(rules: TariffRules, table: PriceTable) -> None:
    q = quote_tecnica(45, day=DAY, table=table, rules=rules)
    assert q.minutes_per_specialist == 45
    assert q.amount is None
    assert q.waived is False


def test_tecnica_requested_by_consultant(rules: TariffRules, priced_table: PriceTable) -> None:
    q = quote_tecnica(
        45, day=DAY, table=priced_table, rules=rules, requested_by=RequestedBy.CONSULTANT
    )
    assert q.bill_to is BillTo.CONSULTANT_UNIT
    assert q.amount == Decimal("225.00")

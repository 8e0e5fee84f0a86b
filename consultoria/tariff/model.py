"""Value types of the tariff engine: modalities, rules, prices and quotes (SPEC §3)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo


class TariffError(ValueError):
    """Input the engine cannot quote; the message is pt-BR and safe to show to a user."""


class Modality(str, enum.Enum):
    TELEFONICA = "telefonica"
    PLANTAO = "plantao"
    SUPORTE = "suporte"
    TECNICA = "tecnica"

    @property
    def label(self) -> str:
        return _MODALITY_LABELS[self]


_MODALITY_LABELS = {
    Modality.TELEFONICA: "Consultoria Telefônica",
    Modality.PLANTAO: "Plantão 24x7",
    Modality.SUPORTE: "Consultoria do Suporte",
    Modality.TECNICA: "Consultoria Técnica",
}


class Inconsistency(str, enum.Enum):
    """Outcome of a Consultoria do Suporte analysis, which decides the waiver."""

    NONE = "none"
    PUBLISHED = "published"
    NEW = "new"


class RequestedBy(str, enum.Enum):
    CUSTOMER = "customer"
    CONSULTANT = "consultant"


class BillTo(str, enum.Enum):
    CUSTOMER = "customer"
    CONSULTANT_UNIT = "consultant_unit"


class PlantaoOutcome(str, enum.Enum):
    FULL = "full"
    EARLY_END = "early_end"
    CANCELLED = "cancelled"
    CANCELLED_FREE = "cancelled_free"


@dataclass(frozen=True)
class TaxRate:
    name: str
    rate: Decimal  # fraction, e.g. Decimal("0.05") for 5%


@dataclass(frozen=True)
class CalendarRules:
    """Time zone, business hours and holidays: everything that depends on the calendar."""

    timezone: ZoneInfo
    business_weekdays: frozenset[int]  # Monday is 0
    business_start: time
    business_end: time
    holiday_country: str = "BR"
    holiday_subdivision: str | None = None
    extra_holidays: frozenset[date] = frozenset()


@dataclass(frozen=True)
class PlantaoRules:
    max_specialists: int
    daily_minimum_minutes: Mapping[int, int]  # by weekday, Monday is 0
    holiday_minimum_minutes: int
    free_cancellation_notice: timedelta
    max_window: timedelta
    short_notice: timedelta


@dataclass(frozen=True)
class TariffRules:
    calendar: CalendarRules
    plantao: PlantaoRules
    minimum_minutes: int = 10
    readjustment_interval_months: int = 12
    negative_igpm_keeps_price: bool = True
    taxes: tuple[TaxRate, ...] = ()


@dataclass(frozen=True)
class PriceVersion:
    """Per-minute price of a modality from `effective` on; `per_minute` None: "as in the Term"."""

    modality: Modality
    per_minute: Decimal | None
    effective: date
    igpm_percent: Decimal | None = None  # accumulated IGP-M that produced this version, if any


@dataclass(frozen=True)
class DayBreakdown:
    day: date
    scheduled_minutes: int
    worked_minutes: int
    minimum_minutes: int
    billed_minutes: int
    long_day: bool  # Friday, weekend or holiday: the larger daily minimum
    holiday_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "scheduled_minutes": self.scheduled_minutes,
            "worked_minutes": self.worked_minutes,
            "minimum_minutes": self.minimum_minutes,
            "billed_minutes": self.billed_minutes,
        }


@dataclass(frozen=True)
class TaxLine:
    name: str
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class HourBankUse:
    used_minutes: int
    remaining_minutes: int


@dataclass(frozen=True)
class Quote:
    """A priced service with the pt-BR lines that justify every number in it."""

    modality: Modality
    minutes_per_specialist: int
    specialists: int
    charged_minutes: int  # all specialists, at the table rate: after the hour bank, 0 if waived
    price: PriceVersion | None
    amount: Decimal | None  # all specialists, net of tax; None when the rate is unset
    waived: bool
    lines: tuple[str, ...]
    bill_to: BillTo = BillTo.CUSTOMER
    days: tuple[DayBreakdown, ...] = ()
    outcome: PlantaoOutcome | None = None
    hour_bank: HourBankUse | None = None
    taxes: tuple[TaxLine, ...] = ()
    gross_amount: Decimal | None = None

    @property
    def price_per_minute(self) -> Decimal | None:
        return None if self.price is None else self.price.per_minute

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `consultoria quote --json` (issue #2).

        `billed_minutes` is the contract's older name of `minutes_per_specialist`: both stay.
        """
        data: dict[str, Any] = {
            "modality": self.modality.value,
            "billed_minutes": self.minutes_per_specialist,
            "minutes_per_specialist": self.minutes_per_specialist,
            "specialists": self.specialists,
            "charged_minutes": self.charged_minutes,
            "price_per_minute": _dec(self.price_per_minute),
            "price_effective": None if self.price is None else self.price.effective.isoformat(),
            "amount": _dec(self.amount),
            "currency": "BRL",
            "waived": self.waived,
            "bill_to": self.bill_to.value,
            "lines": list(self.lines),
        }
        if self.modality is Modality.PLANTAO:
            data["outcome"] = None if self.outcome is None else self.outcome.value
            data["days"] = [d.to_dict() for d in self.days]
        if self.hour_bank is not None:
            data["hour_bank"] = {
                "used_minutes": self.hour_bank.used_minutes,
                "remaining_minutes": self.hour_bank.remaining_minutes,
            }
        if self.taxes:
            data["taxes"] = [
                {"name": t.name, "rate": str(t.rate), "amount": str(t.amount)} for t in self.taxes
            ]
            data["gross_amount"] = _dec(self.gross_amount)
        return data


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class BookingCheck:
    """Result of validating a plantão request (SPEC §3.3 item 8): errors block, warnings inform."""

    errors: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.errors

"""Tariff engine: pure functions from rules, prices and a service description to an explained quote.

No I/O here: configuration and the database hand their values in (SPEC §3).
"""

from .calendar import WorkCalendar, format_moment
from .model import (
    BillTo,
    BookingCheck,
    CalendarRules,
    DayBreakdown,
    HourBankUse,
    Inconsistency,
    Modality,
    PlantaoOutcome,
    PlantaoRules,
    PriceVersion,
    Quote,
    RequestedBy,
    TariffError,
    TariffRules,
    TaxLine,
    TaxRate,
)
from .money import ceil_minutes, format_brl, format_minutes, round_brl
from .per_minute import quote_suporte, quote_tecnica, quote_telefonica
from .plantao import check_booking, quote_plantao
from .prices import PriceTable, accumulated_igpm
from .pricing import specialists_text

__all__ = [
    "BillTo",
    "BookingCheck",
    "CalendarRules",
    "DayBreakdown",
    "HourBankUse",
    "Inconsistency",
    "Modality",
    "PlantaoOutcome",
    "PlantaoRules",
    "PriceTable",
    "PriceVersion",
    "Quote",
    "RequestedBy",
    "TariffError",
    "TariffRules",
    "TaxLine",
    "TaxRate",
    "WorkCalendar",
    "accumulated_igpm",
    "ceil_minutes",
    "check_booking",
    "format_brl",
    "format_minutes",
    "format_moment",
    "quote_plantao",
    "quote_suporte",
    "quote_tecnica",
    "quote_telefonica",
    "round_brl",
    "specialists_text",
]

"""Business configuration (consultoria.yml): loaded once, validated with pt-BR messages."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, NoReturn, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import yaml

from consultoria.tariff import (
    CalendarRules,
    Modality,
    PlantaoRules,
    PriceTable,
    PriceVersion,
    TariffError,
    TariffRules,
    TaxRate,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "consultoria.yml"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TERM_KEYS = ("title", "summary", "text")

T = TypeVar("T")


class ConfigError(ValueError):
    """The configuration file is invalid; the message names the file and the key."""


@dataclass(frozen=True)
class Contact:
    name: str
    role: str
    email: str
    phone: str


@dataclass(frozen=True)
class StaffSeed:
    telegram_user_id: str
    name: str


@dataclass(frozen=True)
class TermTemplate:
    """A Term's texts as configured, with `{placeholders}` still to be filled in."""

    title: str
    summary: str
    text: str


@dataclass(frozen=True)
class Settings:
    source: Path
    tariff: TariffRules
    prices: tuple[PriceVersion, ...]
    contacts: tuple[Contact, ...]
    portal_path: str
    staff: tuple[StaffSeed, ...]
    terms: Mapping[Modality, TermTemplate]
    booking_max_failed_attempts: int  # wrong answers the booking form takes before it stops
    review_retention_days: int  # how long messages kept for review live (SPEC §7, §11)
    # The slot staff confirm for a Técnica appointment without an estimated duration (SPEC §5).
    tecnica_default_minutes: int

    @property
    def price_table(self) -> PriceTable:
        return PriceTable.of(self.prices)

    @property
    def calendar_organizer(self) -> Contact | None:
        """Who calendar files name as organizer: the first escalation contact (SPEC §8)."""
        return self.contacts[0] if self.contacts else None


def config_path() -> Path:
    return Path(os.environ.get("CONSULTORIA_CONFIG", DEFAULT_CONFIG))


@cache
def load_settings(path: Path | None = None) -> Settings:
    source = path or config_path()
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"Arquivo de configuração não encontrado: {source}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: YAML inválido ({exc})") from None
    return parse_settings(raw, source)


def parse_settings(raw: object, source: Path) -> Settings:
    doc = _Section(source, "", raw)
    return Settings(
        source=source,
        tariff=_tariff_rules(doc),
        prices=_prices(doc),
        contacts=tuple(
            Contact(*(c.get(key, _text) for key in ("name", "role", "email", "phone")))
            for c in doc.items("contacts")
        ),
        portal_path=doc.get("portal_path", _text),
        staff=tuple(
            StaffSeed(str(m.get("telegram_user_id", _positive_int)), m.get("name", _text))
            for m in doc.items("staff")
        ),
        terms=_terms(doc),
        booking_max_failed_attempts=_max_failed_attempts(doc),
        review_retention_days=doc["review"].get("retention_days", _positive_int),
        tecnica_default_minutes=doc["tecnica"].get("default_minutes", _positive_int),
    )


def _tariff_rules(doc: _Section) -> TariffRules:
    calendar = _calendar_rules(doc)
    plantao = _plantao_rules(doc["plantao"])
    readjust = doc["readjustment"]
    taxes = tuple(
        TaxRate(t.get("name", _text), t.get("rate", _fraction)) for t in doc.items("taxes")
    )
    if sum((t.rate for t in taxes), Decimal(0)) >= 1:
        doc.fail("a soma das alíquotas (taxes) precisa ser menor que 100%")
    return TariffRules(
        calendar=calendar,
        plantao=plantao,
        minimum_minutes=doc.get("minimum_minutes", _non_negative_int),
        readjustment_interval_months=readjust.get("interval_months", _positive_int),
        negative_igpm_keeps_price=readjust.get("negative_igpm_keeps_price", _bool),
        taxes=taxes,
    )


def _calendar_rules(doc: _Section) -> CalendarRules:
    business, holidays = doc["business_hours"], doc["holidays"]
    calendar = CalendarRules(
        timezone=doc.get("timezone", _zone),
        business_weekdays=frozenset(WEEKDAYS.index(d) for d in business.get("weekdays", _weekdays)),
        business_start=business.get("start", _clock),
        business_end=business.get("end", _clock),
        holiday_country=holidays.get("country", _text),
        holiday_subdivision=holidays.get("subdivision", _optional(_text)),
        extra_holidays=frozenset(holidays.get("extra_dates", _list(_date))),
    )
    if calendar.business_end <= calendar.business_start:
        business.fail("o fim do horário comercial deve ser depois do início")
    _check_holidays(holidays, calendar)
    return calendar


def _plantao_rules(plantao: _Section) -> PlantaoRules:
    minimums = plantao["daily_minimum_minutes"]
    if set(minimums.data) != set(WEEKDAYS):
        minimums.fail(f"informe exatamente os dias {', '.join(WEEKDAYS)}")
    return PlantaoRules(
        max_specialists=plantao.get("max_specialists", _positive_int),
        daily_minimum_minutes={
            WEEKDAYS.index(day): minimums.get(day, _non_negative_int) for day in WEEKDAYS
        },
        holiday_minimum_minutes=plantao.get("holiday_minimum_minutes", _non_negative_int),
        free_cancellation_notice=timedelta(
            hours=plantao.get("free_cancellation_notice_hours", _non_negative_int)
        ),
        short_notice=timedelta(hours=plantao.get("short_notice_hours", _non_negative_int)),
        max_window=timedelta(days=plantao.get("max_window_days", _positive_int)),
    )


def _prices(doc: _Section) -> tuple[PriceVersion, ...]:
    prices = tuple(
        PriceVersion(
            p.get("modality", Modality),
            p.get("per_minute", _optional(_money)),
            p.get("effective", _date),
        )
        for p in doc.items("prices")
    )
    try:
        PriceTable.of(prices)
    except TariffError as exc:
        doc.fail(f"prices: {exc}")
    missing = [m.value for m in Modality if not any(p.modality is m for p in prices)]
    if missing:
        doc.fail(f"prices: faltam preços para {', '.join(missing)}")
    return prices


def _terms(doc: _Section) -> dict[Modality, TermTemplate]:
    """`terms.<modality>.{title,summary,text}` for every modality, kept verbatim."""
    terms = doc.data.get("terms")
    if not isinstance(terms, Mapping):
        doc.fail("faltou a chave terms com os Termos das modalidades")
    templates: dict[Modality, TermTemplate] = {}
    for modality in Modality:
        entry = terms.get(modality.value)
        if not isinstance(entry, Mapping) or not all(
            isinstance(entry.get(key), str) for key in TERM_KEYS
        ):
            doc.fail(f"terms.{modality.value} precisa de title, summary e text")
        templates[modality] = TermTemplate(entry["title"], entry["summary"], entry["text"])
    return templates


def _max_failed_attempts(doc: _Section) -> int:
    booking = doc.data.get("booking")
    value = booking.get("max_failed_attempts") if isinstance(booking, Mapping) else None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        doc.fail("booking.max_failed_attempts deve ser um inteiro positivo")
    return value


class _Section:
    """A mapping of the YAML tree that knows its path, so every error names the file and key."""

    def __init__(self, source: Path, path: str, data: object) -> None:
        self.source, self.path = source, path
        if not isinstance(data, Mapping):
            self.fail("esperava um mapa de chaves e valores")
        self.data: Mapping[str, Any] = data

    def fail(self, problem: str) -> NoReturn:
        where = f"{self.source}: {self.path}" if self.path else str(self.source)
        raise ConfigError(f"{where}: {problem}")

    def _key(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def __getitem__(self, key: str) -> _Section:
        return _Section(self.source, self._key(key), self.data.get(key))

    def items(self, key: str) -> list[_Section]:
        values = self.get(key, _list(lambda v: v))
        return [_Section(self.source, f"{self._key(key)}[{i}]", v) for i, v in enumerate(values)]

    def get(self, key: str, convert: Callable[[Any], T]) -> T:
        if key not in self.data:
            _Section(self.source, self._key(key), {}).fail("chave obrigatória ausente")
        try:
            return convert(self.data[key])
        except (ValueError, TypeError, InvalidOperation, ZoneInfoNotFoundError) as exc:
            _Section(self.source, self._key(key), {}).fail(
                f"valor inválido {self.data[key]!r} ({exc})"
            )


def _check_holidays(section: _Section, calendar: CalendarRules) -> None:
    supported = holidays.list_supported_countries()
    country, subdivision = calendar.holiday_country, calendar.holiday_subdivision
    if country not in supported:
        section.fail(f"país sem calendário de feriados: {country}")
    if subdivision is not None and subdivision not in supported[country]:
        section.fail(f"subdivisão inválida para {country}: {subdivision}")


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("esperava um texto não vazio")
    return value.strip()


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("esperava true ou false")
    return value


def _non_negative_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("esperava um inteiro maior ou igual a zero")
    return value


def _positive_int(value: object) -> int:
    number = _non_negative_int(value)
    if number == 0:
        raise ValueError("esperava um inteiro positivo")
    return number


def _decimal(value: object, quoted_example: str) -> Decimal:
    # A YAML float has already lost the exact decimal the operator wrote.
    if isinstance(value, float):
        raise ValueError(f"escreva {quoted_example}")
    return Decimal(str(value))


def _money(value: object) -> Decimal:
    amount = _decimal(value, 'valores em dinheiro entre aspas, como "4.00"')
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError("esperava um valor positivo com até 2 casas decimais")
    return amount


def _fraction(value: object) -> Decimal:
    rate = _decimal(value, 'alíquotas entre aspas, como "0.05"')
    if not 0 <= rate < 1:
        raise ValueError("esperava uma fração entre 0 e 1, como 0.05 para 5%")
    return rate


def _date(value: object) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _clock(value: object) -> time:
    return time.fromisoformat(str(value))


def _zone(value: object) -> ZoneInfo:
    return ZoneInfo(_text(value))


def _weekdays(value: object) -> list[str]:
    days = _list(_text)(value)
    unknown = [d for d in days if d not in WEEKDAYS]
    if unknown or not days:
        raise ValueError(f"dias válidos: {', '.join(WEEKDAYS)}")
    return days


def _list(convert: Callable[[Any], T]) -> Callable[[Any], list[T]]:
    def parse(value: object) -> list[T]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise ValueError("esperava uma lista")
        return [convert(v) for v in value]

    return parse


def _optional(convert: Callable[[Any], T]) -> Callable[[Any], T | None]:
    def parse(value: object) -> T | None:
        return None if value is None else convert(value)

    return parse

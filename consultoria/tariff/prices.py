"""Versioned per-minute price table and IGP-M readjustment (SPEC §3.1)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .model import Modality, PriceVersion, TariffError, TariffRules
from .money import format_brl, format_percent, round_brl


def accumulated_igpm(monthly_percent: Sequence[Decimal]) -> Decimal:
    """Compound monthly IGP-M figures (in percent) into the accumulated percent: Π(1 + mᵢ) − 1."""
    if len(monthly_percent) != 12:
        raise TariffError("Informe exatamente 12 índices mensais do IGP-M.")
    factor = Decimal(1)
    for month in monthly_percent:
        factor *= 1 + month / 100
    return (factor - 1) * 100


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    # Clamp the day for shorter months (e.g. 31 Jan + 1 month → 28/29 Feb).
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class PriceTable:
    """All price versions ever in force; immutable, so a readjustment returns a new table."""

    versions: tuple[PriceVersion, ...]

    @classmethod
    def of(cls, versions: Iterable[PriceVersion]) -> PriceTable:
        ordered = tuple(sorted(versions, key=lambda v: (v.modality.value, v.effective)))
        seen: set[tuple[Modality, date]] = set()
        for version in ordered:
            key = (version.modality, version.effective)
            if key in seen:
                raise TariffError(
                    f"Há duas versões de preço de {version.modality.label} "
                    f"com vigência em {version.effective:%d/%m/%Y}."
                )
            seen.add(key)
        return cls(ordered)

    def history(self, modality: Modality) -> tuple[PriceVersion, ...]:
        return tuple(v for v in self.versions if v.modality is modality)

    def price_on(self, modality: Modality, day: date) -> PriceVersion | None:
        """The version in force on `day` (the day the service starts), or None before any."""
        current: PriceVersion | None = None
        for version in self.history(modality):
            if version.effective <= day:
                current = version
        return current

    def readjust(
        self, modality: Modality, igpm_percent: Decimal, effective: date, rules: TariffRules
    ) -> tuple[PriceTable, PriceVersion]:
        """Add the version produced by an accumulated IGP-M; history is never rewritten."""
        history = self.history(modality)
        if not history:
            raise TariffError(f"{modality.label} não tem preço cadastrado para reajustar.")
        last = history[-1]
        if last.per_minute is None:
            raise TariffError(
                f"{modality.label} é cobrada conforme o Termo e ainda não tem tarifa configurada; "
                "não há valor a reajustar."
            )
        earliest = _add_months(last.effective, rules.readjustment_interval_months)
        if effective < earliest:
            raise TariffError(
                f"{modality.label} só pode ser reajustada uma vez a cada "
                f"{rules.readjustment_interval_months} meses: a versão atual vigora desde "
                f"{last.effective:%d/%m/%Y}, então o próximo reajuste pode vigorar "
                f"a partir de {earliest:%d/%m/%Y}."
            )
        factor = 1 + igpm_percent / 100
        if igpm_percent < 0 and rules.negative_igpm_keeps_price:
            factor = Decimal(1)
        new_price = round_brl(last.per_minute * factor)
        if new_price <= 0:
            raise TariffError("O reajuste resultaria em um preço nulo ou negativo.")
        version = PriceVersion(modality, new_price, effective, igpm_percent=igpm_percent)
        return PriceTable.of((*self.versions, version)), version

    def describe(self, version: PriceVersion) -> str:
        """One pt-BR line for a price version."""
        if version.per_minute is None:
            return (
                f"{version.modality.label}: conforme o Termo (tarifa não configurada), "
                f"desde {version.effective:%d/%m/%Y}"
            )
        hourly = format_brl(version.per_minute * 60)
        text = (
            f"{version.modality.label}: {format_brl(version.per_minute)}/min ({hourly}/h), "
            f"desde {version.effective:%d/%m/%Y}"
        )
        if version.igpm_percent is not None:
            text += f" (reajuste IGP-M acumulado de {format_percent(version.igpm_percent / 100)})"
        return text

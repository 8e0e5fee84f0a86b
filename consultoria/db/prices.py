"""The price table in the database: config versions synced in, readjustments appended."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultoria.settings import ConfigError
from consultoria.tariff import Modality, PriceTable, PriceVersion, format_brl

from .idempotent import add_or_get
from .models import PriceVersionRow


class PriceConflict(ConfigError):
    """The configuration disagrees with a price version already recorded (history is kept)."""


def _to_version(row: PriceVersionRow) -> PriceVersion:
    return PriceVersion(Modality(row.modality), row.per_minute, row.effective, row.igpm_percent)


def _find(session: Session, version: PriceVersion) -> PriceVersionRow | None:
    return session.scalar(
        select(PriceVersionRow).where(
            PriceVersionRow.modality == version.modality.value,
            PriceVersionRow.effective == version.effective,
        )
    )


def _describe(per_minute: Decimal | None) -> str:
    return "conforme o Termo" if per_minute is None else f"{format_brl(per_minute)}/min"


def sync_config_prices(
    session: Session, versions: Iterable[PriceVersion]
) -> tuple[PriceVersion, ...]:
    """Insert the configured versions the table lacks; return those inserted.

    A configured version whose (modality, effective date) is recorded with another price raises
    PriceConflict: recorded prices are never rewritten, a change needs a new effective date.
    """
    inserted = []
    for version in versions:
        row, created = add_or_get(
            session,
            PriceVersionRow(
                modality=version.modality.value,
                per_minute=version.per_minute,
                effective=version.effective,
                igpm_percent=version.igpm_percent,
                source="config",
            ),
            partial(_find, session, version),
        )
        if created:
            inserted.append(version)
        elif row.per_minute != version.per_minute:
            raise PriceConflict(
                f"O preço de {version.modality.label} com vigência em "
                f"{version.effective:%d/%m/%Y} está registrado como {_describe(row.per_minute)}, "
                f"mas a configuração diz {_describe(version.per_minute)}. Preços registrados não "
                "são alterados: cadastre o novo preço com outra data de vigência."
            )
    return tuple(inserted)


def load_price_table(session: Session) -> PriceTable:
    return PriceTable.of(_to_version(row) for row in session.scalars(select(PriceVersionRow)))


def add_readjustment(session: Session, version: PriceVersion) -> PriceVersionRow:
    """Append the version produced by an IGP-M readjustment (see PriceTable.readjust)."""
    row = PriceVersionRow(
        modality=version.modality.value,
        per_minute=version.per_minute,
        effective=version.effective,
        igpm_percent=version.igpm_percent,
        source="readjustment",
    )
    session.add(row)
    session.flush()
    return row

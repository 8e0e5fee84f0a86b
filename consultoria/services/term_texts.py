"""The texts of each Term version exactly as people were shown them (SPEC §5): the only door to
the `term_texts` rows. Whatever a person answers "Aceito" or "Não aceito" to is kept here,
keyed by its SHA-256, so an auditor can read it back and recompute every acceptance's hash."""

from __future__ import annotations

from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultoria.db.idempotent import add_or_get
from consultoria.db.models import TermText, TermVersion, text_sha256


def _find(session: Session, sha256: str) -> TermText | None:
    return session.scalar(select(TermText).where(TermText.sha256 == sha256))


def remember_shown(session: Session, version: TermVersion, text: str) -> TermText:
    """Keep `text`, shown for `version`, once whoever shows it first."""
    row, _ = add_or_get(
        session,
        TermText(term_version_id=version.id, text=text),
        partial(_find, session, text_sha256(text)),
    )
    return row


def by_sha256(session: Session, sha256: str) -> tuple[TermVersion, TermText] | None:
    """The kept text with this hash and the version it was shown for."""
    row = _find(session, sha256.strip().lower())
    if row is None:
        return None
    return session.get_one(TermVersion, row.term_version_id), row


def versions(session: Session, number: int, modality: str | None) -> list[TermVersion]:
    """The Term versions numbered `number`, of `modality` or of every modality."""
    query = select(TermVersion).where(TermVersion.version == number)
    if modality is not None:
        query = query.where(TermVersion.modality == modality)
    return list(session.scalars(query.order_by(TermVersion.modality)))


def shown_for(session: Session, version: TermVersion) -> list[TermText]:
    """Every text kept for `version`, oldest first."""
    query = select(TermText).where(TermText.term_version_id == version.id)
    return list(session.scalars(query.order_by(TermText.id)))


def all_versions(session: Session) -> list[TermVersion]:
    """Every Term version, by modality and number."""
    query = select(TermVersion).order_by(TermVersion.modality, TermVersion.version)
    return list(session.scalars(query))

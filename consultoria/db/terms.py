"""Term versions and the append-only record of each person's answer to them (SPEC §5)."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .idempotent import add_or_get
from .models import Person, PriceVersionRow, TermAcceptance, TermVersion, text_sha256
from .types import utcnow


def current_term(session: Session, modality: str) -> TermVersion | None:
    return session.scalar(
        select(TermVersion)
        .where(TermVersion.modality == modality)
        .order_by(TermVersion.version.desc())
        .limit(1)
    )


def _find_version(session: Session, modality: str, version: int) -> TermVersion | None:
    return session.scalar(
        select(TermVersion).where(TermVersion.modality == modality, TermVersion.version == version)
    )


def sync_term(session: Session, modality: str, title: str, text: str) -> TermVersion:
    """The current version of the Term, adding a new one when `text` differs from it.

    Concurrent callers with the same text end with one new version: the loser of the race
    reads the winner's row and finds the same hash.
    """
    sha = text_sha256(text)
    while True:
        latest = current_term(session, modality)
        if latest is not None and latest.sha256 == sha:
            return latest
        number = 1 if latest is None else latest.version + 1
        row, _ = add_or_get(
            session,
            TermVersion(
                modality=modality, version=number, title=title, text=text, effective_at=utcnow()
            ),
            partial(_find_version, session, modality, number),
        )
        if row.sha256 == sha:
            return row


def latest_answer(session: Session, person_id: int, term_version_id: int) -> TermAcceptance | None:
    return session.scalar(
        select(TermAcceptance)
        .where(
            TermAcceptance.person_id == person_id,
            TermAcceptance.term_version_id == term_version_id,
        )
        .order_by(TermAcceptance.id.desc())
        .limit(1)
    )


def has_accepted(session: Session, person_id: int, term_version_id: int) -> bool:
    """True when the person's last answer to this exact version was "Aceito"."""
    answer = latest_answer(session, person_id, term_version_id)
    return answer is not None and answer.accepted


def record_answer(
    session: Session,
    *,
    person: Person,
    term: TermVersion,
    accepted: bool,
    shown_sha256: str,
    price_version_id: int | None,
    quote: dict[str, Any] | None,
    channel: str,
    message_id: str | None,
) -> TermAcceptance:
    """Append an acceptance or a refusal; a message delivered twice is recorded once."""
    previous = latest_answer(session, person.id, term.id)
    if (
        previous is not None
        and message_id is not None
        and previous.message_id == message_id
        and previous.accepted == accepted
    ):
        return previous
    answer = TermAcceptance(
        person_id=person.id,
        role="consultant" if person.role == "consultant" else "customer",
        unit=person.unit,
        modality=term.modality,
        term_version_id=term.id,
        text_sha256=shown_sha256,
        accepted=accepted,
        price_version_id=price_version_id,
        quote_json=quote,
        channel=channel,
        message_id=message_id,
    )
    session.add(answer)
    session.flush()
    return answer


def price_version_id(session: Session, modality: str, effective: date | None) -> int | None:
    """The database id of the price version a quote used."""
    if effective is None:
        return None
    return session.scalar(
        select(PriceVersionRow.id).where(
            PriceVersionRow.modality == modality, PriceVersionRow.effective == effective
        )
    )


def answers_of(session: Session, person_id: int) -> list[TermAcceptance]:
    query = select(TermAcceptance).where(TermAcceptance.person_id == person_id)
    return list(session.scalars(query.order_by(TermAcceptance.id)))

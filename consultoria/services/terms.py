"""Term versions and the append-only record of each customer's answer to them (SPEC §5)."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultoria.db.idempotent import add_or_get
from consultoria.db.models import PriceVersionRow, TermAcceptance, TermVersion, text_sha256
from consultoria.db.types import utcnow
from consultoria.services.actors import Customer


def _latest_version(session: Session, modality: str) -> TermVersion | None:
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


def shown_version(session: Session, version_id: int) -> TermVersion | None:
    """The Term version a person was shown, by the id the conversation kept; None if unknown."""
    return session.get(TermVersion, version_id)


def sync_term(session: Session, modality: str, title: str, text: str) -> TermVersion:
    """The current version of the Term, adding a new one when `text` differs from it.

    Concurrent callers with the same text end with one new version: the loser of the race
    reads the winner's row and finds the same hash.
    """
    sha = text_sha256(text)
    while True:
        latest = _latest_version(session, modality)
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


def _latest_answer(
    session: Session, customer: Customer, term: TermVersion
) -> TermAcceptance | None:
    return session.scalar(
        select(TermAcceptance)
        .where(
            TermAcceptance.person_id == customer.person_id,
            TermAcceptance.term_version_id == term.id,
        )
        .order_by(TermAcceptance.id.desc())
        .limit(1)
    )


def has_accepted(session: Session, customer: Customer, term: TermVersion) -> bool:
    """True when the customer's last answer to this exact version was "Aceito"."""
    answer = _latest_answer(session, customer, term)
    return answer is not None and answer.accepted


def record_answer(
    session: Session,
    customer: Customer,
    *,
    term: TermVersion,
    accepted: bool,
    shown_sha256: str,
    price_version_id: int | None,
    quote: dict[str, Any] | None,
    message_id: str | None,
    plantao_id: int | None = None,
) -> TermAcceptance:
    """Append an acceptance or a refusal (of the plantão it booked, if any); a message
    delivered twice is recorded once."""
    previous = _latest_answer(session, customer, term)
    if (
        previous is not None
        and message_id is not None
        and previous.message_id == message_id
        and previous.accepted == accepted
    ):
        return previous
    person = customer.person
    answer = TermAcceptance(
        person_id=person.id,
        # A consultant answers for their unit, which is billed (SPEC §2).
        role="consultant" if person.role == "consultant" else "customer",
        unit=person.unit,
        modality=term.modality,
        term_version_id=term.id,
        text_sha256=shown_sha256,
        accepted=accepted,
        price_version_id=price_version_id,
        quote_json=quote,
        channel=customer.channel,
        message_id=message_id,
        plantao_id=plantao_id,
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


def answers_of(
    session: Session, customer: Customer
) -> list[tuple[TermAcceptance, TermVersion | None]]:
    """Every answer the customer gave, oldest first, with the version it answered."""
    query = select(TermAcceptance).where(TermAcceptance.person_id == customer.person_id)
    return [
        (answer, session.get(TermVersion, answer.term_version_id))
        for answer in session.scalars(query.order_by(TermAcceptance.id))
    ]

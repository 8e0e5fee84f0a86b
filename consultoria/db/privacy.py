"""LGPD requests (SPEC §7): what is stored about a person, and erasing what is not needed."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .models import Person, Plantao, PrivacyRequest
from .types import utcnow

# Shifts still to be served keep the phone the specialist will call.
FINISHED_STATES = ("completed", "ended_early", "cancelled")


def record_export(session: Session, person: Person | None, channel: str) -> PrivacyRequest:
    request = PrivacyRequest(
        person_id=None if person is None else person.id,
        kind="export",
        channel=channel,
        completed_at=utcnow(),
    )
    session.add(request)
    session.flush()
    return request


def erase_personal_data(
    session: Session, person: Person | None, channel: str, conversation_id: str
) -> PrivacyRequest:
    """Blank the contact phones of finished shifts and record the request; the conversation
    itself is erased afterwards by whoever holds it, see `conversation_erased`."""
    erased = 0
    if person is not None:
        result = session.execute(
            update(Plantao)
            .where(
                Plantao.person_id == person.id,
                Plantao.state.in_(FINISHED_STATES),
                Plantao.contact_phone != "",
            )
            .values(contact_phone="")
            .returning(Plantao.id)
        )
        erased = len(result.all())
    request = PrivacyRequest(
        person_id=None if person is None else person.id,
        kind="erase",
        channel=channel,
        conversation_id=conversation_id,
        detail=f"telefones apagados: {erased}",
    )
    session.add(request)
    session.flush()
    return request


def conversation_erased(session: Session, request_id: int) -> None:
    """Mark the erasure done and forget the conversation id it needed."""
    request = session.get(PrivacyRequest, request_id)
    if request is not None:
        request.completed_at = utcnow()
        request.conversation_id = None


def requests_of(session: Session, person_id: int) -> list[PrivacyRequest]:
    query = select(PrivacyRequest).where(PrivacyRequest.person_id == person_id)
    return list(session.scalars(query.order_by(PrivacyRequest.id)))


def pending_erasures(session: Session) -> list[PrivacyRequest]:
    query = select(PrivacyRequest).where(
        PrivacyRequest.kind == "erase", PrivacyRequest.completed_at.is_(None)
    )
    return list(session.scalars(query.order_by(PrivacyRequest.id)))

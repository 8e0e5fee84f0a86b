"""LGPD requests (SPEC §7): what is stored about a person, and erasing what is not needed.

The requester is always the channel user themselves, known or not: a request never names
anyone else, so the channel identity is the actor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from consultoria.db.models import (
    Appointment,
    HourBankEntry,
    Person,
    Plantao,
    PrivacyRequest,
    TermAcceptance,
    TermVersion,
)
from consultoria.db.types import utcnow
from consultoria.services import appointments, hour_bank, plantoes, review, terms
from consultoria.services.actors import Customer
from consultoria.services.people import find_person

# Plantões still to be served keep the phone the specialist will call.
FINISHED_STATES = ("completed", "ended_early", "cancelled")


@dataclass(frozen=True)
class PersonalData:
    """Everything stored about a person besides the conversation itself."""

    person: Person
    answers: list[tuple[TermAcceptance, TermVersion | None]]
    plantoes: list[Plantao]
    requests: list[PrivacyRequest]
    appointments: list[Appointment]
    hour_bank: list[HourBankEntry]  # newest first


@dataclass(frozen=True)
class ConversationErasure:
    """A conversation to erase where it is held, and the request that asked for it."""

    conversation_id: str
    request_id: int


@dataclass(frozen=True)
class ErasureRequested:
    """What an erasure request did at once, and the conversations still to erase."""

    phones_erased: int
    conversations: list[ConversationErasure]
    appointment_phones_erased: int


def export_personal_data(
    session: Session, channel: str, channel_user_id: str
) -> PersonalData | None:
    """Record the request for a copy, then gather it; None when no person record exists."""
    person = find_person(session, channel, channel_user_id)
    session.add(
        PrivacyRequest(
            person_id=None if person is None else person.id,
            kind="export",
            channel=channel,
            completed_at=utcnow(),
        )
    )
    session.flush()
    if person is None:
        return None
    customer = Customer(person, channel)
    return PersonalData(
        person=person,
        answers=terms.answers_of(session, customer),
        plantoes=plantoes.list_for_customer(session, customer),
        requests=_requests_of(session, person.id),
        appointments=appointments.list_for_customer(session, customer),
        hour_bank=hour_bank.movements(session, person.id, limit=None),
    )


def _blank_finished_phones(session: Session, person: Person) -> int:
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
    return len(result.all())


def erase_personal_data(session: Session, channel: str, channel_user_id: str) -> ErasureRequested:
    """Blank the contact phones of finished plantões and cancelled Técnica appointments, forget
    the conversation's messages kept for review, and record the request.

    Also returns the conversations still to erase, this one and any whose erasure failed or
    was not verified before: whoever holds them erases them, verifies that nothing is left, then
    calls `conversation_erased`.
    """
    person = find_person(session, channel, channel_user_id)
    erased = 0 if person is None else _blank_finished_phones(session, person)
    customer = None if person is None else Customer(person, channel)
    unbooked = 0 if customer is None else appointments.forget_cancelled_phones(session, customer)
    forgotten = review.forget_conversation(session, channel_user_id)
    session.add(
        PrivacyRequest(
            person_id=None if person is None else person.id,
            kind="erase",
            channel=channel,
            # The conversation is the channel user's own: Rasa's sender id.
            conversation_id=channel_user_id,
            detail=(
                f"telefones apagados: {erased + unbooked}; "
                f"mensagens em revisão apagadas: {forgotten}"
            ),
        )
    )
    session.flush()
    conversations = [
        ConversationErasure(str(request.conversation_id), request.id)
        for request in _pending_erasures(session)
        if request.conversation_id
    ]
    return ErasureRequested(erased, conversations, unbooked)


def conversation_erased(session: Session, request_id: int) -> None:
    """Mark the erasure done (erased and verified) and forget the conversation id it needed."""
    request = session.get(PrivacyRequest, request_id)
    if request is not None:
        request.completed_at = utcnow()
        request.conversation_id = None


def erasure_pending_since(session: Session, conversation_id: str) -> datetime | None:
    """When the oldest erasure of the conversation still to be done was requested, if any."""
    query = select(PrivacyRequest.requested_at).where(
        PrivacyRequest.kind == "erase",
        PrivacyRequest.completed_at.is_(None),
        PrivacyRequest.conversation_id == conversation_id,
    )
    return session.scalar(query.order_by(PrivacyRequest.id).limit(1))


def _requests_of(session: Session, person_id: int) -> list[PrivacyRequest]:
    query = select(PrivacyRequest).where(PrivacyRequest.person_id == person_id)
    return list(session.scalars(query.order_by(PrivacyRequest.id)))


def _pending_erasures(session: Session) -> list[PrivacyRequest]:
    query = select(PrivacyRequest).where(
        PrivacyRequest.kind == "erase", PrivacyRequest.completed_at.is_(None)
    )
    return list(session.scalars(query.order_by(PrivacyRequest.id)))

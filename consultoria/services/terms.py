"""Term versions and the append-only record of each customer's answer to them (SPEC §5): for
the plantão it booked, for a Support ticket (Consultoria do Suporte), or for the Consultoria
Telefônica; answers to a service's Term are announced to the staff chat through the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultoria.db.idempotent import add_or_get
from consultoria.db.models import (
    Person,
    PriceVersionRow,
    TermAcceptance,
    TermVersion,
    text_sha256,
)
from consultoria.db.types import utcnow
from consultoria.services import outbox
from consultoria.services.actors import Customer

# The outbox kind that tells the staff chat of an answer to a service's Term.
TERM_ANSWERED_KIND = "term_answered"
# The services whose Term is answered on its own, not when booking (a plantão).
SERVICE_MODALITIES = ("suporte", "telefonica")


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
    session: Session, customer: Customer, term: TermVersion, ticket: str | None = None
) -> TermAcceptance | None:
    """The customer's last answer to this version: for `ticket`, or given for no ticket."""
    for_ticket = (
        TermAcceptance.ticket.is_(None) if ticket is None else TermAcceptance.ticket == ticket
    )
    return session.scalar(
        select(TermAcceptance)
        .where(
            TermAcceptance.person_id == customer.person_id,
            TermAcceptance.term_version_id == term.id,
            for_ticket,
        )
        .order_by(TermAcceptance.id.desc())
        .limit(1)
    )


def acceptance_of(
    session: Session, customer: Customer, term: TermVersion, ticket: str | None = None
) -> TermAcceptance | None:
    """The customer's acceptance of this exact version (for `ticket`, when given), when their
    last answer to it was "Aceito"; None otherwise."""
    answer = _latest_answer(session, customer, term, ticket)
    return answer if answer is not None and answer.accepted else None


def has_accepted(session: Session, customer: Customer, term: TermVersion) -> bool:
    """True when the customer's last answer to this exact version was "Aceito"."""
    return acceptance_of(session, customer, term) is not None


def _answer_row(
    customer: Customer,
    term: TermVersion,
    *,
    accepted: bool,
    shown_sha256: str,
    price_version_id: int | None,
    quote: dict[str, Any] | None,
    message_id: str | None,
    plantao_id: int | None = None,
    ticket: str | None = None,
    appointment_id: int | None = None,
) -> TermAcceptance:
    person = customer.person
    return TermAcceptance(
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
        ticket=ticket,
        appointment_id=appointment_id,
    )


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
    ticket: str | None = None,
    appointment_id: int | None = None,
) -> TermAcceptance:
    """Append an acceptance or a refusal (of the plantão it booked, the Técnica appointment it
    requested, or for the Support ticket, if any); a message delivered twice is recorded once."""
    previous = _latest_answer(session, customer, term, ticket)
    if (
        previous is not None
        and message_id is not None
        and previous.message_id == message_id
        and previous.accepted == accepted
    ):
        return previous
    answer = _answer_row(
        customer,
        term,
        accepted=accepted,
        shown_sha256=shown_sha256,
        price_version_id=price_version_id,
        quote=quote,
        message_id=message_id,
        plantao_id=plantao_id,
        ticket=ticket,
        appointment_id=appointment_id,
    )
    session.add(answer)
    session.flush()
    return answer


@dataclass(frozen=True)
class ServiceAnswer:
    """An answer to the Term of a service that starts outside the bot: the Consultoria do
    Suporte on a Support ticket, or the Consultoria Telefônica (no ticket)."""

    term: TermVersion
    accepted: bool
    shown_sha256: str
    price_version_id: int | None
    message_id: str | None
    ticket: str | None = None


def _accept_once(
    session: Session, customer: Customer, given: ServiceAnswer
) -> tuple[TermAcceptance, bool]:
    """The acceptance recorded before for this version (and ticket), or a new one."""
    row = _answer_row(
        customer,
        given.term,
        accepted=True,
        shown_sha256=given.shown_sha256,
        price_version_id=given.price_version_id,
        quote=None,
        message_id=given.message_id,
        ticket=given.ticket,
    )
    # For a ticket, a unique index settles two deliveries racing each other; without one (the
    # Telefônica's once per version), the person's row is locked so the second waits and finds
    # the first (SQLite writes one transaction at a time anyway).
    if given.ticket is None:
        session.execute(select(Person.id).where(Person.id == customer.person_id).with_for_update())
    return add_or_get(
        session, row, partial(acceptance_of, session, customer, given.term, given.ticket)
    )


def answer_service_term(
    session: Session, customer: Customer, given: ServiceAnswer
) -> tuple[TermAcceptance, bool]:
    """Record the answer and tell the staff chat, in this transaction; True when recorded now.

    An acceptance of the same version (for the same ticket) recorded before is returned, with
    False, and nothing is added: saying "Aceito" again is one acceptance. A refusal is recorded
    each time it is given, once per message.
    """
    if given.accepted:
        answer, created = _accept_once(session, customer, given)
    else:
        answer = record_answer(
            session,
            customer,
            term=given.term,
            accepted=False,
            shown_sha256=given.shown_sha256,
            price_version_id=given.price_version_id,
            quote=None,
            message_id=given.message_id,
            ticket=given.ticket,
        )
        created = True
    if created:
        session.flush()
        payload = {"acceptance_id": answer.id}
        outbox.enqueue(session, TERM_ANSWERED_KIND, payload, f"term_acceptance:{answer.id}")
    return answer, created


@dataclass(frozen=True)
class AnnouncedAnswer:
    """An answer to a service's Term as the staff chat hears of it."""

    answer: TermAcceptance
    person: Person
    term: TermVersion


def announced_answer(session: Session, acceptance_id: int) -> AnnouncedAnswer | None:
    """The answer an outbox notification refers to, who gave it and to which version."""
    answer = session.get(TermAcceptance, acceptance_id)
    if answer is None:
        return None
    person = session.get_one(Person, answer.person_id)
    return AnnouncedAnswer(answer, person, session.get_one(TermVersion, answer.term_version_id))


def service_answers_of(session: Session, customer: Customer) -> list[AnnouncedAnswer]:
    """The customer's own answers to the Terms of services that start outside the bot (the
    Consultoria do Suporte and Telefônica), oldest first."""
    query = (
        select(TermAcceptance)
        .where(
            TermAcceptance.person_id == customer.person_id,
            TermAcceptance.plantao_id.is_(None),
            TermAcceptance.modality.in_(SERVICE_MODALITIES),
        )
        .order_by(TermAcceptance.id)
    )
    return [
        AnnouncedAnswer(
            answer, customer.person, session.get_one(TermVersion, answer.term_version_id)
        )
        for answer in session.scalars(query)
    ]


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

"""Consultoria Técnica appointments (SPEC §5, §6, §9): the only door to the `appointments` and
`appointment_events` rows.

A customer requests an appointment with the acceptance of the Técnica Term that requests it (one
transaction: no appointment without its acceptance), sees only their own, and cancels one before
its confirmed slot starts; staff see those awaiting confirmation and confirm one with a slot in
business hours. Every change is a compare-and-set on the appointment's version and lands in its
append-only history with who, when and the channel; requests and cancellations are outboxed for
the staff chat, confirmations for the customer, in the same transaction. Refusals are exceptions
carrying the appointment and what stopped the change: the front ends word them.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from consultoria.db.idempotent import add_or_get
from consultoria.db.models import (
    Appointment,
    AppointmentEvent,
    Person,
    TermVersion,
    format_appointment_ref,
)
from consultoria.db.types import utcnow
from consultoria.services import outbox, people
from consultoria.services.actors import Actor, Customer, Staff
from consultoria.services.terms import price_version_id, record_answer
from consultoria.tariff import Modality, PriceTable, Quote, RequestedBy, TariffRules, quote_tecnica
from consultoria.tariff.business_hours import within_business_hours

REQUESTED_KIND = "appointment_requested"
CANCELLED_KIND = "appointment_cancelled"
CONFIRMED_KIND = "appointment_confirmed"
# Who hears of each change: the staff chat of a request or a cancellation, the customer of the
# slot staff confirmed.
_ANNOUNCED = {
    "requested": REQUESTED_KIND,
    "cancelled": CANCELLED_KIND,
    "confirmed": CONFIRMED_KIND,
}
CANCELLABLE = frozenset({"requested", "confirmed"})


class AppointmentError(Exception):
    """The change does not apply to appointment `appointment_id` as it is now; nothing changed."""

    def __init__(self, appointment_id: int) -> None:
        super().__init__(format_appointment_ref(appointment_id))
        self.appointment_id = appointment_id

    @property
    def ref(self) -> str:
        return format_appointment_ref(self.appointment_id)


class AppointmentNotFound(AppointmentError, LookupError):
    """No appointment has this id, or none the customer asking may see."""


class StateConflict(AppointmentError):
    """The appointment's `state` does not allow the change (another change may have won)."""

    def __init__(self, appointment_id: int, state: str) -> None:
        super().__init__(appointment_id)
        self.state = state


class SlotStarted(AppointmentError):
    """The confirmed slot already started at `start_at`: too late to cancel."""

    def __init__(self, appointment_id: int, start_at: datetime) -> None:
        super().__init__(appointment_id)
        self.start_at = start_at


class SlotRefused(AppointmentError):
    """A slot staff cannot confirm: not ahead of now (`passed`), or outside business hours."""

    def __init__(self, appointment_id: int, start_at: datetime, *, passed: bool) -> None:
        super().__init__(appointment_id)
        self.start_at = start_at
        self.passed = passed


@dataclass(frozen=True)
class Preference:
    """When the customer would like the appointment: a day, and a period or a time."""

    day: date
    period: str | None  # "manha" or "tarde"
    at: time | None


@dataclass(frozen=True)
class AppointmentRequest:
    """What the customer asks for, as the form gathered it."""

    subject: str
    system: str
    preference: Preference
    estimated_minutes: int | None
    contact_phone: str


@dataclass(frozen=True)
class TermAccepted:
    """The Técnica Term version the customer accepted, the exact text shown, and the message."""

    term: TermVersion
    shown_sha256: str
    message_id: str | None


@dataclass(frozen=True)
class Announced:
    """An appointment as a notification tells of it: who asked for it, and the change."""

    appointment: Appointment
    customer: Person | None
    event: AppointmentEvent | None


def estimate_quote(
    minutes: int, day: date, prices: PriceTable, rules: TariffRules, *, consultant: bool
) -> Quote:
    """The engine's per-minute Técnica quote of an estimated duration (SPEC §3.2), at the price
    in force on `day`; a consultant's unit pays."""
    by = RequestedBy.CONSULTANT if consultant else RequestedBy.CUSTOMER
    return quote_tecnica(minutes, day=day, table=prices, rules=rules, requested_by=by)


# --- the lifecycle step every change goes through --------------------------------------------


def _record(
    session: Session,
    appointment: Appointment,
    actor: Actor,
    from_state: str | None,
    note: str | None = None,
) -> None:
    event = AppointmentEvent(
        appointment_id=appointment.id,
        from_state=from_state,
        to_state=appointment.state,
        actor_person_id=actor.person_id,
        actor_role="staff" if isinstance(actor, Staff) else "customer",
        channel=actor.channel,
        note=note,
    )
    session.add(event)
    session.flush()
    payload = {"appointment_id": appointment.id, "ref": appointment.ref, "event_id": event.id}
    key = f"appointment:{appointment.id}:{appointment.state}"
    outbox.enqueue(session, _ANNOUNCED[appointment.state], payload, key)


def get(session: Session, actor: Actor | None, appointment_id: int) -> Appointment:
    """The appointment as the database has it now: any for staff, for a customer only their
    own; AppointmentNotFound otherwise."""
    found = session.get(Appointment, appointment_id, populate_existing=True)
    if found is None or (isinstance(actor, Customer) and found.person_id != actor.person_id):
        raise AppointmentNotFound(appointment_id)
    return found


def _compare_and_set(
    session: Session, appointment: Appointment, allowed_from: Set[str], **changes: Any
) -> None:
    """Write `changes` only if the appointment is still in `allowed_from` at the version read:
    of two concurrent changes exactly one wins."""
    changed = session.scalar(
        update(Appointment)
        .where(
            Appointment.id == appointment.id,
            Appointment.state.in_(allowed_from),
            Appointment.version == appointment.version,
        )
        .values(**changes, version=appointment.version + 1, updated_at=utcnow())
        .returning(Appointment.id)
        .execution_options(synchronize_session="fetch")
    )
    if changed is None:
        session.refresh(appointment)
        raise StateConflict(appointment.id, appointment.state)


def _transition(
    session: Session,
    appointment: Appointment,
    actor: Actor,
    allowed_from: Set[str],
    note: str,
    **changes: Any,
) -> Appointment:
    if appointment.state not in allowed_from:
        raise StateConflict(appointment.id, appointment.state)
    from_state = appointment.state
    _compare_and_set(session, appointment, allowed_from, **changes)
    _record(session, appointment, actor, from_state, note)
    return appointment


# --- a customer's appointments -----------------------------------------------------------------


def _find_by_request_key(session: Session, request_key: str | None) -> Appointment | None:
    if request_key is None:
        return None
    return session.scalar(select(Appointment).where(Appointment.request_key == request_key))


def request(
    session: Session,
    customer: Customer,
    details: AppointmentRequest,
    accepted: TermAccepted,
    *,
    request_key: str | None,
    prices: PriceTable,
    rules: TariffRules,
) -> tuple[Appointment, bool]:
    """Record the appointment in state `requested` with the acceptance of the Técnica Term that
    requests it, and tell the staff chat; a repeated `request_key` returns the first request."""
    if accepted.term.modality != Modality.TECNICA.value:
        raise ValueError(f"a {accepted.term.modality} Term does not request a Técnica appointment")
    earlier = _find_by_request_key(session, request_key)
    if earlier is not None and earlier.person_id == customer.person_id:
        return earlier, False
    preference = details.preference
    quote = None
    if details.estimated_minutes is not None:
        consultant = customer.person.role == "consultant"
        quote = estimate_quote(
            details.estimated_minutes, preference.day, prices, rules, consultant=consultant
        )
    effective = None if quote is None or quote.price is None else quote.price.effective
    price_id = price_version_id(session, Modality.TECNICA.value, effective)
    appointment, created = add_or_get(
        session,
        Appointment(
            person_id=customer.person_id,
            subject=details.subject,
            system=details.system,
            preferred_day=preference.day,
            period=preference.period,
            preferred_time=preference.at,
            estimated_minutes=details.estimated_minutes,
            price_version_id=price_id,
            quoted_minutes=None if quote is None else quote.charged_minutes,
            quoted_amount=None if quote is None else quote.amount,
            contact_phone=details.contact_phone,
            request_key=request_key,
            **people.bill_to(customer.person),
        ),
        partial(_find_by_request_key, session, request_key),
    )
    if created:
        record_answer(
            session,
            customer,
            term=accepted.term,
            accepted=True,
            shown_sha256=accepted.shown_sha256,
            price_version_id=price_id,
            quote=None if quote is None else quote.to_dict(),
            message_id=accepted.message_id,
            appointment_id=appointment.id,
        )
        _record(session, appointment, customer, None)
    return appointment, created


def list_for_customer(session: Session, customer: Customer) -> list[Appointment]:
    """The customer's own appointments, by preferred day."""
    query = select(Appointment).where(Appointment.person_id == customer.person_id)
    return list(session.scalars(query.order_by(Appointment.preferred_day, Appointment.id)))


def open_for_customer(session: Session, customer: Customer, now: datetime) -> list[Appointment]:
    """The customer's appointments they may still cancel: requested, or confirmed for a slot
    still ahead."""
    return [
        appointment
        for appointment in list_for_customer(session, customer)
        if appointment.state == "requested"
        or (appointment.state == "confirmed" and _ahead(appointment, now))
    ]


def _ahead(appointment: Appointment, now: datetime) -> bool:
    return appointment.slot_start_at is None or now < appointment.slot_start_at


def cancel_by_customer(
    session: Session, customer: Customer, appointment_id: int, *, now: datetime
) -> Appointment:
    """Cancel the customer's own appointment while it awaits confirmation, or before its
    confirmed slot starts; the staff chat is told."""
    appointment = get(session, customer, appointment_id)
    start = appointment.slot_start_at
    if appointment.state == "confirmed" and start is not None and start <= now:
        raise SlotStarted(appointment.id, start)
    return _transition(
        session, appointment, customer, CANCELLABLE, "cancelada pelo cliente", state="cancelled"
    )


def forget_cancelled_phones(session: Session, customer: Customer) -> int:
    """Blank the contact phones of the customer's cancelled appointments (SPEC §7): nobody will
    call them; how many were blanked."""
    result = session.execute(
        update(Appointment)
        .where(
            Appointment.person_id == customer.person_id,
            Appointment.state == "cancelled",
            Appointment.contact_phone != "",
        )
        .values(contact_phone="")
        .returning(Appointment.id)
    )
    return len(result.all())


# --- staff operations ------------------------------------------------------------------------


def pending(session: Session, staff: Staff) -> list[Announced]:
    """The appointments awaiting confirmation, by preferred day, with who asked for them."""
    query = select(Appointment).where(Appointment.state == "requested")
    found = session.scalars(query.order_by(Appointment.preferred_day, Appointment.id))
    return [Announced(a, session.get(Person, a.person_id), None) for a in found]


def slot_minutes(appointment: Appointment, default_minutes: int) -> int:
    """How long a confirmed slot lasts: the customer's estimate, or the configured default."""
    return appointment.estimated_minutes or default_minutes


def confirm(
    session: Session,
    staff: Staff,
    appointment_id: int,
    *,
    start_at: datetime,
    now: datetime,
    rules: TariffRules,
    default_minutes: int,
) -> Appointment:
    """Confirm a requested appointment for a slot from `start_at`, ahead of `now` and inside
    business hours (SPEC §5); the customer is told through the outbox."""
    appointment = get(session, staff, appointment_id)
    if appointment.state != "requested":
        raise StateConflict(appointment.id, appointment.state)
    end_at = start_at + timedelta(minutes=slot_minutes(appointment, default_minutes))
    if start_at <= now:
        raise SlotRefused(appointment.id, start_at, passed=True)
    if not within_business_hours(rules.calendar, start_at, end_at):
        raise SlotRefused(appointment.id, start_at, passed=False)
    return _transition(
        session,
        appointment,
        staff,
        {"requested"},
        "confirmada pela equipe",
        state="confirmed",
        slot_start_at=start_at,
        slot_end_at=end_at,
    )


def announced(session: Session, appointment_id: int, event_id: int | None) -> Announced | None:
    """What an outboxed notification refers to, read when it is sent; None if it is gone."""
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        return None
    event = None if event_id is None else session.get(AppointmentEvent, event_id)
    return Announced(appointment, session.get(Person, appointment.person_id), event)

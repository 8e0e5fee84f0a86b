"""Tables of the assistant: people, staff roster, prices, terms, plantões, Consultoria Técnica
appointments and the outbox."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates
from sqlalchemy.sql import text as sql_text

from consultoria.tariff import Modality
from consultoria.textparse.ticket_outcomes import TICKET_OUTCOMES
from consultoria.textparse.tickets import TICKET_DIGITS

from .types import MONEY, JSONText, UTCDateTime, utcnow

# Deterministic constraint names: Alembic batch mode on SQLite and later migrations need them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PERSON_ROLES = ("customer", "consultant", "staff")
ACCEPTANCE_ROLES = ("customer", "consultant")
ACTOR_ROLES = ("customer", "staff", "system")
MODALITIES = tuple(m.value for m in Modality)
PRICE_SOURCES = ("config", "readjustment")
PLANTAO_STATES = (
    "requested",
    "confirmed",
    "in_progress",
    "completed",
    "ended_early",
    "cancelled",
    "expired",
)
APPOINTMENT_STATES = ("requested", "confirmed", "cancelled")
# A preferred period of the day, within business hours (a preferred time is the alternative).
APPOINTMENT_PERIODS = ("manha", "tarde")
PRIVACY_KINDS = ("export", "erase")
# Who pays a plantão: the customer, or the unit of the consultant who booked it (SPEC §2, §4).
BILL_TO = ("customer", "consultant_unit")


def _one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    allowed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=column)


def text_sha256(text: str) -> str:
    """Hex SHA-256 of the exact UTF-8 text a person was shown."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, Decimal: MONEY}


class Person(Base):
    """Someone who talks to the bot, identified by channel and the channel's user id."""

    __tablename__ = "persons"
    __table_args__ = (
        UniqueConstraint("channel", "channel_user_id"),
        _one_of("role", PERSON_ROLES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str]
    channel_user_id: Mapped[str]
    name: Mapped[str]
    role: Mapped[str] = mapped_column(default="customer")
    unit: Mapped[str | None]  # the consultant's franchise or unit
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffMember(Base):
    """The staff roster: staff are recognised by channel user id, never by what they type."""

    __tablename__ = "staff_members"
    __table_args__ = (UniqueConstraint("channel", "channel_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str]
    channel_user_id: Mapped[str]
    name: Mapped[str]
    active: Mapped[bool] = mapped_column(default=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class PriceVersionRow(Base):
    """One per-minute price version; append-only, a readjustment adds a row."""

    __tablename__ = "price_versions"
    __table_args__ = (
        UniqueConstraint("modality", "effective"),
        _one_of("modality", MODALITIES),
        _one_of("source", PRICE_SOURCES),
        CheckConstraint("per_minute > 0", name="per_minute_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    modality: Mapped[str]
    per_minute: Mapped[Decimal | None]  # None: "as in the Term", rate not configured
    effective: Mapped[date]
    igpm_percent: Mapped[Decimal | None] = mapped_column(Numeric(9, 4))
    source: Mapped[str]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TermVersion(Base):
    """The pt-BR Term of a modality; a new text is a new version and needs a new acceptance."""

    __tablename__ = "term_versions"
    __table_args__ = (
        UniqueConstraint("modality", "version"),
        _one_of("modality", MODALITIES),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    modality: Mapped[str]
    version: Mapped[int]
    title: Mapped[str]
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    effective_at: Mapped[datetime]

    @validates("text")
    def _hash_text(self, _key: str, text: str) -> str:
        # The hash always follows the text, so it cannot drift from what is shown.
        self.sha256 = text_sha256(text)
        return text


class TermText(Base):
    """A text of a Term version exactly as people were shown it (its full text, or the summary
    they answered), kept so an auditor can recompute every acceptance's SHA-256 (SPEC §5)."""

    __tablename__ = "term_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    term_version_id: Mapped[int] = mapped_column(ForeignKey("term_versions.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @validates("text")
    def _hash_text(self, _key: str, text: str) -> str:
        self.sha256 = text_sha256(text)
        return text


class TermAcceptance(Base):
    """Append-only record of an answer to a Term, refusals included (SPEC §5)."""

    __tablename__ = "term_acceptances"
    __table_args__ = (
        _one_of("role", ACCEPTANCE_ROLES),
        _one_of("modality", MODALITIES),
        Index(None, "person_id", "term_version_id"),
        # A person accepts a version of the Term once for a ticket, however often they say so.
        Index(
            "uq_term_acceptances_ticket_accepted",
            "person_id",
            "term_version_id",
            "ticket",
            unique=True,
            sqlite_where=sql_text("accepted AND ticket IS NOT NULL"),
            postgresql_where=sql_text("accepted AND ticket IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    role: Mapped[str]
    unit: Mapped[str | None]
    modality: Mapped[str]
    term_version_id: Mapped[int] = mapped_column(ForeignKey("term_versions.id"))
    text_sha256: Mapped[str] = mapped_column(String(64))
    accepted: Mapped[bool]
    price_version_id: Mapped[int | None] = mapped_column(ForeignKey("price_versions.id"))
    quote_json: Mapped[dict[str, Any] | None] = mapped_column(JSONText)
    channel: Mapped[str]
    message_id: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What the answer was for: the plantão it booked (None before revision 0005, or a refusal).
    plantao_id: Mapped[int | None] = mapped_column(ForeignKey("plantoes.id"))
    # Or the Support ticket a Consultoria do Suporte answer was for (digits; since revision 0009).
    ticket: Mapped[str | None] = mapped_column(String(TICKET_DIGITS.stop - 1))
    # Or the Consultoria Técnica appointment it requested (since revision 0011).
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))


class TicketOutcomeRow(Base):
    """Append-only record of a staff decision on a Consultoria do Suporte ticket (SPEC §3.2, §5):
    the outcome, the minutes once registered and what the tariff engine made of them. The
    latest row of a ticket is its state; a correction appends a row."""

    __tablename__ = "ticket_outcomes"
    __table_args__ = (
        _one_of("outcome", TICKET_OUTCOMES),
        CheckConstraint("minutes > 0", name="minutes_positive"),
        CheckConstraint("billed_minutes >= minutes", name="billed_minutes_at_least_minutes"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The accepted Suporte Term the ticket's consultoria runs under; it names the ticket.
    acceptance_id: Mapped[int] = mapped_column(ForeignKey("term_acceptances.id"), index=True)
    outcome: Mapped[str]
    minutes: Mapped[int | None]  # as registered on the ticket; None until given
    staff_person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    channel: Mapped[str]
    message_id: Mapped[str | None]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # What the engine computed from the minutes: the price version in force on the day the
    # Term was accepted, max(minimum, minutes), and the amount (None while the rate is unset).
    price_version_id: Mapped[int | None] = mapped_column(ForeignKey("price_versions.id"))
    billed_minutes: Mapped[int | None]
    amount: Mapped[Decimal | None]


_REF = re.compile(r"p-?([0-9]+)", re.IGNORECASE)


def format_ref(plantao_id: int) -> str:
    """The short reference people use for a plantão, e.g. P-0042."""
    return f"P-{plantao_id:04d}"


def parse_ref(text: str) -> int:
    """The id in a plantão reference such as "P-0042", "p-42" or "P42"."""
    match = _REF.fullmatch(text.strip())
    if match is None:
        raise ValueError(f'Referência de plantão inválida: "{text}". Use o formato P-0042.')
    return int(match.group(1))


class Plantao(Base):
    """An on-call plantão booking; `version` guards every state change (compare-and-set)."""

    __tablename__ = "plantoes"
    __table_args__ = (
        _one_of("state", PLANTAO_STATES),
        _one_of("bill_to", BILL_TO),
        CheckConstraint("specialists BETWEEN 1 AND 99", name="specialists_range"),
        CheckConstraint("end_at > start_at", name="window_order"),
        CheckConstraint("quoted_minutes >= 0", name="quoted_minutes_not_negative"),
        CheckConstraint("charged_minutes >= 0", name="charged_minutes_not_negative"),
        Index(None, "state", "start_at"),
        Index(None, "person_id", "start_at"),
        Index(None, "start_at"),
        # Never reuse an id: references like P-0042 are quoted to people.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    specialists: Mapped[int]
    state: Mapped[str] = mapped_column(default="requested")
    reason: Mapped[str] = mapped_column(Text)
    contact_phone: Mapped[str]
    # Recorded when booked; later changes to the person do not rewrite it (SPEC §4).
    bill_to: Mapped[str]
    bill_to_unit: Mapped[str | None]
    specialist_name: Mapped[str | None]
    request_key: Mapped[str | None] = mapped_column(unique=True)
    price_version_id: Mapped[int | None] = mapped_column(ForeignKey("price_versions.id"))
    quoted_minutes: Mapped[int]
    quoted_amount: Mapped[Decimal | None]
    ended_at: Mapped[datetime | None]
    # An early end staff confirmed for a moment still ahead: time ends the plantão then.
    scheduled_end_at: Mapped[datetime | None]
    charged_minutes: Mapped[int | None]  # for all specialists together
    amount_due: Mapped[Decimal | None]
    # Nothing charged by decision: staff cancelled it for want of a specialist (SPEC §4).
    waived: Mapped[bool] = mapped_column(default=False, server_default=false())
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def ref(self) -> str:
        return format_ref(self.id)


class PlantaoEvent(Base):
    """Append-only history of a plantão: who changed it, when, where, and the amount then due."""

    __tablename__ = "plantao_events"
    __table_args__ = (
        _one_of("to_state", PLANTAO_STATES),
        _one_of("actor_role", ACTOR_ROLES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plantao_id: Mapped[int] = mapped_column(ForeignKey("plantoes.id"), index=True)
    from_state: Mapped[str | None]
    to_state: Mapped[str]
    actor_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    actor_role: Mapped[str]
    channel: Mapped[str]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    charged_minutes: Mapped[int | None]  # for all specialists together
    amount_due: Mapped[Decimal | None]
    note: Mapped[str | None] = mapped_column(Text)


_APPOINTMENT_REF = re.compile(r"t-?([0-9]+)", re.IGNORECASE)


def format_appointment_ref(appointment_id: int) -> str:
    """The short reference people use for a Consultoria Técnica appointment, e.g. T-0007."""
    return f"T-{appointment_id:04d}"


def parse_appointment_ref(text: str) -> int:
    """The id in an appointment reference such as "T-0007", "t-7" or "T7"."""
    match = _APPOINTMENT_REF.fullmatch(text.strip())
    if match is None:
        raise ValueError(f'Referência de consultoria inválida: "{text}". Use o formato T-0007.')
    return int(match.group(1))


class Appointment(Base):
    """A Consultoria Técnica appointment (SPEC §5): what the customer asked for and when they
    prefer it, then the slot staff confirmed; `version` guards every change (compare-and-set)."""

    __tablename__ = "appointments"
    __table_args__ = (
        _one_of("state", APPOINTMENT_STATES),
        _one_of("bill_to", BILL_TO),
        CheckConstraint("period IN ('manha', 'tarde') OR period IS NULL", name="period_known"),
        CheckConstraint("(period IS NULL) <> (preferred_time IS NULL)", name="period_or_time"),
        CheckConstraint("estimated_minutes > 0", name="estimated_minutes_positive"),
        CheckConstraint(
            "(slot_start_at IS NULL AND slot_end_at IS NULL) OR slot_end_at > slot_start_at",
            name="slot_order",
        ),
        Index(None, "person_id", "preferred_day"),
        Index(None, "state", "preferred_day"),
        # Never reuse an id: references like T-0007 are quoted to people.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    # Recorded when requested; later changes to the person do not rewrite it (SPEC §2).
    bill_to: Mapped[str]
    bill_to_unit: Mapped[str | None]
    subject: Mapped[str] = mapped_column(Text)
    system: Mapped[str]
    preferred_day: Mapped[date]
    period: Mapped[str | None]
    preferred_time: Mapped[time | None]
    estimated_minutes: Mapped[int | None]
    # The engine's quote of the estimated duration, at the price in force on the preferred day.
    price_version_id: Mapped[int | None] = mapped_column(ForeignKey("price_versions.id"))
    quoted_minutes: Mapped[int | None]
    quoted_amount: Mapped[Decimal | None]  # None: no estimate, or the rate is "as in the Term"
    contact_phone: Mapped[str]
    state: Mapped[str] = mapped_column(default="requested")
    slot_start_at: Mapped[datetime | None]
    slot_end_at: Mapped[datetime | None]
    request_key: Mapped[str | None] = mapped_column(unique=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def ref(self) -> str:
        return format_appointment_ref(self.id)


class AppointmentEvent(Base):
    """Append-only history of an appointment: who changed it, when, where, and to what."""

    __tablename__ = "appointment_events"
    __table_args__ = (
        _one_of("to_state", APPOINTMENT_STATES),
        _one_of("actor_role", ACTOR_ROLES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id"), index=True)
    from_state: Mapped[str | None]
    to_state: Mapped[str]
    actor_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    actor_role: Mapped[str]
    channel: Mapped[str]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)


class Notification(Base):
    """Outbox for the staff chat, written in the same transaction as the change it announces."""

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        # The sender polls undelivered rows by due time.
        Index(
            "ix_notifications_pending",
            "next_attempt_at",
            sqlite_where="delivered_at IS NULL",
            postgresql_where="delivered_at IS NULL",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str]
    payload: Mapped[dict[str, Any]] = mapped_column(JSONText)
    dedupe_key: Mapped[str] = mapped_column(unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class PrivacyRequest(Base):
    """A person's LGPD request (SPEC §7): a copy of their data, or erasure of the conversation.

    `conversation_id` is kept only until the conversation is erased, so a failed erasure can be
    retried; the row itself stays as the record that the request was made and served.
    """

    __tablename__ = "privacy_requests"
    __table_args__ = (_one_of("kind", PRIVACY_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    kind: Mapped[str]
    channel: Mapped[str]
    conversation_id: Mapped[str | None]
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    detail: Mapped[str | None] = mapped_column(Text)


class UnansweredMessage(Base):
    """A message the assistant did not understand well enough to answer (SPEC §11), kept for the
    maintainers to improve the training data: personal data masked, the intents it was close to,
    erased with the conversation and dropped after the configured retention (SPEC §7)."""

    __tablename__ = "unanswered_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(index=True)
    channel: Mapped[str]
    text: Mapped[str] = mapped_column(Text)  # masked
    intent: Mapped[str | None]  # the best guess, below the confidence needed to answer
    confidence: Mapped[float | None]
    ranking: Mapped[dict[str, Any]] = mapped_column(JSONText)  # intent name -> confidence
    created_at: Mapped[datetime] = mapped_column(index=True, default=utcnow)


HOUR_BANK_KINDS = ("credit", "use")


class HourBankEntry(Base):
    """A movement of a customer's hour bank (SPEC §3.2), append-only: minutes bought (credit), or
    the minutes of a Consultoria Telefônica taken from it (use), with what went beyond the
    balance and was charged at the table price. The balance is the credits minus the uses."""

    __tablename__ = "hour_bank_entries"
    __table_args__ = (
        _one_of("kind", HOUR_BANK_KINDS),
        CheckConstraint("minutes >= 0", name="minutes_not_negative"),
        CheckConstraint("kind = 'use' OR minutes > 0", name="credit_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    kind: Mapped[str]
    minutes: Mapped[int]  # credited, or taken from the balance
    note: Mapped[str | None]  # the contract or purchase a credit comes from
    # A use: the call's ticket, its specialists, and the minutes and amount charged beyond the
    # balance at the price version in force on the day of the call.
    ticket: Mapped[str | None] = mapped_column(String(TICKET_DIGITS.stop - 1))
    specialists: Mapped[int | None]
    charged_minutes: Mapped[int | None]
    amount: Mapped[Decimal | None]
    price_version_id: Mapped[int | None] = mapped_column(ForeignKey("price_versions.id"))
    service_day: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

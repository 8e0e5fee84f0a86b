"""Persistence: SQLAlchemy models, Alembic migrations, the engine and the price table.

SQLite by default (var/consultoria.sqlite3), PostgreSQL with DATABASE_URL. Every change runs in
`unit_of_work`; audit tables are append-only in the database itself. The rows of each business
object are read and changed through its service in `consultoria.services`.
"""

from sqlalchemy.orm import Session

from .engine import database_url, make_engine, safe_url, session_factory, unit_of_work
from .models import (
    Appointment,
    AppointmentEvent,
    Base,
    HourBankEntry,
    Notification,
    Person,
    Plantao,
    PlantaoEvent,
    PriceVersionRow,
    PrivacyRequest,
    StaffMember,
    TermAcceptance,
    TermText,
    TermVersion,
    TicketOutcomeRow,
    UnansweredMessage,
    format_appointment_ref,
    format_ref,
    parse_appointment_ref,
    parse_ref,
    text_sha256,
)
from .prices import PriceConflict, add_readjustment, load_price_table, sync_config_prices
from .schema import ensure_schema, open_database, upgrade

__all__ = [
    "Appointment",
    "AppointmentEvent",
    "Base",
    "HourBankEntry",
    "Notification",
    "Person",
    "Plantao",
    "PlantaoEvent",
    "PriceConflict",
    "PriceVersionRow",
    "PrivacyRequest",
    "Session",
    "StaffMember",
    "TermAcceptance",
    "TermText",
    "TermVersion",
    "TicketOutcomeRow",
    "UnansweredMessage",
    "add_readjustment",
    "database_url",
    "ensure_schema",
    "format_appointment_ref",
    "format_ref",
    "load_price_table",
    "make_engine",
    "open_database",
    "parse_appointment_ref",
    "parse_ref",
    "safe_url",
    "session_factory",
    "sync_config_prices",
    "text_sha256",
    "unit_of_work",
    "upgrade",
]

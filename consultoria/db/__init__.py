"""Persistence: SQLAlchemy models, Alembic migrations and the repositories the bot uses.

SQLite by default (var/consultoria.sqlite3), PostgreSQL with DATABASE_URL. Every change runs in
`unit_of_work`; audit tables are append-only in the database itself.
"""

from sqlalchemy.orm import Session

from .engine import database_url, make_engine, safe_url, session_factory, unit_of_work
from .models import (
    Base,
    HourBankAccount,
    HourBankMovement,
    Notification,
    Person,
    Plantao,
    PlantaoEvent,
    PriceVersionRow,
    PrivacyRequest,
    ServiceRecord,
    StaffMember,
    TermAcceptance,
    TermVersion,
    format_ref,
    parse_ref,
    text_sha256,
)
from .plantoes import (
    TRANSITIONS,
    InvalidTransition,
    PlantaoNotFound,
    StateConflict,
    get_or_create_person,
    get_plantao_for_person,
    list_plantoes,
    list_plantoes_for_person,
    request_plantao,
    transition,
)
from .prices import PriceConflict, add_readjustment, load_price_table, sync_config_prices
from .schema import ensure_schema, open_database, upgrade
from .staff import is_staff, sync_staff

__all__ = [
    "TRANSITIONS",
    "Base",
    "HourBankAccount",
    "HourBankMovement",
    "InvalidTransition",
    "Notification",
    "Person",
    "Plantao",
    "PlantaoEvent",
    "PlantaoNotFound",
    "PriceConflict",
    "PriceVersionRow",
    "PrivacyRequest",
    "ServiceRecord",
    "Session",
    "StaffMember",
    "StateConflict",
    "TermAcceptance",
    "TermVersion",
    "add_readjustment",
    "database_url",
    "ensure_schema",
    "format_ref",
    "get_or_create_person",
    "get_plantao_for_person",
    "is_staff",
    "list_plantoes",
    "list_plantoes_for_person",
    "load_price_table",
    "make_engine",
    "open_database",
    "parse_ref",
    "request_plantao",
    "safe_url",
    "session_factory",
    "sync_config_prices",
    "sync_staff",
    "text_sha256",
    "transition",
    "unit_of_work",
    "upgrade",
]

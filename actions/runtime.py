"""What the action server shares between requests: settings, the database and the clock."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy.orm import Session, sessionmaker

from actions import db
from actions.settings import Settings, load_settings
from actions.tariff import PriceTable


def settings() -> Settings:
    return load_settings()


@cache
def sessions() -> sessionmaker[Session]:
    """Opened once per process: migrate if needed and record the configured price versions."""
    factory = db.open_database()
    with db.unit_of_work(factory) as session:
        db.sync_config_prices(session, settings().prices)
        db.sync_staff(session, settings().staff)
    return factory


def price_table() -> PriceTable:
    # Read on every quote: a readjustment made with `consultoria prices readjust` applies at once.
    with db.unit_of_work(sessions()) as session:
        return db.load_price_table(session)


def now() -> datetime:
    return datetime.now(settings().tariff.calendar.timezone)

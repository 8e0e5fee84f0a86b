"""What a process shares between requests (settings, the database, the clock), and the
`Context` each unit of work is given instead of reaching for globals."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import datetime
from functools import cache, cached_property

from sqlalchemy.orm import Session, sessionmaker

from consultoria import db
from consultoria.services import people
from consultoria.settings import ConfigError, Settings, load_settings
from consultoria.tariff import PriceTable

# Tests and demos run the real servers at a chosen instant: the clock starts there and advances
# in real time, so timeouts and durations still behave. Set by the operator, never by a message.
CLOCK_START_ENV = "CONSULTORIA_CLOCK_START"


def settings() -> Settings:
    return load_settings()


@cache
def sessions() -> sessionmaker[Session]:
    """Opened once per process: migrate if needed and record the configured price versions."""
    factory = db.open_database()
    with db.unit_of_work(factory) as session:
        db.sync_config_prices(session, settings().prices)
        people.sync_staff(session, settings().staff)
    return factory


@cache
def _clock_offset() -> float:
    start = os.environ.get(CLOCK_START_ENV)
    if not start:
        return 0.0
    try:
        moment = datetime.fromisoformat(start)
    except ValueError:
        raise ConfigError(f"{CLOCK_START_ENV}: data e hora ISO 8601 inválida: {start}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=settings().tariff.calendar.timezone)
    return moment.timestamp() - time.time()


def now() -> datetime:
    """The current instant in the configured zone (shifted when CONSULTORIA_CLOCK_START is set)."""
    return datetime.fromtimestamp(
        time.time() + _clock_offset(), settings().tariff.calendar.timezone
    )


@dataclass(frozen=True)
class Context:
    """One unit of work's dependencies: the instant it happens at, the rules and the database."""

    now: datetime
    settings: Settings

    @property
    def sessions(self) -> sessionmaker[Session]:
        # Opened on first use, so an action that needs no database (the handoff to a person)
        # still answers while the database is down.
        return sessions()

    @cached_property
    def prices(self) -> PriceTable:
        # Read from the database once per unit of work: a readjustment made with
        # `consultoria prices readjust` applies from the next request on.
        with db.unit_of_work(self.sessions) as session:
            return db.load_price_table(session)


def context(at: datetime | None = None) -> Context:
    """The context of a request handled now (or at `at`, for tests that pin the clock)."""
    return Context(now=at or now(), settings=settings())

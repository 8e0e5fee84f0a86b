"""The persistence tests' databases and records (a pytest plugin: tests/conftest.py).

`engine` is a migrated, empty database on SQLite and on PostgreSQL, so every test that takes
it (through `factory`, `person`, `book`, ...) runs on both.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from consultoria.db import (
    Person,
    Plantao,
    make_engine,
    session_factory,
    unit_of_work,
    upgrade,
)
from consultoria.services.actors import Customer, Staff
from consultoria.services.people import get_or_create_person, staff_person
from consultoria.services.plantoes import transition
from consultoria.settings import DEFAULT_CONFIG, Settings, load_settings

from .plantoes import request
from .postgres import empty_postgres

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

# For what only PostgreSQL can show: overrides the backends `engine` runs on.
postgres_only = pytest.mark.parametrize(
    "engine", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)

# A Saturday, 08:00 in São Paulo, well after any clock the tests run at.
SATURDAY = datetime(2030, 6, 1, 11, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def settings() -> Settings:
    """The shipped consultoria.yml."""
    return load_settings(DEFAULT_CONFIG)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once; each test gets a copy of the file."""
    path = tmp_path_factory.mktemp("sqlite-template") / "consultoria.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


def fresh_sqlite(request: pytest.FixtureRequest, path: Path) -> str:
    """The URL of a migrated, empty SQLite database at `path` (a copy of the template)."""
    shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
    return f"sqlite:///{path}"


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a migrated, empty database: a fresh SQLite copy, or the emptied PG one."""
    if request.param == "postgresql":
        pg_engine: Engine = request.getfixturevalue("pg_engine")
        empty_postgres(pg_engine)
        yield pg_engine
        return
    engine = make_engine(fresh_sqlite(request, tmp_path / "consultoria.sqlite3"))
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def person(factory: sessionmaker[Session]) -> Person:
    with unit_of_work(factory) as session:
        return get_or_create_person(session, "telegram", "1001", "Ana Cliente")


@pytest.fixture
def other_person(factory: sessionmaker[Session]) -> Person:
    with unit_of_work(factory) as session:
        return get_or_create_person(session, "telegram", "2002", "Bruno Cliente")


Book = Callable[..., Plantao]


@pytest.fixture
def book(factory: sessionmaker[Session], person: Person) -> Book:
    """Commit a requested plantão (10 h on a Saturday) and return it."""

    def book(
        who: Person | None = None,
        *,
        start_at: datetime = SATURDAY,
        hours: int = 10,
        request_key: str | None = None,
    ) -> Plantao:
        with unit_of_work(factory) as session:
            return request(
                session,
                Customer(who or person, "telegram"),
                start_at,
                hours,
                reason="Fechamento contábil",
                contact_phone="+55 11 91234-5678",
                request_key=request_key,
            )

    return book


def by_staff(
    session: Session, plantao_id: int, to_state: str, *allowed_from: str, **changes: Any
) -> Plantao:
    """`transition` as a staff member acting from Telegram."""
    staff = Staff(staff_person(session, "telegram", "900", "Equipe Plantão"), "telegram")
    return transition(
        session, plantao_id, staff, to_state=to_state, allowed_from=set(allowed_from), **changes
    )


def by_customer(
    session: Session,
    plantao_id: int,
    person: Person,
    to_state: str,
    *allowed_from: str,
    **changes: Any,
) -> Plantao:
    """`transition` as the customer `person` acting from Telegram."""
    customer = Customer(person, "telegram")
    return transition(
        session, plantao_id, customer, to_state=to_state, allowed_from=set(allowed_from), **changes
    )


def end_early_by_staff(
    session: Session, plantao_id: int, ended_at: datetime, **changes: Any
) -> Plantao:
    """A confirmed or running plantão ended early by staff, charged its 240-minute first-day
    minimum (R$ 960,00)."""
    return by_staff(
        session,
        plantao_id,
        "ended_early",
        "confirmed",
        "in_progress",
        charged_minutes=240,
        amount_due=Decimal("960.00"),
        ended_at=ended_at,
        **changes,
    )

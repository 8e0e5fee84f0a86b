"""Real databases for the persistence tests: a SQLite file and a throwaway PostgreSQL database.

Every test that takes `engine` runs on both. PostgreSQL comes from DATABASE_TEST_PG_URL (an
admin URL; throwaway databases are created next to it); unreachable, it is skipped locally and
fails the run under CI.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from consultoria.db import (
    Base,
    Person,
    Plantao,
    make_engine,
    safe_url,
    session_factory,
    unit_of_work,
    upgrade,
)
from consultoria.db.engine import normalize_url
from consultoria.services.actors import Customer, Staff
from consultoria.services.people import get_or_create_person, staff_person
from consultoria.services.plantoes import request_plantao, transition
from consultoria.settings import DEFAULT_CONFIG, Settings, load_settings

PG_ADMIN_URL = os.environ.get(
    "DATABASE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# A Saturday well in the future: shifts start after "now" whatever day the suite runs.
SATURDAY = datetime(2030, 6, 1, 11, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def settings() -> Settings:
    """The shipped consultoria.yml."""
    return load_settings(DEFAULT_CONFIG)


class PgServer:
    """Creates throwaway databases on the test server and drops them all at the end."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.admin = make_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def create(self) -> str:
        name = f"consultoria_test_{secrets.token_hex(4)}"
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in self.created:
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        self.admin.dispose()


def _truthy(value: str) -> bool:
    return value.strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    probe = create_engine(normalize_url(PG_ADMIN_URL), connect_args={"connect_timeout": 5})
    try:
        with probe.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except OperationalError as exc:
        message = f"PostgreSQL unreachable at {safe_url(PG_ADMIN_URL)}: {exc.orig}"
        if _truthy(os.environ.get("CI", "")):
            pytest.fail(message)
        pytest.skip(message)
    finally:
        probe.dispose()
    server = PgServer(PG_ADMIN_URL)
    yield server
    server.drop_all()


@pytest.fixture(scope="session")
def pg_url(pg_server: PgServer) -> str:
    """One migrated database for the session, emptied before each test."""
    url = pg_server.create()
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once; each test gets a copy of the file."""
    path = tmp_path_factory.mktemp("sqlite-template") / "consultoria.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_engine(pg_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_url)
    yield engine
    engine.dispose()


# For what only PostgreSQL can show: overrides the backends `engine` runs on.
postgres_only = pytest.mark.parametrize(
    "engine", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)


def _empty_postgres(engine: Engine) -> None:
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    restart = (f"setval(pg_get_serial_sequence('{name}', 'id'), 1, false)" for name in tables)
    with engine.begin() as connection:
        # Replica mode skips user triggers (the append-only guard); DELETE is much cheaper
        # than TRUNCATE on tables this small.
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for name in tables:
            connection.exec_driver_sql(f"DELETE FROM {name}")
        connection.exec_driver_sql(f"SELECT {', '.join(restart)}")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a migrated, empty database: a fresh SQLite copy, or the emptied PG one."""
    if request.param == "postgresql":
        pg_engine: Engine = request.getfixturevalue("pg_engine")
        _empty_postgres(pg_engine)
        yield pg_engine
        return
    path = tmp_path / "consultoria.sqlite3"
    shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
    engine = make_engine(f"sqlite:///{path}")
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
    """Commit a requested shift (10 h on a Saturday) and return it."""

    def book(
        who: Person | None = None,
        *,
        start_at: datetime = SATURDAY,
        hours: int = 10,
        request_key: str | None = None,
    ) -> Plantao:
        with unit_of_work(factory) as session:
            plantao, _ = request_plantao(
                session,
                Customer(who or person, "telegram"),
                start_at=start_at,
                end_at=start_at + timedelta(hours=hours),
                specialists=1,
                reason="Fechamento contábil",
                contact_phone="+55 11 91234-5678",
                request_key=request_key,
                price_version_id=None,
                quoted_minutes=hours * 60,
                quoted_amount=Decimal("4.00") * hours * 60,
            )
            return plantao

    return book


def by_staff(
    session: Session, plantao_id: int, to_state: str, *allowed_from: str, **changes: Any
) -> Plantao:
    """`transition` as a staff member acting from Telegram."""
    staff = Staff(staff_person(session, "telegram", "900", "Equipe Plantão"), "telegram")
    return transition(
        session, plantao_id, staff, to_state=to_state, allowed_from=set(allowed_from), **changes
    )

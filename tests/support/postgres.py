"""The PostgreSQL server the tests marked `postgres` run on (a pytest plugin: tests/conftest.py).

It comes from DATABASE_TEST_PG_URL (an admin URL; throwaway databases are created next to it);
unreachable, its tests are skipped locally and fail the run under CI.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from consultoria.db import Base, make_engine, safe_url, upgrade
from consultoria.db.engine import normalize_url

PG_ADMIN_URL = os.environ.get(
    "DATABASE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


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
def pg_engine(pg_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_url)
    yield engine
    engine.dispose()


def empty_postgres(engine: Engine) -> None:
    """Delete every row of the session's database, and restart its ids at 1."""
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    restart = (f"setval(pg_get_serial_sequence('{name}', 'id'), 1, false)" for name in tables)
    with engine.begin() as connection:
        # Replica mode skips user triggers (the append-only guard); DELETE is much cheaper
        # than TRUNCATE on tables this small.
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for name in tables:
            connection.exec_driver_sql(f"DELETE FROM {name}")
        connection.exec_driver_sql(f"SELECT {', '.join(restart)}")

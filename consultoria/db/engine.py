"""Where the database is, how to connect to it, and the unit of work every change runs in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

from consultoria.settings import PROJECT_ROOT

DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "consultoria.sqlite3"
_PG_SCHEMES = ("postgresql://", "postgres://")


def normalize_url(url: str) -> str:
    """Route plain PostgreSQL URLs (as hosting providers hand them out) to psycopg 3."""
    for scheme in _PG_SCHEMES:
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    return url


def database_url() -> str:
    """`DATABASE_URL`, or a SQLite file under the project's var/ directory."""
    configured = os.environ.get("DATABASE_URL", "").strip()
    return normalize_url(configured) if configured else f"sqlite:///{DEFAULT_SQLITE_PATH}"


def safe_url(url: str) -> str:
    """The URL with its password masked, fit for messages and logs."""
    return make_url(normalize_url(url)).render_as_string(hide_password=True)


def make_engine(url: str | None = None) -> Engine:
    target = make_url(normalize_url(url or database_url()))
    if target.get_backend_name() != "sqlite":
        return create_engine(target, pool_pre_ping=True)
    if target.database and target.database != ":memory:":
        Path(target.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(target)
    event.listen(engine, "connect", _configure_sqlite)
    event.listen(engine, "begin", _begin_immediate)
    return engine


def _configure_sqlite(dbapi_connection: Any, _record: object) -> None:
    # Let SQLAlchemy emit BEGIN itself (see _begin_immediate); the driver's implicit
    # transactions would otherwise break SAVEPOINTs and locking.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _begin_immediate(connection: Connection) -> None:
    # Take the write lock up front: a deferred transaction that reads and then writes fails
    # with SQLITE_BUSY when another writer got in between, and busy_timeout cannot help it.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    # Objects stay readable after commit, e.g. to word the reply about what was saved.
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session inside one transaction: committed on success, rolled back on any exception."""
    with factory.begin() as session:
        yield session

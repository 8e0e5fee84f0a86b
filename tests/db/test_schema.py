"""Migrations: from an empty database to head, matching the models, run once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event, inspect, select

from consultoria.db import (
    Base,
    Person,
    ensure_schema,
    get_or_create_person,
    make_engine,
    open_database,
    unit_of_work,
    upgrade,
)
from consultoria.db.schema import alembic_config

from .conftest import PgServer


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    server: PgServer = request.getfixturevalue("pg_server")
    return server.create()


@pytest.fixture
def empty_engine(empty_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_url)
    yield engine
    engine.dispose()


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_upgrade_from_empty_matches_the_models(empty_url: str, empty_engine: Engine) -> None:
    upgrade(empty_url)
    assert _revision(empty_engine) == _head()
    with empty_engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) == {
            *Base.metadata.tables,
            "alembic_version",
        }
        # What `alembic revision --autogenerate` would emit: nothing.
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_downgrade_to_base_and_back(empty_url: str, empty_engine: Engine) -> None:
    upgrade(empty_url)
    command.downgrade(alembic_config(empty_url), "base")
    with empty_engine.connect() as connection:
        assert inspect(connection).get_table_names() == ["alembic_version"]
    upgrade(empty_url)
    assert _revision(empty_engine) == _head()


def test_ensure_schema_upgrades_once(empty_engine: Engine) -> None:
    ensure_schema(empty_engine)
    assert _revision(empty_engine) == _head()

    statements: list[str] = []
    event.listen(empty_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    ensure_schema(empty_engine)
    assert statements, "the revision check ran"
    assert all(s.lstrip().upper().startswith(("SELECT", "PRAGMA", "BEGIN")) for s in statements)


def test_concurrent_ensure_schema(empty_engine: Engine) -> None:
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def start() -> None:
        barrier.wait()
        try:
            ensure_schema(empty_engine)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert _revision(empty_engine) == _head()


def test_open_database_migrates_and_serves_sessions(empty_url: str) -> None:
    factory = open_database(empty_url)
    try:
        with unit_of_work(factory) as session:
            get_or_create_person(session, "telegram", "1", "Ana")
        with factory() as session:
            assert session.scalars(select(Person.name)).all() == ["Ana"]
    finally:
        factory.kw["bind"].dispose()

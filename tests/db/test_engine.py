"""Connection settings and the unit of work."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from consultoria.db import Person, database_url, make_engine, safe_url, unit_of_work
from consultoria.db.engine import DEFAULT_SQLITE_PATH, normalize_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.sqlite3", "sqlite:////tmp/x.sqlite3"),
    ],
)
def test_normalize_url(given: str, expected: str) -> None:
    assert normalize_url(given) == expected


def test_database_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://bot:segredo@db/consultoria")
    assert database_url() == "postgresql+psycopg://bot:segredo@db/consultoria"
    monkeypatch.delenv("DATABASE_URL")
    assert database_url() == f"sqlite:///{DEFAULT_SQLITE_PATH}"
    assert DEFAULT_SQLITE_PATH.parts[-2:] == ("var", "consultoria.sqlite3")


def test_safe_url_hides_the_password() -> None:
    assert safe_url("postgres://bot:segredo@db/c") == "postgresql+psycopg://bot:***@db/c"


def test_sqlite_engine_creates_its_directory_and_sets_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "db.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            pragmas = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("foreign_keys", "journal_mode", "busy_timeout")
            }
    finally:
        engine.dispose()
    assert path.exists()
    assert pragmas == {"foreign_keys": 1, "journal_mode": "wal", "busy_timeout": 5000}


def _count_people(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(Person)) or 0


def test_unit_of_work_commits_or_rolls_back(engine: Engine, factory: sessionmaker[Session]) -> None:
    with unit_of_work(factory) as session:
        session.add(Person(channel="telegram", channel_user_id="1", name="Ana"))
    with pytest.raises(RuntimeError), unit_of_work(factory) as session:
        session.add(Person(channel="telegram", channel_user_id="2", name="Bia"))
        session.flush()
        raise RuntimeError("boom")
    assert _count_people(engine) == 1

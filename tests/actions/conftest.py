"""Action tests: real Tracker and CollectingDispatcher objects, a real database (SQLite, or
both SQLite and PostgreSQL for modules marked `both_backends`) and a pinned clock."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher

from consultoria import runtime
from consultoria.db import make_engine
from consultoria.identity import SECRET_VARIABLE
from tests.stack import SIGNING_SECRET
from tests.support.clock import WEDNESDAY_MORNING, PinClock
from tests.support.databases import BACKENDS, fresh_sqlite
from tests.support.postgres import empty_postgres


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "both_backends: run each action test on SQLite and on PostgreSQL"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked `both_backends` run on each backend, unless they name their own."""
    named = any(
        "database" in _argnames(mark.args[0])
        for mark in metafunc.definition.iter_markers("parametrize")
    )
    if metafunc.definition.get_closest_marker("both_backends") and not named:
        metafunc.parametrize("database", BACKENDS, indirect=True)


def _argnames(argnames: str | Sequence[str]) -> list[str]:
    names = argnames.split(",") if isinstance(argnames, str) else argnames
    return [name.strip() for name in names]


@pytest.fixture(autouse=True)
def database(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """DATABASE_URL for the action server code: a fresh SQLite file, or the emptied PG one."""
    backend = getattr(request, "param", "sqlite")
    if backend == "postgresql":
        url: str = request.getfixturevalue("pg_url")
        engine = make_engine(url)
        empty_postgres(engine)
        engine.dispose()
    else:
        url = fresh_sqlite(request, tmp_path / "actions.sqlite3")
    monkeypatch.setenv("DATABASE_URL", url)
    runtime.sessions.cache_clear()
    yield backend
    if runtime.sessions.cache_info().currsize:
        runtime.sessions().kw["bind"].dispose()
    runtime.sessions.cache_clear()


@pytest.fixture(autouse=True)
def signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """The action server trusts what the front ends, and `from_telegram()`, sign."""
    monkeypatch.setenv(SECRET_VARIABLE, SIGNING_SECRET)


@pytest.fixture(autouse=True)
def clock(pin_clock: PinClock) -> None:
    """Every action test runs on a Wednesday morning, unless it pins another instant."""
    pin_clock(WEDNESDAY_MORNING)


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()

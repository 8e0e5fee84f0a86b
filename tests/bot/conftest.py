"""The real bot application against the fake Telegram server and a scripted Rasa.

The database fixtures (`engine` on SQLite and PostgreSQL, `factory`, ...) are the
persistence tests' own, from tests/support/databases.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from telegram.ext import Application

from bot.app import build_application
from bot.settings import BotSettings
from consultoria.db import StaffMember, make_engine, session_factory, unit_of_work
from tests.faketg.rasa import ScriptedRasa
from tests.faketg.server import FakeTelegram, User
from tests.support.databases import fresh_sqlite

ANA = User(1001, "Ana", "ana_cliente")
BRUNO = User(2002, "Bruno", "bruno_ti")
STAFF = User(9001, "Carla", "carla_equipe")

RunningBot = Callable[..., Any]


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def rasa() -> Iterator[ScriptedRasa]:
    with ScriptedRasa() as server:
        yield server


def add_staff(sessions: sessionmaker[Session], *users: User) -> None:
    with unit_of_work(sessions) as session:
        for user in users:
            session.add(
                StaffMember(channel="telegram", channel_user_id=str(user.id), name=user.first_name)
            )


def bot_settings(telegram: FakeTelegram, rasa_url: str, **changes: Any) -> BotSettings:
    base = BotSettings(
        token=telegram.token,
        api_base_url=telegram.base_url,
        rasa_url=rasa_url,
        outbox_interval_seconds=0.2,
    )
    return dataclasses.replace(base, **changes)


@asynccontextmanager
async def polling(application: Application[Any, Any, Any, Any, Any, Any]) -> AsyncIterator[None]:
    """What run_polling does, minus the signal handling: the test owns the event loop."""
    async with application:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield
        finally:
            await application.updater.stop()
            await application.stop()
            if application.post_shutdown:
                await application.post_shutdown(application)


@pytest.fixture
def sqlite_sessions(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[sessionmaker[Session]]:
    """A migrated SQLite database of this test's own (the bot's plumbing is not per backend)."""
    sqlite = make_engine(fresh_sqlite(request, tmp_path / "bot.sqlite3"))
    yield session_factory(sqlite)
    sqlite.dispose()


@pytest.fixture
def start_bot(
    telegram: FakeTelegram, rasa: ScriptedRasa, sqlite_sessions: sessionmaker[Session]
) -> Callable[..., Any]:
    """`async with start_bot(**settings changes):` runs the bot until the block ends."""

    def start(**changes: Any) -> Any:
        config = bot_settings(telegram, changes.pop("rasa_url", rasa.base_url), **changes)
        return polling(build_application(config, sqlite_sessions))

    return start

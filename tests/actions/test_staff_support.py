"""Shared by the staff action tests: the real action code on SQLite and on PostgreSQL, a roster
member writing from Telegram, and customers' shifts booked directly in the database.

Test modules import the fixtures in __all__ from here, so that `database`
(overriding the SQLite-only one of conftest.py) runs each of their tests on both backends.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from sqlalchemy import func, select

from consultoria import db, runtime
from consultoria.db import Plantao, PlantaoEvent, make_engine, upgrade
from consultoria.services import people
from consultoria.settings import StaffSeed
from tests.actions.test_booking_support import turn
from tests.db.conftest import _empty_postgres, pg_server, pg_url

__all__ = ["database", "pg_server", "pg_url", "sqlite_actions_template"]

STAFF_ID = "700100200"
STAFF_NAME = "Carla Plantonista"
TELEGRAM = {"channel": "telegram", "first_name": "Carla"}


@pytest.fixture(scope="session")
def sqlite_actions_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("staff-actions") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """DATABASE_URL for the action server code: a fresh SQLite file, or the emptied PG one."""
    if request.param == "postgresql":
        url: str = request.getfixturevalue("pg_url")
        engine = make_engine(url)
        _empty_postgres(engine)
        engine.dispose()
    else:
        path = tmp_path / "actions.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_actions_template"), path)
        url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    runtime.sessions.cache_clear()
    yield request.param
    if runtime.sessions.cache_info().currsize:
        runtime.sessions().kw["bind"].dispose()
    runtime.sessions.cache_clear()


def enroll(user_id: str = STAFF_ID, *, active: bool = True) -> None:
    """Put a member in the roster, as `consultoria db upgrade` does from the configuration."""
    with db.unit_of_work(runtime.sessions()) as session:
        people.sync_staff(session, [StaffSeed(user_id, STAFF_NAME)])
        member = session.scalar(
            select(db.StaffMember).where(db.StaffMember.channel_user_id == user_id)
        )
        assert member is not None
        member.active = active


def staff_turn(
    text: str,
    intent: str,
    *,
    sender: str = STAFF_ID,
    metadata: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
) -> Tracker:
    """A message from Telegram (the front end says so in the metadata) by `sender`."""
    return turn(
        text,
        intent,
        sender=sender,
        metadata=TELEGRAM if metadata is None else metadata,
        entities=entities,
    )


def state_of(plantao_id: int) -> str:
    with db.unit_of_work(runtime.sessions()) as session:
        return session.get_one(Plantao, plantao_id).state


def reload(plantao_id: int) -> Plantao:
    with db.unit_of_work(runtime.sessions()) as session:
        return session.get_one(Plantao, plantao_id)


def events_of(plantao_id: int) -> list[PlantaoEvent]:
    with db.unit_of_work(runtime.sessions()) as session:
        query = select(PlantaoEvent).where(PlantaoEvent.plantao_id == plantao_id)
        return list(session.scalars(query.order_by(PlantaoEvent.id)))


def count(model: type[Any], *where: Any) -> int:
    with db.unit_of_work(runtime.sessions()) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def an_hour_ago() -> datetime:
    """The start of a shift running now."""
    return runtime.now() - timedelta(hours=1)

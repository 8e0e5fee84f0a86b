"""Revision 0012: staff decisions on a ticket get their own append-only table; every earlier row
is kept, only an outcome the schema knows is stored, and the downgrade refuses to lose the
decisions recorded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from consultoria.db import make_engine, upgrade
from consultoria.db.schema import alembic_config
from tests.support.postgres import PgServer

_AT_0009 = (
    "INSERT INTO persons (id, channel, channel_user_id, name, role, unit, created_at) VALUES "
    "(8, 'telegram', '1008', 'Bia Consultora', 'consultant', 'Unidade Campinas', "
    "'2030-05-01 12:00:00+00:00'), (9, 'telegram', '9001', 'Carla', 'staff', NULL, "
    "'2030-05-01 12:00:00+00:00')",
    "INSERT INTO term_versions (id, modality, version, title, text, sha256, effective_at) "
    "VALUES (1, 'suporte', 1, 'Termo', 'Termo', 'abc', '2030-05-01 12:00:00+00:00')",
    "INSERT INTO term_acceptances (id, person_id, role, unit, modality, term_version_id, "
    "text_sha256, accepted, channel, created_at, ticket) VALUES (1, 8, 'consultant', "
    "'Unidade Campinas', 'suporte', 1, 'abc', true, 'telegram', '2030-05-01 12:00:00+00:00', "
    "'18234567')",
)


def _decision(decision_id: int, outcome: str = "published", minutes: str = "35") -> str:
    return (
        "INSERT INTO ticket_outcomes (id, acceptance_id, outcome, minutes, staff_person_id, "
        f"channel, at, billed_minutes, amount) VALUES ({decision_id}, 1, '{outcome}', {minutes}, "
        "9, 'telegram', '2030-05-02 12:00:00+00:00', 35, NULL)"
    )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url_at_0009(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database migrated to 0009 holding a consultant's acceptance for a ticket."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'at-0009.sqlite3'}"
    else:
        server: PgServer = request.getfixturevalue("pg_server")
        url = server.create()
    command.upgrade(alembic_config(url), "0009")
    engine = make_engine(url)
    with engine.begin() as connection:
        for statement in _AT_0009:
            connection.execute(text(statement))
    engine.dispose()
    return url


@pytest.fixture
def engine(url_at_0009: str) -> Iterator[Engine]:
    found = make_engine(url_at_0009)
    yield found
    found.dispose()


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(text(f"SELECT count(*) FROM {table}")) or 0)


def test_0012_keeps_every_row_and_records_decisions_append_only(
    url_at_0009: str, engine: Engine
) -> None:
    upgrade(url_at_0009)
    assert [_count(engine, t) for t in ("persons", "term_acceptances", "ticket_outcomes")] == [
        2,
        1,
        0,
    ]
    with engine.begin() as connection:
        connection.execute(text(_decision(1)))
        connection.execute(text(_decision(2, "new_inconsistency")))
    with pytest.raises(IntegrityError, match="append-only"), engine.begin() as connection:
        connection.execute(text("UPDATE ticket_outcomes SET minutes = 10"))
    with pytest.raises(IntegrityError, match="append-only"), engine.begin() as connection:
        connection.execute(text("DELETE FROM ticket_outcomes"))
    assert _count(engine, "ticket_outcomes") == 2


@pytest.mark.parametrize(("outcome", "minutes"), [("abonado", "35"), ("published", "0")])
def test_0012_stores_only_known_outcomes_and_positive_minutes(
    url_at_0009: str, engine: Engine, outcome: str, minutes: str
) -> None:
    upgrade(url_at_0009)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text(_decision(1, outcome, minutes)))
    assert _count(engine, "ticket_outcomes") == 0


def test_0012_downgrades_only_while_no_decision_is_recorded(
    url_at_0009: str, engine: Engine
) -> None:
    upgrade(url_at_0009)
    with engine.begin() as connection:
        connection.execute(text(_decision(1)))
    with pytest.raises(RuntimeError, match="1 ticket outcome"):
        command.downgrade(alembic_config(url_at_0009), "0009")
    assert _count(engine, "ticket_outcomes") == 1


def test_0012_downgrade_keeps_the_acceptances(url_at_0009: str, engine: Engine) -> None:
    upgrade(url_at_0009)
    command.downgrade(alembic_config(url_at_0009), "0009")
    assert _count(engine, "term_acceptances") == 1
    with pytest.raises(IntegrityError, match="append-only"), engine.begin() as connection:
        connection.execute(text("DELETE FROM term_acceptances"))

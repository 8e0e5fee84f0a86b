"""Revision 0009: an answer to a Term records the Support ticket it was for; every row is kept,
the table stays append-only, a person accepts a version once per ticket, and the downgrade
refuses to lose which ticket an answer was for."""

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

_AT_0008 = (
    "INSERT INTO persons (id, channel, channel_user_id, name, role, unit, created_at) VALUES "
    "(8, 'telegram', '1008', 'Bia Consultora', 'consultant', 'Unidade Campinas', "
    "'2030-05-01 12:00:00+00:00')",
    "INSERT INTO term_versions (id, modality, version, title, text, sha256, effective_at) "
    "VALUES (1, 'suporte', 1, 'Termo', 'Termo', 'abc', '2030-05-01 12:00:00+00:00')",
    "INSERT INTO term_acceptances (id, person_id, role, unit, modality, term_version_id, "
    "text_sha256, accepted, channel, created_at) VALUES (1, 8, 'consultant', "
    "'Unidade Campinas', 'suporte', 1, 'abc', true, 'telegram', '2030-05-01 12:00:00+00:00')",
)


def _answer(ticket: str, accepted: bool, answer_id: int) -> str:
    return (
        "INSERT INTO term_acceptances (id, person_id, role, unit, modality, term_version_id, "
        f"text_sha256, accepted, channel, created_at, ticket) VALUES ({answer_id}, 8, "
        f"'consultant', 'Unidade Campinas', 'suporte', 1, 'abc', {str(accepted).lower()}, "
        f"'telegram', '2030-05-02 12:00:00+00:00', '{ticket}')"
    )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url_at_0008(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database migrated to 0008 holding a consultant's acceptance."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'at-0008.sqlite3'}"
    else:
        server: PgServer = request.getfixturevalue("pg_server")
        url = server.create()
    command.upgrade(alembic_config(url), "0008")
    engine = make_engine(url)
    with engine.begin() as connection:
        for statement in _AT_0008:
            connection.execute(text(statement))
    engine.dispose()
    return url


@pytest.fixture
def engine(url_at_0008: str) -> Iterator[Engine]:
    found = make_engine(url_at_0008)
    yield found
    found.dispose()


def _rows(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        query = "SELECT id, person_id, unit, accepted, ticket FROM term_acceptances ORDER BY id"
        return [tuple(row) for row in connection.execute(text(query))]


def test_0009_keeps_every_answer_and_the_table_append_only(
    url_at_0008: str, engine: Engine
) -> None:
    upgrade(url_at_0008)
    assert _rows(engine) == [(1, 8, "Unidade Campinas", True, None)]
    with pytest.raises(IntegrityError, match="append-only"), engine.begin() as connection:
        connection.execute(text("UPDATE term_acceptances SET ticket = '18234567'"))
    with pytest.raises(IntegrityError, match="append-only"), engine.begin() as connection:
        connection.execute(text("DELETE FROM term_acceptances"))


def test_0009_accepts_a_version_once_per_ticket(url_at_0008: str, engine: Engine) -> None:
    upgrade(url_at_0008)
    with engine.begin() as connection:
        connection.execute(text(_answer("18234567", False, 2)))  # a refusal, then
        connection.execute(text(_answer("18234567", True, 3)))  # the acceptance
        connection.execute(text(_answer("18234568", True, 4)))  # another ticket
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text(_answer("18234567", True, 5)))
    assert [row[0] for row in _rows(engine)] == [1, 2, 3, 4]


def test_0009_downgrades_only_while_no_answer_names_a_ticket(
    url_at_0008: str, engine: Engine
) -> None:
    upgrade(url_at_0008)
    with engine.begin() as connection:
        connection.execute(text(_answer("18234567", True, 2)))
    with pytest.raises(RuntimeError, match="1 answer"):
        command.downgrade(alembic_config(url_at_0008), "0008")
    assert len(_rows(engine)) == 2


def test_0009_downgrade_keeps_the_rows_and_the_triggers(url_at_0008: str, engine: Engine) -> None:
    upgrade(url_at_0008)
    command.downgrade(alembic_config(url_at_0008), "0008")
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT id, unit FROM term_acceptances")).all()
    assert [tuple(row) for row in kept] == [(1, "Unidade Campinas")]
    with pytest.raises(IntegrityError, match="append-only"), engine.begin() as connection:
        connection.execute(text("DELETE FROM term_acceptances"))

"""Revision 0011: Consultoria Técnica appointments and their history; every row is kept, an
answer to a Term can name the appointment it requested, the audit tables stay append-only, and
the downgrade refuses to lose an appointment."""

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
    "(8, 'telegram', '1008', 'Ana Cliente', 'customer', NULL, '2030-05-01 12:00:00+00:00')",
    "INSERT INTO term_versions (id, modality, version, title, text, sha256, effective_at) "
    "VALUES (1, 'tecnica', 1, 'Termo', 'Termo', 'abc', '2030-05-01 12:00:00+00:00')",
    "INSERT INTO term_acceptances (id, person_id, role, unit, modality, term_version_id, "
    "text_sha256, accepted, channel, created_at, ticket) VALUES (1, 8, 'customer', NULL, "
    "'tecnica', 1, 'abc', true, 'telegram', '2030-05-01 12:00:00+00:00', '18234567')",
)
_APPOINTMENT = (
    "INSERT INTO appointments (id, person_id, bill_to, subject, system, preferred_day, period, "
    "contact_phone, state, version, created_at, updated_at) VALUES (1, 8, 'customer', "
    "'Revisão do fechamento', 'Protheus', '2030-06-04', 'manha', '(11) 91234-5678', "
    "'requested', 1, '2030-05-02 12:00:00+00:00', '2030-05-02 12:00:00+00:00')",
    "INSERT INTO appointment_events (id, appointment_id, to_state, actor_role, channel, at) "
    "VALUES (1, 1, 'requested', 'customer', 'telegram', '2030-05-02 12:00:00+00:00')",
    "INSERT INTO term_acceptances (id, person_id, role, modality, term_version_id, "
    "text_sha256, accepted, channel, created_at, appointment_id) VALUES (2, 8, 'customer', "
    "'tecnica', 1, 'abc', true, 'telegram', '2030-05-02 12:00:00+00:00', 1)",
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url_at_0009(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database migrated to 0009 holding an acceptance for a ticket."""
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


def _run(engine: Engine, *statements: str) -> None:
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def _answers(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        query = "SELECT id, person_id, ticket, appointment_id FROM term_acceptances ORDER BY id"
        return [tuple(row) for row in connection.execute(text(query))]


def test_0011_keeps_every_answer_and_records_appointments(url_at_0009: str, engine: Engine) -> None:
    upgrade(url_at_0009)
    assert _answers(engine) == [(1, 8, "18234567", None)]
    _run(engine, *_APPOINTMENT)
    assert _answers(engine)[-1] == (2, 8, None, 1)
    # Appointments change state; their history and the answers do not change.
    _run(engine, "UPDATE appointments SET state = 'confirmed', version = 2")
    for table in ("appointment_events", "term_acceptances"):
        with pytest.raises(IntegrityError, match="append-only"), engine.begin() as connection:
            connection.execute(text(f"DELETE FROM {table}"))


def test_0011_refuses_a_preference_without_a_period_or_a_time(
    url_at_0009: str, engine: Engine
) -> None:
    upgrade(url_at_0009)
    without = _APPOINTMENT[0].replace("'manha'", "NULL")
    with pytest.raises(IntegrityError):
        _run(engine, without)


def test_0011_downgrades_only_while_no_appointment_exists(url_at_0009: str, engine: Engine) -> None:
    upgrade(url_at_0009)
    _run(engine, *_APPOINTMENT)
    with pytest.raises(RuntimeError, match="1 Consultoria Técnica appointment"):
        command.downgrade(alembic_config(url_at_0009), "0009")
    assert len(_answers(engine)) == 2


def test_0011_downgrade_keeps_the_answers_their_guards_and_the_ticket_index(
    url_at_0009: str, engine: Engine
) -> None:
    upgrade(url_at_0009)
    command.downgrade(alembic_config(url_at_0009), "0009")
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT id, ticket FROM term_acceptances")).all()
    assert [tuple(row) for row in kept] == [(1, "18234567")]
    with pytest.raises(IntegrityError, match="append-only"), engine.begin() as connection:
        connection.execute(text("DELETE FROM term_acceptances"))
    # Still once per ticket for acceptances, and any number of refusals.
    refusal = _AT_0009[2].replace("(1, 8", "({id}, 8").replace("true", "false")
    _run(engine, refusal.format(id=2), refusal.format(id=3))
    with pytest.raises(IntegrityError):
        _run(engine, _AT_0009[2].replace("(1, 8", "(4, 8"))

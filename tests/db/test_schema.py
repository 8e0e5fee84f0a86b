"""Migrations: from an empty database to head, matching the models, run once; data kept."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, event, inspect, select, text
from sqlalchemy.exc import IntegrityError

from consultoria.db import (
    Base,
    Person,
    Plantao,
    PlantaoEvent,
    TermAcceptance,
    TermText,
    ensure_schema,
    make_engine,
    open_database,
    session_factory,
    text_sha256,
    unit_of_work,
    upgrade,
)
from consultoria.db.schema import alembic_config
from consultoria.services.people import get_or_create_person
from tests.support.postgres import PgServer


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


# A plantão as revision 0002 stored it: 4 specialists ended early, 240 minutes each.
_PLANTAO_AT_0002 = [
    "INSERT INTO persons (id, channel, channel_user_id, name, role, created_at) "
    "VALUES (7, 'telegram', '1001', 'Ana', 'customer', '2030-05-01 12:00:00+00:00')",
    "INSERT INTO plantoes (id, person_id, start_at, end_at, specialists, state, reason, "
    "contact_phone, quoted_minutes, quoted_amount, ended_at, billed_minutes, amount_due, "
    "version, created_at, updated_at) VALUES (42, 7, '2030-06-01 11:00:00+00:00', "
    "'2030-06-01 21:00:00+00:00', 4, 'ended_early', 'Virada', '+55 11 91234-5678', 2400, "
    "9600.00, '2030-06-01 13:00:00+00:00', 960, 3840.00, 2, '2030-05-01 12:00:00+00:00', "
    "'2030-06-01 13:00:00+00:00')",
    "INSERT INTO plantao_events (id, plantao_id, from_state, to_state, actor_person_id, "
    "actor_role, channel, at) VALUES (1, 42, NULL, 'requested', 7, 'customer', 'telegram', "
    "'2030-05-01 12:00:00+00:00')",
    "INSERT INTO plantao_events (id, plantao_id, from_state, to_state, actor_role, channel, "
    "at, billed_minutes, amount_due) VALUES (2, 42, 'requested', 'ended_early', 'staff', "
    "'telegram', '2030-06-01 13:00:00+00:00', 960, 3840.00)",
]


def _stored(engine: Engine, column: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        plantao = connection.execute(text(f"SELECT id, {column}, amount_due FROM plantoes"))
        events = connection.execute(
            text(f"SELECT id, {column}, amount_due FROM plantao_events ORDER BY id")
        )
        return [tuple(row) for row in (*plantao, *events)]


def test_0003_keeps_the_plantoes_minutes_as_charged_minutes(
    empty_url: str, empty_engine: Engine
) -> None:
    command.upgrade(alembic_config(empty_url), "0002")
    with empty_engine.begin() as connection:
        for statement in _PLANTAO_AT_0002:
            connection.execute(text(statement))
    before = _stored(empty_engine, "billed_minutes")
    upgrade(empty_url)
    assert _revision(empty_engine) == _head()
    assert _stored(empty_engine, "charged_minutes") == before
    with session_factory(empty_engine)() as session:
        plantao = session.get_one(Plantao, 42)
        events = session.scalars(select(PlantaoEvent).order_by(PlantaoEvent.id)).all()
    assert (plantao.ref, plantao.specialists, plantao.charged_minutes) == ("P-0042", 4, 960)
    assert [(e.to_state, e.charged_minutes) for e in events] == [
        ("requested", None),
        ("ended_early", 960),
    ]
    with empty_engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
    assert not tables & {"hour_bank_accounts", "hour_bank_movements", "service_records"}
    command.downgrade(alembic_config(empty_url), "0002")
    assert _stored(empty_engine, "billed_minutes") == before


def test_0003_keeps_the_guards_of_the_plantao_tables(empty_url: str, empty_engine: Engine) -> None:
    command.upgrade(alembic_config(empty_url), "0002")
    with empty_engine.begin() as connection:
        for statement in _PLANTAO_AT_0002:
            connection.execute(text(statement))
    upgrade(empty_url)
    with pytest.raises(IntegrityError, match="append-only"), empty_engine.begin() as connection:
        connection.execute(text("UPDATE plantao_events SET charged_minutes = 0"))
    with pytest.raises(IntegrityError), empty_engine.begin() as connection:
        connection.execute(text("UPDATE plantoes SET charged_minutes = -1"))
    with pytest.raises(IntegrityError), empty_engine.begin() as connection:
        connection.execute(text("UPDATE plantoes SET specialists = 0"))
    with pytest.raises(IntegrityError), empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO plantao_events (plantao_id, to_state, actor_role, channel, at) "
                "VALUES (999, 'requested', 'system', 'system', '2030-06-01 13:00:00+00:00')"
            )
        )
    if empty_engine.dialect.name == "sqlite":  # AUTOINCREMENT: a reference is never reused
        with empty_engine.connect() as connection:
            sequence = "SELECT seq FROM sqlite_sequence WHERE name = 'plantoes'"
            assert connection.scalar(text(sequence)) == 42


# The same plantão as revision 0003 stores it: the minutes column renamed.
_PLANTAO_AT_0003 = [s.replace("billed_minutes", "charged_minutes") for s in _PLANTAO_AT_0002]
_EXPIRY_EVENT = (
    "INSERT INTO plantao_events (id, plantao_id, from_state, to_state, actor_role, channel, at) "
    "VALUES (3, 42, 'requested', 'expired', 'system', 'system', '2030-06-01 11:00:00+00:00')"
)


def test_0004_lets_a_plantao_expire_keeping_rows(empty_url: str, empty_engine: Engine) -> None:
    command.upgrade(alembic_config(empty_url), "0003")
    with empty_engine.begin() as connection:
        for statement in _PLANTAO_AT_0003:
            connection.execute(text(statement))
    with pytest.raises(IntegrityError), empty_engine.begin() as connection:
        connection.execute(text(_EXPIRY_EVENT))
    before = _stored(empty_engine, "charged_minutes")
    upgrade(empty_url)
    assert _revision(empty_engine) == _head()
    assert _stored(empty_engine, "charged_minutes") == before
    with empty_engine.begin() as connection:
        connection.execute(text(_EXPIRY_EVENT))
        connection.execute(text("UPDATE plantoes SET state = 'expired' WHERE id = 42"))
    # The guards came back with the copied tables.
    with pytest.raises(IntegrityError, match="append-only"), empty_engine.begin() as connection:
        connection.execute(text("UPDATE plantao_events SET note = 'x'"))
    with pytest.raises(IntegrityError), empty_engine.begin() as connection:
        connection.execute(text("UPDATE plantoes SET state = 'lost'"))
    if empty_engine.dialect.name == "sqlite":  # AUTOINCREMENT: a reference is never reused
        with empty_engine.connect() as connection:
            sequence = "SELECT seq FROM sqlite_sequence WHERE name = 'plantoes'"
            assert connection.scalar(text(sequence)) == 42
    # An expiry cannot be written back as a state revision 0003 knows.
    with pytest.raises(RuntimeError, match="expired plantões exist"):
        command.downgrade(alembic_config(empty_url), "0003")
    assert _revision(empty_engine) == _head()


# Revision 0004's rows: a consultant of a unit with a plantão, a customer with another, and the
# Term version the consultant accepted by answering its summary.
_CONSULTANT_AT_0004 = [
    "INSERT INTO persons (id, channel, channel_user_id, name, role, unit, created_at) "
    "VALUES (8, 'telegram', '1002', 'Bia', 'consultant', 'Unidade Campinas', "
    "'2030-05-01 12:00:00+00:00')",
    "INSERT INTO plantoes (id, person_id, start_at, end_at, specialists, state, reason, "
    "contact_phone, quoted_minutes, version, created_at, updated_at) VALUES (43, 8, "
    "'2030-06-08 11:00:00+00:00', '2030-06-08 15:00:00+00:00', 1, 'requested', 'Go-live', "
    "'(19) 91234-5678', 240, 1, '2030-05-01 12:00:00+00:00', '2030-05-01 12:00:00+00:00')",
]
_TERM_TITLE = "Termo de Aceite do Plantão 24x7"
_TERM_TEXT = f"{_TERM_TITLE}\n\nResumo\n• Preço: R$ 4,00 por minuto.\n\nCláusulas\n1. Objeto."
_TERM_SUMMARY_SHOWN = (
    f"{_TERM_TITLE} (versão 1)\n\n• Preço: R$ 4,00 por minuto.\n\n"
    "Você aceita este Termo? Se quiser, leia antes o Termo completo."
)


def _term_at_0004(connection: Connection) -> None:
    connection.execute(
        text(
            "INSERT INTO term_versions (id, modality, version, title, text, sha256, effective_at) "
            "VALUES (1, 'plantao', 1, :title, :text, :sha, '2030-05-01 12:00:00+00:00')"
        ),
        {"title": _TERM_TITLE, "text": _TERM_TEXT, "sha": text_sha256(_TERM_TEXT)},
    )
    connection.execute(
        text(
            "INSERT INTO term_acceptances (id, person_id, role, unit, modality, term_version_id, "
            "text_sha256, accepted, channel, created_at) VALUES (1, 8, 'consultant', "
            "'Unidade Campinas', 'plantao', 1, :sha, true, 'telegram', "
            "'2030-05-01 12:00:00+00:00')"
        ),
        {"sha": text_sha256(_TERM_SUMMARY_SHOWN)},
    )


def test_0005_records_bill_to_and_keeps_shown_texts(empty_url: str, empty_engine: Engine) -> None:
    command.upgrade(alembic_config(empty_url), "0004")
    with empty_engine.begin() as connection:
        for statement in (*_PLANTAO_AT_0003, *_CONSULTANT_AT_0004):
            connection.execute(text(statement))
        _term_at_0004(connection)
    before = _stored(empty_engine, "charged_minutes")
    upgrade(empty_url)
    assert _revision(empty_engine) == _head()
    assert _stored(empty_engine, "charged_minutes") == before
    with session_factory(empty_engine)() as session:
        bills = {p.ref: (p.bill_to, p.bill_to_unit) for p in session.scalars(select(Plantao))}
        shown = {t.sha256: t.text for t in session.scalars(select(TermText))}
        acceptance = session.get_one(TermAcceptance, 1)
    assert bills == {
        "P-0042": ("customer", None),
        "P-0043": ("consultant_unit", "Unidade Campinas"),
    }
    # The earlier acceptance can be audited: its hash is one of the kept texts'.
    assert text_sha256(shown[acceptance.text_sha256]) == acceptance.text_sha256
    assert set(shown.values()) == {_TERM_TEXT, _TERM_SUMMARY_SHOWN}
    assert acceptance.plantao_id is None
    with pytest.raises(IntegrityError, match="append-only"), empty_engine.begin() as connection:
        connection.execute(text("UPDATE term_texts SET text = 'outro'"))
    with pytest.raises(IntegrityError, match="append-only"), empty_engine.begin() as connection:
        connection.execute(text("UPDATE term_acceptances SET plantao_id = 43"))
    with pytest.raises(IntegrityError), empty_engine.begin() as connection:
        connection.execute(text("UPDATE plantoes SET bill_to = 'someone'"))
    command.downgrade(alembic_config(empty_url), "0004")
    assert _stored(empty_engine, "charged_minutes") == before
    with pytest.raises(IntegrityError, match="append-only"), empty_engine.begin() as connection:
        connection.execute(text("DELETE FROM term_acceptances"))


def test_0007_keeps_every_plantao_and_refuses_to_drop_a_pending_scheduled_end(
    empty_url: str, empty_engine: Engine
) -> None:
    command.upgrade(alembic_config(empty_url), "0004")
    with empty_engine.begin() as connection:
        for statement in (*_PLANTAO_AT_0003, *_CONSULTANT_AT_0004):
            connection.execute(text(statement))
    command.upgrade(alembic_config(empty_url), "0006")
    before = _stored(empty_engine, "charged_minutes")
    upgrade(empty_url)
    assert _revision(empty_engine) == _head()
    assert _stored(empty_engine, "charged_minutes") == before
    with session_factory(empty_engine)() as session:
        kept = {p.ref: (p.state, p.scheduled_end_at) for p in session.scalars(select(Plantao))}
    assert kept == {"P-0042": ("ended_early", None), "P-0043": ("requested", None)}
    with empty_engine.begin() as connection:  # P-0043 waits on an end at 10:00 of its day
        connection.execute(
            text(
                "UPDATE plantoes SET state = 'confirmed', "
                "scheduled_end_at = '2030-06-08 13:00:00+00:00' WHERE id = 43"
            )
        )
    with pytest.raises(RuntimeError, match="wait on a scheduled end"):
        command.downgrade(alembic_config(empty_url), "0006")
    assert _revision(empty_engine) == _head()
    with empty_engine.begin() as connection:  # once it is closed, nothing waits
        connection.execute(text("UPDATE plantoes SET state = 'cancelled' WHERE id = 43"))
    command.downgrade(alembic_config(empty_url), "0006")
    assert _stored(empty_engine, "charged_minutes") == before
    with empty_engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("plantoes")}
    assert "scheduled_end_at" not in columns


_CANCELLED_AT_0007 = [
    "UPDATE plantoes SET state = 'cancelled', ended_at = '2030-06-07 10:00:00+00:00', "
    "charged_minutes = 0, amount_due = 0 WHERE id = 43",
    "INSERT INTO plantao_events (id, plantao_id, from_state, to_state, actor_role, channel, at, "
    "charged_minutes, amount_due, note) VALUES (9, 43, 'requested', 'cancelled', 'staff', "
    "'telegram', '2030-06-07 10:00:00+00:00', 0, 0, "
    "'cancelado pela equipe: sem especialista disponível')",
]


def test_0008_marks_the_plantoes_cancelled_for_want_of_a_specialist_as_waived(
    empty_url: str, empty_engine: Engine
) -> None:
    command.upgrade(alembic_config(empty_url), "0004")
    with empty_engine.begin() as connection:
        for statement in (*_PLANTAO_AT_0003, *_CONSULTANT_AT_0004):
            connection.execute(text(statement))
    command.upgrade(alembic_config(empty_url), "0007")
    with empty_engine.begin() as connection:
        for statement in _CANCELLED_AT_0007:
            connection.execute(text(statement))
    before = _stored(empty_engine, "amount_due")
    upgrade(empty_url)
    assert _revision(empty_engine) == _head()
    assert _stored(empty_engine, "amount_due") == before
    with session_factory(empty_engine)() as session:
        waived = {p.ref: p.waived for p in session.scalars(select(Plantao))}
    assert waived == {"P-0042": False, "P-0043": True}
    command.downgrade(alembic_config(empty_url), "0007")
    assert _stored(empty_engine, "amount_due") == before

"""The database roles deploy/postgres-init.sh creates, on a real PostgreSQL server (issue #13):
migrated by its owner, the project's database lets the application's role read and write rows,
and nothing more. It cannot drop or disable the append-only triggers, truncate, skip triggers,
create or drop a table; in Rasa's tracker store it may only read and delete rows.

The script runs as the server's entrypoint runs it, with throwaway role and database names,
removed afterwards."""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, ProgrammingError
from sqlalchemy.orm import sessionmaker

from consultoria import db
from consultoria.db import Person, PriceVersionRow, make_engine, unit_of_work, upgrade
from consultoria.settings import DEFAULT_CONFIG, load_settings
from tests.support.postgres import PgServer

ROOT = Path(__file__).parents[2]
INIT_SCRIPT = ROOT / "deploy" / "postgres-init.sh"
# The test server trusts local connections: the roles' passwords are not what is tested here.
LOGIN = "pw"
REFUSED = r"must be owner|permission denied"

pytestmark = pytest.mark.postgres


@dataclass(frozen=True)
class Roles:
    owner: str
    app: str
    tracker: str
    app_db: str
    tracker_db: str

    def url(self, admin_url: str, user: str, database: str) -> str:
        found = make_url(admin_url).set(username=user, password=LOGIN, database=database)
        return found.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def roles(pg_server: PgServer) -> Iterator[Roles]:
    suffix = secrets.token_hex(3)
    made = Roles(
        f"owner_{suffix}", f"app_{suffix}", f"tracker_{suffix}", f"app_{suffix}", f"rasa_{suffix}"
    )
    admin = make_url(pg_server.admin_url)
    environ = {
        **os.environ,
        "PGHOST": str(admin.host),
        "PGPORT": str(admin.port or 5432),
        "POSTGRES_USER": str(admin.username),
        "POSTGRES_DB": str(admin.database),
        "APP_DB_NAME": made.app_db,
        "TRACKER_DB_NAME": made.tracker_db,
        "MIGRATION_DB_ROLE": made.owner,
        "APP_DB_ROLE": made.app,
        "TRACKER_DB_ROLE": made.tracker,
        "MIGRATION_DB_PASSWORD": LOGIN,
        "APP_DB_PASSWORD": "p'w; DROP ROLE postgres",  # a quote in a password stays in it
        "TRACKER_DB_PASSWORD": LOGIN,
    }
    try:
        subprocess.run(["bash", str(INIT_SCRIPT)], env=environ, check=True, capture_output=True)
        upgrade(made.url(pg_server.admin_url, made.owner, made.app_db))
        yield made
    finally:
        _drop(pg_server, made)


def _drop(pg_server: PgServer, made: Roles) -> None:
    with pg_server.admin.connect() as connection:
        for database in (made.app_db, made.tracker_db):
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        for name in (made.owner, made.app, made.tracker):
            connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{name}"')


@pytest.fixture
def as_app(roles: Roles, pg_server: PgServer) -> Iterator[Engine]:
    engine = make_engine(roles.url(pg_server.admin_url, roles.app, roles.app_db))
    yield engine
    engine.dispose()


@pytest.mark.parametrize(
    "statement",
    [
        "DROP TRIGGER plantao_events_append_only ON plantao_events",
        "DROP TRIGGER term_acceptances_no_truncate ON term_acceptances",
        "ALTER TABLE plantao_events DISABLE TRIGGER ALL",
        "DROP FUNCTION reject_append_only_change() CASCADE",
        "TRUNCATE price_versions",
        "SET session_replication_role = replica",
        "DROP TABLE plantao_events",
        "CREATE TABLE intruder (id int)",
        "ALTER TABLE plantoes OWNER TO CURRENT_USER",
    ],
)
def test_the_app_role_cannot_undo_the_audit_guards(as_app: Engine, statement: str) -> None:
    with pytest.raises(ProgrammingError, match=REFUSED), as_app.begin() as connection:
        connection.exec_driver_sql(statement)


def test_the_app_role_reads_and_writes_rows_and_the_triggers_hold(as_app: Engine) -> None:
    with unit_of_work(sessionmaker(as_app)) as session:
        db.sync_config_prices(session, load_settings(DEFAULT_CONFIG).prices)
        assert session.scalar(select(func.count()).select_from(PriceVersionRow))
        person = Person(channel="rest", channel_user_id="role-test", name="Ana")
        session.add(person)
        session.flush()
        person.name = "Ana B"
        session.flush()
        session.delete(person)
    with pytest.raises(IntegrityError, match="append-only"), as_app.begin() as connection:
        connection.execute(text("DELETE FROM price_versions"))


def test_in_the_tracker_store_the_app_role_reads_and_deletes_only(
    roles: Roles, pg_server: PgServer
) -> None:
    tracker = make_engine(roles.url(pg_server.admin_url, roles.tracker, roles.tracker_db))
    app = make_engine(roles.url(pg_server.admin_url, roles.app, roles.tracker_db))
    try:
        with tracker.begin() as connection:  # Rasa creates its table as the tracker's role
            connection.exec_driver_sql("CREATE TABLE events (id serial, sender_id text)")
            connection.exec_driver_sql("INSERT INTO events (sender_id) VALUES ('someone')")
        with app.begin() as connection:
            assert connection.scalar(text("SELECT count(*) FROM events")) == 1
            connection.exec_driver_sql("DELETE FROM events WHERE sender_id = 'someone'")
        for statement in ("INSERT INTO events (sender_id) VALUES ('x')", "DROP TABLE events"):
            with pytest.raises(DBAPIError, match=REFUSED), app.begin() as connection:
                connection.exec_driver_sql(statement)
    finally:
        tracker.dispose()
        app.dispose()

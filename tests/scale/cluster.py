"""Separate processes of the real stack (action servers, Rasa replicas) that a test can start,
kill and restart one by one, plus throwaway PostgreSQL databases and Redis key prefixes.

scripts/serve.py supervises actions and Rasa as one unit and stops both when either dies; fault
and scale tests need to kill a single process and keep the others running, hence this module.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from consultoria.identity import SECRET_VARIABLE
from scripts import supervise
from tests.stack import ROOT, SIGNING_SECRET, StackError, free_port

RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
# How scripts/serve.py starts Rasa: its CLI with the runtime fixes of rasa_runtime/.
RASA_SERVER = [str(RASA_PYTHON), "-m", "rasa_runtime"]
PYTHON = ROOT / ".venv" / "bin" / "python"
PG_ADMIN_URL = os.environ.get("SCALE_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
STARTUP_TIMEOUT = 240.0
# For all the servers of one stop_all() together: SIGTERM, then SIGKILL.
STOP_GRACE = 20.0
# Same TensorFlow settings as scripts/train.py's rasa_env(), for comparable timings.
RASA_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "TF_INTRA_OP_PARALLELISM_THREADS": "2",
    "TF_INTER_OP_PARALLELISM_THREADS": "1",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "RASA_TELEMETRY_ENABLED": "false",
    "PYTHONPATH": str(ROOT),
}


def current_model() -> Path:
    """The newest trained model (`make model` trains it; tests never train)."""
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise StackError("no trained model under models/: run `make model` first")
    return models[-1]


@dataclass(kw_only=True)
class Service(supervise.Service):
    """A server of the cluster, on a local port: a test can kill and restart it on its own."""

    port: int

    @property
    def url(self) -> str:
        return _local(self.port)


def _local(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def action_server(log_dir: Path, env: dict[str, str], port: int | None = None) -> Service:
    """The action server as scripts/serve.py starts it: on loopback, with the stack's secret."""
    port = port or free_port()
    return Service(
        name=f"actions:{port}",
        command=[str(PYTHON), "-m", "actions.server", "--port", str(port)],
        env={**os.environ, SECRET_VARIABLE: SIGNING_SECRET, **env},
        cwd=ROOT,
        ready=supervise.http_ready(f"{_local(port)}/health"),
        timeout=STARTUP_TIMEOUT,
        log=log_dir / f"actions-{port}.log",
        port=port,
    )


def rasa_server(
    log_dir: Path,
    env: dict[str, str],
    endpoints: str = "endpoints.yml",
    port: int | None = None,
) -> Service:
    port = port or free_port()
    return Service(
        name=f"rasa:{port}",
        command=[
            *RASA_SERVER,
            "run",
            "--enable-api",
            "--port",
            str(port),
            "--model",
            str(current_model()),
            "--credentials",
            "credentials.yml",
            "--endpoints",
            endpoints,
        ],
        env={**os.environ, **RASA_ENV, **env},
        cwd=ROOT,
        ready=supervise.rasa_ready(_local(port)),
        timeout=STARTUP_TIMEOUT,
        log=log_dir / f"rasa-{port}.log",
        port=port,
    )


def start_all(*services: Service) -> None:
    """Start every service, then wait for all: Rasa replicas load their models in parallel."""
    supervise.start_all(services)


def stop_all(*services: Service) -> None:
    """Stop the services in the given order (callers pass the reverse of the start)."""
    supervise.stop_all(services, STOP_GRACE)


def migrate(database_url: str) -> None:
    """Create the project schema, as `consultoria db upgrade` does in production."""
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "consultoria"), "db", "upgrade"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        check=True,
        capture_output=True,
    )


@contextmanager
def throwaway_database(prefix: str) -> Iterator[str]:
    """A fresh PostgreSQL database, dropped afterwards (even with sessions still open)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@dataclass(frozen=True)
class Deployment:
    """One run's throwaway state: the tracker store's database, the project's (migrated), and the
    prefix of its Redis keys."""

    tracker_db: str
    project_db: str
    key_prefix: str

    @property
    def project_url(self) -> str:
        return database_url(self.project_db)


@contextmanager
def deployment(name: str) -> Iterator[Deployment]:
    """Fresh databases for a run named `name`, dropped afterwards."""
    with (
        throwaway_database(f"{name}_tracker") as tracker_db,
        throwaway_database(f"{name}_project") as project_db,
    ):
        migrate(database_url(project_db))
        yield Deployment(tracker_db, project_db, name + uuid.uuid4().hex[:8])


def bookings(project_db: str, sender: str) -> list[tuple[int, str]]:
    """(id, state) of the plantões a sender booked, oldest first."""
    with psycopg.connect(database_url(project_db)) as db:
        rows = db.execute(
            "SELECT p.id, p.state FROM plantoes p JOIN persons s ON s.id = p.person_id "
            "WHERE s.channel_user_id = %s ORDER BY p.id",
            (sender,),
        ).fetchall()
    return [(int(row[0]), str(row[1])) for row in rows]


def database_url(name: str) -> str:
    """URL of database `name` on the admin URL's server."""
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def production_env(
    tracker_db: str, redis_db: int, key_prefix: str, actions_url: str
) -> dict[str, str]:
    """The variables deploy/endpoints.production.yml reads, for the local servers."""
    admin = psycopg.conninfo.conninfo_to_dict(PG_ADMIN_URL)
    return {
        "ACTION_ENDPOINT_URL": f"{actions_url}/webhook",
        "TRACKER_DB_HOST": str(admin.get("host", "127.0.0.1")),
        "TRACKER_DB_PORT": str(admin.get("port", "5432")),
        "TRACKER_DB_NAME": tracker_db,
        "TRACKER_DB_USER": str(admin.get("user", "postgres")),
        "TRACKER_DB_PASSWORD": str(admin.get("password", "")),
        "REDIS_HOST": REDIS_HOST,
        "REDIS_PORT": str(REDIS_PORT),
        "REDIS_DB": str(redis_db),
        "REDIS_PASSWORD": "",
        "REDIS_KEY_PREFIX": key_prefix,
    }

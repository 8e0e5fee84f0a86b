"""Separate processes of the real stack (action servers, Rasa replicas) that a test can start,
kill and restart one by one, plus throwaway PostgreSQL databases and Redis key prefixes.

scripts/serve.py supervises actions and Rasa as one unit and stops both when either dies; fault
and scale tests need to kill a single process and keep the others running, hence this module.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
from psycopg import sql

from tests.stack import ROOT, StackError, free_port

RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
# How scripts/serve.py starts Rasa: its CLI with the runtime fixes of rasa_runtime/.
RASA_SERVER = [str(RASA_PYTHON), "-m", "rasa_runtime"]
PYTHON = ROOT / ".venv" / "bin" / "python"
PG_ADMIN_URL = os.environ.get("SCALE_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
STARTUP_TIMEOUT = 240.0
# Same TensorFlow settings as scripts/train.py's rasa_env(), for comparable timings.
RASA_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "TF_INTRA_OP_PARALLELISM_THREADS": "2",
    "TF_INTER_OP_PARALLELISM_THREADS": "1",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "RASA_TELEMETRY_ENABLED": "false",
}


def current_model() -> Path:
    """The newest trained model (`make model` trains it; tests never train)."""
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise StackError("no trained model under models/: run `make model` first")
    return models[-1]


@dataclass
class Service:
    """One server process: started in its own process group so a kill reaches its children."""

    name: str
    command: list[str]
    env: dict[str, str]
    port: int
    health_path: str
    log: Path
    ready: Callable[[httpx.Response], bool] = lambda _r: True
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None, f"{self.name} is not running"
        return self.process.pid

    def start(self) -> Service:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> Service:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise StackError(f"{self.name} exited while starting:\n{self.log_tail()}")
            try:
                response = httpx.get(self.url + self.health_path, timeout=2)
                if response.status_code == 200 and self.ready(response):
                    return self
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.3)
        raise StackError(f"{self.name} did not answer in {timeout:.0f} s:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM kill would: no chance to clean up."""
        self._signal(signal.SIGKILL)

    def stop(self) -> None:
        self._signal(signal.SIGTERM)

    def _signal(self, signum: int) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signum)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def action_server(log_dir: Path, env: dict[str, str], port: int | None = None) -> Service:
    port = port or free_port()
    return Service(
        name=f"actions:{port}",
        command=[str(PYTHON), "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        env={**os.environ, **env},
        port=port,
        health_path="/health",
        log=log_dir / f"actions-{port}.log",
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
        port=port,
        health_path="/status",
        log=log_dir / f"rasa-{port}.log",
        ready=lambda r: bool(r.json().get("model_id")),
    )


def start_all(*services: Service) -> None:
    """Start every service, then wait for all: Rasa replicas load their models in parallel."""
    for service in services:
        service.start()
    for service in services:
        service.wait_ready()


def stop_all(*services: Service) -> None:
    for service in services:
        service.stop()


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


def bookings(project_db: str, sender: str) -> list[tuple[int, str]]:
    """(id, state) of the shifts a sender booked, oldest first."""
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

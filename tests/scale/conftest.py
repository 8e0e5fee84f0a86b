"""Two Rasa replicas sharing a PostgreSQL tracker store and a Redis lock store, one action
server, a project database on PostgreSQL: the production topology on throwaway resources."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest

from consultoria.db import make_engine, session_factory, unit_of_work
from consultoria.services import people
from consultoria.settings import StaffSeed
from tests.scale import cluster
from tests.scale.redis_wire import Redis
from tests.scale.tcp_proxy import Proxy
from tests.stack import StackError

PRODUCTION_ENDPOINTS = "deploy/endpoints.production.yml"
REDIS_DB = int(os.environ.get("SCALE_REDIS_DB", "9"))
# Short, so a lock orphaned by a killed replica costs a test seconds instead of a minute.
LOCK_LIFETIME = 8


@dataclass
class Replicas:
    a: cluster.Service
    b: cluster.Service
    actions: cluster.Service
    tracker_db: str
    project_db: str
    key_prefix: str

    def redis(self) -> Redis:
        return Redis(cluster.REDIS_HOST, cluster.REDIS_PORT, REDIS_DB)

    def lock_key(self, sender: str) -> str:
        return f"{self.key_prefix}:lock:{sender}"


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replicas]:
    with cluster.deployment("scale") as deployed:
        # pytest keeps the last runs' temporary directories: the servers' logs stay readable.
        logs = tmp_path_factory.mktemp("scale-logs")
        actions = cluster.action_server(logs, {"DATABASE_URL": deployed.project_url})
        env = cluster.production_env(
            deployed.tracker_db, REDIS_DB, deployed.key_prefix, actions.url
        )
        env["TICKET_LOCK_LIFETIME"] = str(LOCK_LIFETIME)
        a = cluster.rasa_server(logs, env, PRODUCTION_ENDPOINTS)
        b = cluster.rasa_server(logs, env, PRODUCTION_ENDPOINTS)
        with serving(deployed, actions, a, b):
            yield Replicas(
                a, b, actions, deployed.tracker_db, deployed.project_db, deployed.key_prefix
            )


@contextmanager
def serving(deployed: cluster.Deployment, *services: cluster.Service) -> Iterator[None]:
    """Start the services, failing the module if one cannot start; stop them in the reverse
    order and drop the run's Redis keys."""
    try:
        cluster.start_all(*services)
        yield
    except StackError as exc:
        pytest.fail(str(exc))
    finally:
        cluster.stop_all(*reversed(services))
        drop_keys(deployed.key_prefix)


def drop_keys(prefix: str) -> None:
    redis = Redis(cluster.REDIS_HOST, cluster.REDIS_PORT, REDIS_DB)
    try:
        keys = redis.command("KEYS", f"{prefix}:*")
        if isinstance(keys, list) and keys:
            redis.command("DEL", *(bytes(k).decode() for k in keys if isinstance(k, bytes)))
    finally:
        redis.close()


@dataclass
class Topology:
    rasa: cluster.Service
    actions: cluster.Service
    database: Proxy
    project_db: str

    def rows(self, query: str, sender: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(cluster.database_url(self.project_db)) as db:
            return db.execute(query, (sender,)).fetchall()

    def bookings(self, sender: str) -> list[tuple[int, str]]:
        return cluster.bookings(self.project_db, sender)

    def enroll(self, user_id: str) -> None:
        """Put a Telegram user on the staff roster, as `consultoria db upgrade` does from the
        configuration."""
        engine = make_engine(cluster.database_url(self.project_db))
        try:
            with unit_of_work(session_factory(engine)) as session:
                people.sync_staff(session, [StaffSeed(user_id, "Carla Plantonista")])
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def topology(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    with cluster.deployment("faults") as deployed:
        logs = tmp_path_factory.mktemp("faults-logs")
        # The action server reaches the project database only through a proxy the tests can cut.
        admin = psycopg.conninfo.conninfo_to_dict(cluster.PG_ADMIN_URL)
        proxy = Proxy(str(admin.get("host", "127.0.0.1")), int(admin.get("port", 5432))).up()
        user = admin.get("user", "postgres")
        project_url = f"postgresql://{user}@127.0.0.1:{proxy.port}/{deployed.project_db}"
        actions = cluster.action_server(logs, {"DATABASE_URL": project_url})
        env = cluster.production_env(
            deployed.tracker_db, REDIS_DB, deployed.key_prefix, actions.url
        )
        rasa = cluster.rasa_server(logs, env, PRODUCTION_ENDPOINTS)
        try:
            with serving(deployed, actions, rasa):
                yield Topology(rasa, actions, proxy, deployed.project_db)
        finally:
            proxy.down()

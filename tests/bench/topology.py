"""The production topology the load benchmark runs against, on one 2-core host.

As deploy/ runs it, minus the containers: the action server on a PostgreSQL project database;
Rasa with two Sanic workers (one per core: `SANIC_WORKERS=2`) sharing the PostgreSQL tracker
store and the Redis lock store (deploy/endpoints.production.yml); and the Telegram bot, here
against the fake Bot API. Everything lives in throwaway databases and Redis keys.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from consultoria.identity import SECRET_VARIABLE
from scripts.supervise import Service, Supervisor
from tests.faketg.server import FakeTelegram
from tests.scale import cluster
from tests.scale.conftest import PRODUCTION_ENDPOINTS, REDIS_DB, drop_keys
from tests.stack import ROOT, SIGNING_SECRET

WORKERS = 2
# The bot only logs in to the (fake) Bot API and sets its menu.
BOT_STARTUP_TIMEOUT = 60.0


@dataclass
class Topology:
    rasa: cluster.Service
    actions: cluster.Service
    bot: Service

    def pids(self) -> dict[str, int]:
        """The root process of each server (Rasa's workers are children of its own)."""
        return {"rasa": self.rasa.pid, "ações": self.actions.pid, "bot": self.bot.pid}


@contextmanager
def production(telegram: FakeTelegram) -> Iterator[Topology]:
    with (
        cluster.deployment("bench") as deployed,
        tempfile.TemporaryDirectory(prefix="bench-logs-") as tmp,
    ):
        logs = Path(tmp)
        project_url = deployed.project_url
        actions = cluster.action_server(logs, {"DATABASE_URL": project_url})
        env = cluster.production_env(
            deployed.tracker_db, REDIS_DB, deployed.key_prefix, actions.url
        )
        # One TensorFlow thread per worker: two workers already fill two cores.
        env |= {"SANIC_WORKERS": str(WORKERS), "TF_INTRA_OP_PARALLELISM_THREADS": "1"}
        rasa = cluster.rasa_server(logs, env, PRODUCTION_ENDPOINTS)
        bot = _bot(logs, rasa.url, project_url, telegram)
        try:
            # Stops the bot, then Rasa, then the action server.
            with Supervisor(cluster.STOP_GRACE) as supervisor:
                supervisor.start_all([actions, rasa])
                # The bot starts against a Rasa that is already up.
                supervisor.start_all([bot])
                yield Topology(rasa, actions, bot)
        finally:
            drop_keys(deployed.key_prefix)


def _bot(logs: Path, rasa_url: str, database_url: str, telegram: FakeTelegram) -> Service:
    ready = logs / "bot.ready"
    return Service(
        name="bot",
        command=[str(cluster.PYTHON), "-m", "bot", "--ready-file", str(ready)],
        env=os.environ
        | {
            "RASA_URL": rasa_url,
            "DATABASE_URL": database_url,
            "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_API_BASE_URL": telegram.base_url,
            # The action server of the cluster verifies what the bot signs with it.
            SECRET_VARIABLE: SIGNING_SECRET,
        },
        cwd=ROOT,
        ready=ready.exists,
        timeout=BOT_STARTUP_TIMEOUT,
        log=logs / "bot.log",
    )

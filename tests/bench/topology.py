"""The production topology the load benchmark runs against, on one 2-core host.

As deploy/ runs it, minus the containers: the action server on a PostgreSQL project database;
Rasa with two Sanic workers (one per core: `SANIC_WORKERS=2`) sharing the PostgreSQL tracker
store and the Redis lock store (deploy/endpoints.production.yml); and the Telegram bot, here
against the fake Bot API. Everything lives in throwaway databases and Redis keys.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.faketg.server import FakeTelegram
from tests.scale import cluster
from tests.scale.conftest import PRODUCTION_ENDPOINTS, REDIS_DB, drop_keys
from tests.stack import ROOT, StackError

WORKERS = 2


@dataclass
class Topology:
    rasa: cluster.Service
    actions: cluster.Service
    bot: subprocess.Popen[bytes]

    def pids(self) -> dict[str, int]:
        """The root process of each server (Rasa's workers are children of its own)."""
        return {"rasa": self.rasa.pid, "ações": self.actions.pid, "bot": self.bot.pid}


@contextmanager
def production(telegram: FakeTelegram) -> Iterator[Topology]:
    key_prefix = "bench" + uuid.uuid4().hex[:8]
    with (
        cluster.throwaway_database("bench_tracker") as tracker_db,
        cluster.throwaway_database("bench_project") as project_db,
        tempfile.TemporaryDirectory(prefix="bench-logs-") as tmp,
    ):
        logs = Path(tmp)
        project_url = cluster.database_url(project_db)
        cluster.migrate(project_url)
        actions = cluster.action_server(logs, {"DATABASE_URL": project_url})
        env = cluster.production_env(tracker_db, REDIS_DB, key_prefix, actions.url)
        # One TensorFlow thread per worker: two workers already fill two cores.
        env |= {"SANIC_WORKERS": str(WORKERS), "TF_INTRA_OP_PARALLELISM_THREADS": "1"}
        rasa = cluster.rasa_server(logs, env, PRODUCTION_ENDPOINTS)
        bot: subprocess.Popen[bytes] | None = None
        try:
            cluster.start_all(actions, rasa)
            bot = _start_bot(logs, rasa.url, project_url, telegram)
            yield Topology(rasa, actions, bot)
        finally:
            if bot is not None:
                bot.terminate()
                bot.wait(timeout=30)
            cluster.stop_all(rasa, actions)
            drop_keys(key_prefix)


def _start_bot(
    logs: Path, rasa_url: str, database_url: str, telegram: FakeTelegram
) -> subprocess.Popen[bytes]:
    ready = logs / "bot.ready"
    env = os.environ | {
        "RASA_URL": rasa_url,
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_BASE_URL": telegram.base_url,
    }
    with (logs / "bot.log").open("ab") as out:
        bot = subprocess.Popen(
            [str(cluster.PYTHON), "-m", "bot", "--ready-file", str(ready)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while not ready.exists():
        if bot.poll() is not None or time.monotonic() > deadline:
            bot.kill()
            raise StackError(f"the bot did not start:\n{(logs / 'bot.log').read_text()[-4000:]}")
        time.sleep(0.3)
    return bot

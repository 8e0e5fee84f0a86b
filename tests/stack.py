"""The real stack (scripts/serve.py: actions + Rasa, and the bot when given a token) on free
ports, for tests and benchmarks."""

from __future__ import annotations

import os
import socket
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from consultoria.identity import SECRET_VARIABLE
from scripts.supervise import Probe, Service, StartupError, rasa_ready, running

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT = 240
# scripts/serve.py needs up to its own 15 s to stop its servers, and then says so.
STOP_GRACE = 30
# What scripts/serve.py prints once the bot has started (after actions and Rasa).
BOT_READY = "bot do Telegram pronto"

# What the tests catch when a stack or a cluster cannot start: the supervisor's error.
StackError = StartupError
# The secret the front ends and the action server of the tests' stacks share, so that a test
# can sign a message as the Telegram bot does (consultoria/identity.py).
SIGNING_SECRET = "tests-channel-signing-secret-0123456789"  # noqa: S105 (a test value)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_stack(env: Mapping[str, str] | None = None) -> Iterator[str]:
    """Yield the Rasa base URL of a fresh stack with a throwaway SQLite database.

    `env` adds to or overrides the environment (e.g. DATABASE_URL, CONSULTORIA_CONFIG, or
    TELEGRAM_BOT_TOKEN and TELEGRAM_API_BASE_URL to start the bot as well); with a token the
    stack counts as started once scripts/serve.py says the bot is up. The servers share
    SIGNING_SECRET.
    """
    rasa_port, actions_port = free_port(), free_port()
    url = f"http://127.0.0.1:{rasa_port}"
    with tempfile.TemporaryDirectory(prefix="consultoria-stack-") as tmp:
        log = Path(tmp) / "serve.log"
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'stack.sqlite3'}",
            SECRET_VARIABLE: SIGNING_SECRET,
            **(env or {}),
        }
        serve = Service(
            name="scripts/serve.py",
            command=[
                sys.executable,
                str(ROOT / "scripts" / "serve.py"),
                "--rasa-port",
                str(rasa_port),
                "--actions-port",
                str(actions_port),
            ],
            env=env,
            cwd=ROOT,
            ready=_says(log, BOT_READY) if env.get("TELEGRAM_BOT_TOKEN") else rasa_ready(url),
            timeout=STARTUP_TIMEOUT,
            log=log,
        )
        with running([serve], STOP_GRACE):
            yield url


def _says(log: Path, text: str) -> Probe:
    # The bot has no HTTP endpoint to probe: serve.py's progress line is the signal.
    return lambda: log.exists() and text in log.read_text(errors="replace")

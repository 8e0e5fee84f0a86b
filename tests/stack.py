"""The real stack (scripts/serve.py: actions + Rasa, and the bot when given a token) on free
ports, for tests and benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT = 240
# What scripts/serve.py prints once the bot has started (after actions and Rasa).
BOT_READY = "bot do Telegram pronto"


class StackError(RuntimeError):
    pass


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
    stack counts as started once scripts/serve.py says the bot is up.
    """
    rasa_port, actions_port = free_port(), free_port()
    with tempfile.TemporaryDirectory(prefix="consultoria-stack-") as tmp:
        log = Path(tmp) / "serve.log"
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'stack.sqlite3'}",
            **(env or {}),
        }
        with log.open("wb") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    str(ROOT / "scripts" / "serve.py"),
                    "--rasa-port",
                    str(rasa_port),
                    "--actions-port",
                    str(actions_port),
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{rasa_port}"
        try:
            _wait_ready(process, url, log, bot=bool(env.get("TELEGRAM_BOT_TOKEN")))
            yield url
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _ready(url: str, log: Path, *, bot: bool) -> bool:
    if bot:
        return BOT_READY in log.read_text(errors="replace")
    try:
        return bool(httpx.get(f"{url}/status", timeout=2).json().get("model_id"))
    except (httpx.HTTPError, ValueError):
        return False


def _wait_ready(process: subprocess.Popen[bytes], url: str, log: Path, *, bot: bool) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StackError(f"the stack exited early:\n{log.read_text(errors='replace')[-4000:]}")
        if _ready(url, log, bot=bot):
            return
        time.sleep(1)
    raise StackError(f"the stack did not start:\n{log.read_text(errors='replace')[-4000:]}")

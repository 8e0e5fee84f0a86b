"""The real stack (scripts/serve.py: actions + Rasa) on free ports, for tests and benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT = 240


class StackError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_stack() -> Iterator[str]:
    """Yield the Rasa base URL of a fresh stack with a throwaway SQLite database."""
    rasa_port, actions_port = free_port(), free_port()
    with tempfile.TemporaryDirectory(prefix="consultoria-stack-") as tmp:
        log = Path(tmp) / "serve.log"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{Path(tmp) / 'stack.sqlite3'}"}
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
            _wait_ready(process, url, log)
            yield url
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StackError(f"the stack exited early:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            if httpx.get(f"{url}/status", timeout=2).json().get("model_id"):
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(1)
    raise StackError(f"the stack did not start:\n{log.read_text(errors='replace')[-4000:]}")

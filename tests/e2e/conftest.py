"""Starts the real stack once (scripts/serve.py: action server + Rasa) on free ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.rest import Conversation

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 240


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def rasa_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    rasa_port, actions_port = _free_port(), _free_port()
    database = tmp_path_factory.mktemp("e2e") / "e2e.sqlite3"
    log = tmp_path_factory.mktemp("e2e-log") / "serve.log"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
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
            raise


def _wait_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the stack exited early:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            if httpx.get(f"{url}/status", timeout=2).json().get("model_id"):
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(1)
    pytest.fail(f"the stack did not start:\n{log.read_text(errors='replace')[-4000:]}")


@pytest.fixture
def conversation(rasa_url: str) -> Iterator[Conversation]:
    talk = Conversation(rasa_url)
    yield talk
    talk.client.close()


@pytest.fixture
def new_conversation(rasa_url: str) -> Callable[[], Conversation]:
    return lambda: Conversation(rasa_url)

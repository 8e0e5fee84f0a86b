"""`python -m actions.server`, the real action server process: it refuses to start without the
signing secret, listens on loopback by default, and logs at INFO none of the secrets or the
person's words while it runs an LGPD erasure through Rasa's HTTP API (here a recorder)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import rasa_sdk
from aiohttp import web

from consultoria.identity import SECRET_VARIABLE, sign
from scripts.supervise import Service, http_ready, running
from tests.faketg.loopback import LoopbackServer
from tests.stack import ROOT, SIGNING_SECRET, free_port
from tests.support.databases import fresh_sqlite
from tests.support.processes import finished
from tests.support.trackers import DOMAIN, question, turn

COMMAND = [sys.executable, "-m", "actions.server"]
RASA_API_TOKEN = "rasa-api-token-never-logged"  # noqa: S105 (a test value)
SAID = "sim, pode apagar; meu telefone é (11) 98765-4321"


class RasaApi(LoopbackServer):
    """Rasa's HTTP API as the erasure calls it: records each PUT of a conversation's events."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, str | None]] = []

    def routes(self, app: web.Application) -> None:
        app.router.add_put("/conversations/{conversation}/tracker/events", self._replace)

    async def _replace(self, request: web.Request) -> web.Response:
        self.calls.append((request.match_info["conversation"], request.query.get("token")))
        return web.json_response({"events": []})


@pytest.fixture
def rasa_api() -> Iterator[RasaApi]:
    with RasaApi() as server:
        yield server


def server_env(**changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (SECRET_VARIABLE, "ACTIONS_HOST")}
    return env | changes


@pytest.mark.parametrize(
    ("secret", "said"), [(None, "é obrigatório"), ("curto", "ao menos 32 caracteres")]
)
def test_without_a_good_signing_secret_it_refuses_to_start(secret: str | None, said: str) -> None:
    env = server_env() if secret is None else server_env(**{SECRET_VARIABLE: secret})
    done = finished([*COMMAND, "--port", str(free_port())], env)
    assert done.returncode == 2
    assert SECRET_VARIABLE in done.stderr and said in done.stderr


def erasure_call(sender: str) -> dict[str, Any]:
    """What Rasa posts to /webhook when a signed Telegram user confirms the erasure."""
    identity = sign(SIGNING_SECRET, "telegram", sender, "77", time.time())
    tracker = turn(
        SAID,
        "affirm",
        sender=sender,
        asked_by="action_ask_erasure",
        asked=question("confirmar_exclusao"),
        metadata={"channel": "telegram", "message_id": "77", "identity": identity},
    )
    return {
        "next_action": "action_confirm_erasure",
        "sender_id": sender,
        "tracker": tracker.current_state(),
        "domain": DOMAIN,
        "version": rasa_sdk.__version__,
    }


def test_an_erasure_logs_at_info_no_token_signature_or_words(
    request: pytest.FixtureRequest, tmp_path: Path, rasa_api: RasaApi
) -> None:
    port, log = free_port(), tmp_path / "actions.log"
    server = Service(
        name="actions",
        command=[*COMMAND, "--port", str(port)],
        env=server_env(
            DATABASE_URL=fresh_sqlite(request, tmp_path / "actions.sqlite3"),
            RASA_API_URL=rasa_api.base_url,
            RASA_API_TOKEN=RASA_API_TOKEN,
            **{SECRET_VARIABLE: SIGNING_SECRET},
        ),
        cwd=ROOT,
        ready=http_ready(f"http://127.0.0.1:{port}/health"),
        timeout=60,
        log=log,
    )
    call = erasure_call("1001")
    with running([server], 15):
        answer = httpx.post(f"http://127.0.0.1:{port}/webhook", json=call, timeout=30)
        assert answer.status_code == 200
        deadline = time.monotonic() + 30
        while not rasa_api.calls and time.monotonic() < deadline:
            time.sleep(0.1)
    assert rasa_api.calls == [("1001", RASA_API_TOKEN)]
    written = log.read_text(errors="replace")
    # INFO lines were written (this is what the log holds at INFO), and they say loopback.
    assert f"Action endpoint is up and running on http://127.0.0.1:{port}" in written
    signature = call["tracker"]["events"][-1]["metadata"]["identity"]["sig"]
    for secret in (RASA_API_TOKEN, SIGNING_SECRET, signature, SAID, "98765-4321"):
        assert secret not in written

"""LGPD erasure (SPEC §7) in the production topology: two Rasa replicas on a PostgreSQL tracker
store and a Redis lock store. "Apagar meus dados" must delete the conversation's rows from
Rasa's `events` table, leave every other conversation alone, and not let a turn that races the
erasure write the old conversation back."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import psycopg
import pytest

from tests.e2e.rest import Conversation
from tests.scale import cluster
from tests.scale.conftest import PRODUCTION_ENDPOINTS, REDIS_DB, serving
from tests.stack import free_port

# The erasure waits for the confirmation's turn, deletes, waits for any turn in flight and reads
# the conversation back through Rasa's API: seconds, with retries when a turn races it.
ERASURE_DEADLINE = 90.0


@dataclass
class ErasureStack:
    a: cluster.Service
    b: cluster.Service
    tracker_db: str
    project_db: str

    def user_texts(self, sender: str) -> list[str]:
        """What `sender` said, as rows of Rasa's `events` table, oldest first."""
        with psycopg.connect(cluster.database_url(self.tracker_db)) as db:
            rows = db.execute(
                "SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id",
                (sender,),
            ).fetchall()
        return [str(json.loads(row[0]).get("text")) for row in rows]

    def event_rows(self, sender: str) -> list[tuple[int, str, str]]:
        with psycopg.connect(cluster.database_url(self.tracker_db)) as db:
            rows = db.execute(
                "SELECT id, type_name, data FROM events WHERE sender_id = %s ORDER BY id",
                (sender,),
            ).fetchall()
        return [(int(row[0]), str(row[1]), str(row[2])) for row in rows]

    def last_request_id(self) -> int:
        with psycopg.connect(cluster.database_url(self.project_db)) as db:
            row = db.execute("SELECT coalesce(max(id), 0) FROM privacy_requests").fetchone()
        return int(row[0]) if row else 0

    def wait_for_erasure(self, after_id: int) -> datetime:
        """When the first erasure request after `after_id` was completed (verified)."""
        deadline = time.monotonic() + ERASURE_DEADLINE
        while time.monotonic() < deadline:
            with psycopg.connect(cluster.database_url(self.project_db)) as db:
                row = db.execute(
                    "SELECT completed_at FROM privacy_requests "
                    "WHERE kind = 'erase' AND id > %s ORDER BY id LIMIT 1",
                    (after_id,),
                ).fetchone()
            if row and row[0] is not None:
                return row[0]
            time.sleep(0.5)
        raise AssertionError(f"the erasure was not completed within {ERASURE_DEADLINE:.0f} s")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ErasureStack]:
    """The production topology, with the action server told where Rasa's HTTP API (replica b)
    and the tracker store are, as docker-compose.yml tells it."""
    with cluster.deployment("erasure") as deployed:
        logs = tmp_path_factory.mktemp("erasure-logs")
        port_b = free_port()
        actions = cluster.action_server(
            logs,
            {
                "DATABASE_URL": deployed.project_url,
                "RASA_API_URL": f"http://127.0.0.1:{port_b}",
                "TRACKER_STORE_URL": cluster.database_url(deployed.tracker_db),
            },
        )
        env = cluster.production_env(
            deployed.tracker_db, REDIS_DB, deployed.key_prefix, actions.url
        )
        a = cluster.rasa_server(logs, env, PRODUCTION_ENDPOINTS)
        b = cluster.rasa_server(logs, env, PRODUCTION_ENDPOINTS, port=port_b)
        with serving(deployed, actions, a, b):
            yield ErasureStack(a, b, deployed.tracker_db, deployed.project_db)


def chat(stack: ErasureStack) -> tuple[Conversation, Conversation]:
    """Two users who talked a few turns, each on one replica."""
    talk, other = Conversation(stack.a.url), Conversation(stack.b.url)
    talk.say("oi")
    assert "R$ 360,00" in talk.text("quanto fica 1h30 de consultoria telefônica?")
    other.say("oi")
    other.say("quanto custa o minuto?")
    assert stack.user_texts(talk.sender) == ["oi", "quanto fica 1h30 de consultoria telefônica?"]
    return talk, other


def test_erasure_deletes_the_conversation_from_the_tracker_store(stack: ErasureStack) -> None:
    talk, other = chat(stack)
    others_rows = stack.event_rows(other.sender)
    last_request = stack.last_request_id()

    assert "Confirma a exclusão" in talk.text("apagar meus dados")
    assert "obrigação legal" in talk.text("/affirm")
    stack.wait_for_erasure(last_request)

    # Nothing of the conversation is left, the confirmation's own turn included.
    assert stack.event_rows(talk.sender) == []
    assert stack.event_rows(other.sender) == others_rows
    tracker = talk.client.get(
        f"/conversations/{talk.sender}/tracker", params={"include_events": "ALL"}
    ).json()
    assert not [e for e in tracker["events"] if e.get("event") == "user"]
    # The same user starts over with a conversation of its own.
    talk.say("oi")
    assert stack.user_texts(talk.sender) == ["oi"]


def test_a_turn_right_after_the_confirmation_does_not_bring_the_conversation_back(
    stack: ErasureStack,
) -> None:
    talk, _ = chat(stack)
    on_b = Conversation(stack.b.url)
    on_b.sender = talk.sender
    last_request = stack.last_request_id()

    assert "Confirma a exclusão" in talk.text("apagar meus dados")
    talk.say("/affirm")
    # The next message races the erasure on the other replica: Rasa appends the events it
    # believes are new by counting the stored rows, so a turn that read the conversation before
    # the rows went would write all of it back once they are gone.
    on_b.say("quanto custa o minuto?")
    stack.wait_for_erasure(last_request)

    said = stack.user_texts(talk.sender)
    assert said in ([], ["quanto custa o minuto?"])

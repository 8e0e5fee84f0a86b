"""LGPD erasure of the conversation (SPEC §7): it leaves nothing of the conversation in Rasa's
tracker store, in memory or in SQL, it is verified by reading the conversation back, and the
person is told only what was really done.

Rasa runs in its own environment, so its HTTP API is played here by a local aiohttp server
that behaves as Rasa 3.6 does for what the erasure touches: a turn and the PUT take the
conversation's lock, the PUT saves a tracker of the given events, the GET reads every event
without the lock (starting a session when there is none), and the SQL store's save appends only
the events past the count of rows it holds (rasa/core/tracker_store.py, SQLTrackerStore). The
SQL store's `events` table is real, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pytest
import yaml
from aiohttp import web
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import Column, Engine, Float, Integer, MetaData, String, Table, Text, func, select
from sqlalchemy import insert as sql_insert

from actions import privacy
from actions.privacy import ActionConfirmErasure, ActionMyData
from consultoria import db, runtime
from consultoria.db import Plantao, PrivacyRequest, make_engine
from tests.support.people import customer
from tests.support.plantoes import FAR, stored_plantao
from tests.support.postgres import PgServer
from tests.support.trackers import DOMAIN, SENDER, question, slots_of, texts, turn

ROOT = Path(__file__).resolve().parents[2]
OTHER = "someone-else"
# Rasa's SQLTrackerStore table, as it creates it (rasa/core/tracker_store.py, SQLEvent).
EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


def said(text: str, stamp: float | None = None) -> dict[str, Any]:
    return {"event": "user", "text": text, "timestamp": stamp or time.time()}


def answered(text: str, stamp: float | None = None) -> dict[str, Any]:
    return {"event": "bot", "text": text, "timestamp": stamp or time.time()}


class Store(Protocol):
    def read(self, sender: str) -> list[dict[str, Any]]: ...

    def save(self, sender: str, events: list[dict[str, Any]]) -> None: ...


@dataclass
class MemoryStore:
    """Rasa's InMemoryTrackerStore: a save replaces the conversation."""

    trackers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def read(self, sender: str) -> list[dict[str, Any]]:
        return list(self.trackers.get(sender, []))

    def save(self, sender: str, events: list[dict[str, Any]]) -> None:
        self.trackers[sender] = list(events)


@dataclass
class SqlStore:
    """Rasa's SQLTrackerStore: a save appends the events past the count of stored rows."""

    engine: Engine

    def read(self, sender: str) -> list[dict[str, Any]]:
        query = select(EVENTS.c.data).where(EVENTS.c.sender_id == sender).order_by(EVENTS.c.id)
        with self.engine.connect() as connection:
            return [json.loads(data) for data in connection.scalars(query)]

    def save(self, sender: str, events: list[dict[str, Any]]) -> None:
        with self.engine.begin() as connection:
            stored = connection.scalar(
                select(func.count()).select_from(EVENTS).where(EVENTS.c.sender_id == sender)
            )
            for event in events[stored or 0 :]:
                connection.execute(
                    sql_insert(EVENTS).values(
                        sender_id=sender,
                        type_name=event["event"],
                        timestamp=event.get("timestamp"),
                        data=json.dumps(event),
                    )
                )


@dataclass
class FakeRasa:
    store: Store
    locks: defaultdict[str, asyncio.Lock] = field(default_factory=lambda: defaultdict(asyncio.Lock))
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    # A message that comes in right as the first PUT ends: its turn reads the conversation
    # then, and saves it once `saves_when` holds (as when the erasure's delete has run).
    racing: tuple[str, Callable[[], bool]] | None = None
    racing_turn: asyncio.Task[None] | None = None

    def talk(self, sender: str, *texts_said: str) -> None:
        """Turns of `sender`: each message with the assistant's answer, stamped now."""
        for text in texts_said:
            self.store.save(sender, [*self.store.read(sender), said(text), answered("ok")])

    async def replace_events(self, request: web.Request) -> web.Response:
        sender = self._record(request)
        async with self.locks[sender]:
            self.store.save(sender, await request.json())
        if self.racing is not None and self.racing_turn is None:
            await self.locks[sender].acquire()
            self.racing_turn = asyncio.create_task(self._race(sender, *self.racing))
        return web.json_response({"sender_id": sender, "events": []})

    async def retrieve_tracker(self, request: web.Request) -> web.Response:
        sender = self._record(request)
        events = self.store.read(sender)
        if not events:
            now = time.time()
            events = [{"event": "action", "name": "action_session_start", "timestamp": now}]
        return web.json_response({"sender_id": sender, "events": events})

    async def _race(self, sender: str, text: str, saves_when: Callable[[], bool]) -> None:
        try:
            read = self.store.read(sender)
            for _ in range(500):
                if saves_when():
                    break
                await asyncio.sleep(0.01)
            # Still predicting: longer than the erasure takes to read the conversation back.
            await asyncio.sleep(0.3)
            self.store.save(sender, [*read, said(text), answered("ok")])
        finally:
            self.locks[sender].release()

    def _record(self, request: web.Request) -> str:
        sender = request.match_info["conversation_id"]
        self.requests.append((request.method, sender, dict(request.query)))
        return sender


async def serve(rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch) -> web.AppRunner:
    app = web.Application()
    app.router.add_put("/conversations/{conversation_id}/tracker/events", rasa.replace_events)
    app.router.add_get("/conversations/{conversation_id}/tracker", rasa.retrieve_tracker)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    monkeypatch.setenv("RASA_API_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("RASA_API_TOKEN", "api-token")
    monkeypatch.setattr(privacy, "ERASURE_BACKOFF_SECONDS", 0.0)
    return runner


@pytest.fixture
async def in_memory(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeRasa]:
    """Rasa with its default in-memory tracker store (`make run`)."""
    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    rasa = FakeRasa(MemoryStore())
    runner = await serve(rasa, monkeypatch)
    yield rasa
    await runner.cleanup()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def tracker_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database holding Rasa's `events` table."""
    if request.param == "postgresql":
        server: PgServer = request.getfixturevalue("pg_server")
        url = server.create()
    else:
        url = f"sqlite:///{tmp_path / 'rasa.db'}"
    engine = make_engine(url)
    EVENTS.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
async def in_sql(tracker_db: Engine, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeRasa]:
    """Rasa with the SQL tracker store of production, which the action server is told of."""
    monkeypatch.setenv("TRACKER_STORE_URL", tracker_db.url.render_as_string(hide_password=False))
    rasa = FakeRasa(SqlStore(tracker_db))
    runner = await serve(rasa, monkeypatch)
    yield rasa
    await runner.cleanup()


def confirmation() -> Any:
    return turn(
        "sim", "affirm", asked_by="action_ask_erasure", asked=question("confirmar_exclusao")
    )


async def confirm_and_wait(dispatcher: CollectingDispatcher) -> str:
    """Confirm the erasure, then let the background erasure finish; what the person heard."""
    events = await ActionConfirmErasure().run(dispatcher, confirmation(), DOMAIN)
    assert slots_of(events) == {"pendente": None}
    await asyncio.gather(*privacy.ERASURES)
    return texts(dispatcher)


def erase_requests() -> list[PrivacyRequest]:
    with db.unit_of_work(runtime.sessions()) as session:
        query = select(PrivacyRequest).where(PrivacyRequest.kind == "erase")
        return list(session.scalars(query.order_by(PrivacyRequest.id)))


def assert_verified() -> None:
    """The one erasure request is done: verified, and the conversation id forgotten."""
    (request,) = erase_requests()
    assert request.completed_at is not None and request.conversation_id is None


def user_texts(store: Store, sender: str) -> list[str]:
    return [str(event["text"]) for event in store.read(sender) if event["event"] == "user"]


async def my_data() -> str:
    dispatcher = CollectingDispatcher()
    await ActionMyData().run(dispatcher, turn("quero meus dados", "my_data"), DOMAIN)
    return texts(dispatcher)


async def test_the_answer_says_what_is_done_and_that_the_history_is_not_yet(
    dispatcher: CollectingDispatcher, in_memory: FakeRasa
) -> None:
    person = customer()
    finished = stored_plantao(person, FAR, state="cancelled")
    upcoming = stored_plantao(person, FAR)
    reply = await confirm_and_wait(dispatcher)
    assert reply.startswith(
        "Apaguei o telefone de contato de 1 plantão encerrado ou cancelado. O histórico desta "
        "conversa guardado pelo assistente será apagado logo depois desta mensagem, e então eu "
        'confiro se nada dele ficou guardado. Para saber se a exclusão foi concluída, diga "quero '
        'meus dados".'
    )
    assert "Por obrigação legal, mantivemos seus aceites" in reply
    with db.unit_of_work(runtime.sessions()) as session:
        blanked, kept = session.get(Plantao, finished.id), session.get(Plantao, upcoming.id)
        assert blanked is not None and blanked.contact_phone == ""
        assert kept is not None and kept.contact_phone == "(11) 91234-5678"
    (request,) = erase_requests()
    assert request.detail == "telefones apagados: 1; mensagens em revisão apagadas: 0"


async def test_a_stranger_hears_there_was_no_phone_to_erase(
    dispatcher: CollectingDispatcher, in_memory: FakeRasa
) -> None:
    reply = await confirm_and_wait(dispatcher)
    assert reply.startswith(
        "Não havia telefones de contato de plantões encerrados ou cancelados para apagar."
    )


async def erase_beside_another_conversation(
    rasa: FakeRasa, dispatcher: CollectingDispatcher
) -> list[str]:
    """Erase a conversation while another one is stored; the API calls the erasure made."""
    rasa.talk(SENDER, "oi", "meu telefone é (11) 91234-5678")
    rasa.talk(OTHER, "oi")
    kept = rasa.store.read(OTHER)
    await confirm_and_wait(dispatcher)
    assert rasa.store.read(SENDER) == []
    assert rasa.store.read(OTHER) == kept
    assert_verified()
    assert {query["token"] for _, _, query in rasa.requests} == {"api-token"}
    return [method for method, _, _ in rasa.requests]


async def test_an_in_memory_conversation_is_emptied_and_read_back(
    dispatcher: CollectingDispatcher, in_memory: FakeRasa
) -> None:
    assert await erase_beside_another_conversation(in_memory, dispatcher) == ["PUT", "GET"]
    assert in_memory.requests[-1][2]["include_events"] == "ALL"


async def test_sql_rows_are_deleted_and_read_back(
    dispatcher: CollectingDispatcher, in_sql: FakeRasa
) -> None:
    # After the delete, the second PUT waits for any turn in flight.
    assert await erase_beside_another_conversation(in_sql, dispatcher) == ["PUT", "PUT", "GET"]


async def test_a_turn_racing_the_delete_cannot_write_the_conversation_back(
    dispatcher: CollectingDispatcher, in_sql: FakeRasa
) -> None:
    in_sql.talk(SENDER, "oi", "meu telefone é (11) 91234-5678")
    in_sql.racing = ("quanto custa o minuto?", lambda: not in_sql.store.read(SENDER))
    await confirm_and_wait(dispatcher)
    assert in_sql.racing_turn is not None and in_sql.racing_turn.done()
    # The racing turn wrote the old conversation back; the next attempt deleted it again and
    # left only what came after the erasure.
    assert user_texts(in_sql.store, SENDER) == ["quanto custa o minuto?"]
    assert [method for method, _, _ in in_sql.requests].count("GET") == 2
    assert_verified()


async def test_an_erasure_not_verified_stays_pending_and_is_told_so(
    dispatcher: CollectingDispatcher,
    in_sql: FakeRasa,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The action server not told where the SQL store is: the PUT answers, nothing is deleted,
    and the read-back shows it."""
    monkeypatch.delenv("TRACKER_STORE_URL")
    monkeypatch.setattr(privacy, "ERASURE_ATTEMPTS", 2)
    in_sql.talk(SENDER, "oi")
    await confirm_and_wait(dispatcher)
    assert user_texts(in_sql.store, SENDER) == ["oi"]
    assert [method for method, _, _ in in_sql.requests] == ["PUT", "GET"] * 2
    (request,) = erase_requests()
    assert request.completed_at is None and request.conversation_id == SENDER
    told = await my_data()
    assert told.startswith(
        "Não temos nenhum cadastro seu. A exclusão do histórico desta conversa que você pediu em "
    )
    assert told.endswith(
        ' ainda não foi concluída; se continuar assim, diga "apagar meus dados" de novo.'
    )


async def test_my_data_tells_a_person_whether_the_erasure_was_verified(
    dispatcher: CollectingDispatcher, in_memory: FakeRasa, monkeypatch: pytest.MonkeyPatch
) -> None:
    customer()
    rasa_api = os.environ["RASA_API_URL"]
    monkeypatch.setenv("RASA_API_URL", "http://127.0.0.1:9")  # discard port: refused
    monkeypatch.setattr(privacy, "ERASURE_ATTEMPTS", 1)
    await confirm_and_wait(dispatcher)
    # Requests are stamped with the wall clock, not the tests' pinned one.
    assert re.search(
        r"• exclusão do histórico pedida em \w+\., \d\d/\d\d/\d{4} \d\d:\d\d: ainda não foi "
        r'concluída; se continuar assim, diga "apagar meus dados" de novo',
        await my_data(),
    )

    # The next request erases the conversation, and retries the first one with it.
    monkeypatch.setenv("RASA_API_URL", rasa_api)
    await confirm_and_wait(CollectingDispatcher())
    listed = await my_data()
    assert listed.count(": histórico apagado e conferido em ") == 2
    assert "ainda não foi concluída" not in listed


def test_rasa_keeps_no_event_log_the_erasure_does_not_cover() -> None:
    """The erasure reaches the in-memory and the SQL tracker stores and nothing else: another
    store or an event broker needs it extended first (actions/privacy.py)."""
    for path in ("endpoints.yml", "deploy/endpoints.production.yml"):
        endpoints = yaml.safe_load((ROOT / path).read_text("utf-8"))
        assert "event_broker" not in endpoints, path
        # No tracker_store: Rasa's in-memory default.
        assert endpoints.get("tracker_store", {"type": "sql"})["type"] == "sql", path


def test_compose_tells_the_action_server_where_rasa_keeps_conversations() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))
    actions, rasa = compose["services"]["actions"], compose["services"]["rasa"]
    store_url = actions["environment"]["TRACKER_STORE_URL"]
    assert store_url.endswith(f"@{rasa['environment']['TRACKER_DB_HOST']}:5432/rasa")
    assert rasa["environment"]["TRACKER_DB_NAME"] == "rasa"
    assert actions["environment"]["RASA_API_URL"] == "http://rasa:5005"

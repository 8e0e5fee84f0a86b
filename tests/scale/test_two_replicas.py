"""Two Rasa replicas behind no sticky routing: every turn may land on either, and a replica may
die between or during turns; the conversation and the bookings must not notice."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg

from consultoria.services.review import TRACKER_STORE_VARIABLE
from tests.e2e.rest import Conversation
from tests.e2e.test_booking import saturday_ahead
from tests.scale import cluster
from tests.scale.conftest import LOCK_LIFETIME, Replicas


def speaker(url: str, sender: str) -> Conversation:
    """The same user (sender id) talking to the replica at `url`."""
    talk = Conversation(url)
    talk.sender = sender
    return talk


def bookings_of(replicas: Replicas, sender: str) -> list[str]:
    return [f"P-{id_:04d}" for id_, _ in cluster.bookings(replicas.project_db, sender)]


def test_the_quote_form_continues_on_the_other_replica(replicas: Replicas) -> None:
    on_a = Conversation(replicas.a.url)
    on_b = speaker(replicas.b.url, on_a.sender)
    assert "Quanto tempo" in on_a.text("quero calcular uma consultoria telefonica")
    assert "R$ 360,00" in on_b.text("1h30")
    assert "R$ 720,00" in on_a.text("e se forem 2 especialistas?")


def test_every_turn_is_stored_in_the_postgresql_tracker_store(replicas: Replicas) -> None:
    on_a = Conversation(replicas.a.url)
    on_b = speaker(replicas.b.url, on_a.sender)
    on_a.say("oi")
    on_b.say("quanto custa o minuto?")
    with psycopg.connect(cluster.database_url(replicas.tracker_db)) as db:
        texts = [
            json.loads(row[0]).get("text")
            for row in db.execute(
                "SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id",
                (on_a.sender,),
            )
        ]
    assert texts == ["oi", "quanto custa o minuto?"]


def test_a_lock_held_in_redis_holds_the_turn_on_every_replica(replicas: Replicas) -> None:
    """A ticket another process holds in Redis (here planted, as a crashed replica leaves it)
    makes a replica wait until it expires: both replicas serialise on the shared lock store."""
    talk = Conversation(replicas.b.url)
    redis = replicas.redis()
    try:
        held_for = 3.0
        lock = {
            "conversation_id": talk.sender,
            # Rasa stores each ticket as its own JSON string inside the lock's JSON.
            "tickets": [json.dumps({"number": 5, "expires": time.time() + held_for})],
        }
        redis.command("SET", replicas.lock_key(talk.sender), json.dumps(lock))
        started = time.monotonic()
        assert "Consultoria" in talk.text("oi")
        assert time.monotonic() - started >= held_for - 0.5
        assert redis.command("EXISTS", replicas.lock_key(talk.sender)) == 0
    finally:
        redis.close()


def test_a_booking_survives_a_replica_killed_mid_way_without_duplicates(
    replicas: Replicas,
) -> None:
    day = saturday_ahead()
    on_a = Conversation(replicas.a.url)
    on_b = speaker(replicas.b.url, on_a.sender)
    assert "cliente TOTVS ou consultor" in on_a.text(
        f"quero agendar um plantão {day:%d/%m/%Y} das 8 às 18"
    )
    assert "Quantos especialistas" in on_b.text('/inform{"perfil": "cliente"}')
    assert "motivo" in on_a.text("1")
    assert "telefone" in on_b.text("virada de versão do Protheus")
    term = on_a.say("(11) 91234-5678")[-1]
    assert term["text"].startswith("Termo de Aceite do Plantão 24x7")
    accept = term["buttons"][0]["payload"]

    # "Aceito" reaches A, and A dies as soon as the booking is in the database: before or while
    # it saves the tracker and answers. The client gets no answer and sends "Aceito" again to B.
    threading.Thread(target=_ignore_failure, args=(on_a, accept), daemon=True).start()
    deadline = time.monotonic() + 30
    while not bookings_of(replicas, on_a.sender) and time.monotonic() < deadline:
        time.sleep(0.005)
    replicas.a.kill()
    booked = bookings_of(replicas, on_a.sender)
    assert len(booked) == 1

    # A client backs off before retrying. It also has to: Rasa 3.6's ticket lock waits forever
    # when the waiter's own ticket expires within the same 1 s poll as the dead holder's ticket,
    # which happens when the retry follows the crash by less than a second.
    time.sleep(1.5)
    started = time.monotonic()
    retried = on_b.text(accept)
    # At worst the lock A held expires before B may take the conversation.
    assert time.monotonic() - started < LOCK_LIFETIME + 10
    assert retried.strip()
    assert "Traceback" not in retried
    listed = on_b.text("meus plantões")
    assert booked[0] in listed
    assert bookings_of(replicas, on_a.sender) == booked
    assert re.search(r"P-\d{4}", listed)


def _ignore_failure(talk: Conversation, text: str) -> None:
    # The replica is killed mid-request on purpose: the lost answer is the point.
    with contextlib.suppress(httpx.HTTPError):
        talk.say(text)


def _usage(replicas: Replicas, month: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": cluster.database_url(replicas.project_db),
        TRACKER_STORE_VARIABLE: cluster.database_url(replicas.tracker_db),
    }
    command = [str(Path(sys.executable).with_name("consultoria")), "report", "usage"]
    result = subprocess.run(
        [*command, "--month", month, "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    [row] = json.loads(result.stdout)
    return dict(row)


def test_the_months_usage_is_read_from_the_tracker_store(replicas: Replicas) -> None:
    month = time.strftime("%Y-%m", time.gmtime(time.time() - 3 * 3600))  # São Paulo's month
    before = _usage(replicas, month)
    talk = Conversation(replicas.b.url)  # replica a may have been killed by an earlier test
    for message in ("quanto custa o minuto?", "xkcd qwpoe zzv blorft", "falar com um atendente"):
        talk.say(message)
    after = _usage(replicas, month)
    with psycopg.connect(cluster.database_url(replicas.tracker_db)) as db:
        events = db.execute(
            "SELECT type_name, intent_name FROM events WHERE sender_id = %s ORDER BY id",
            (talk.sender,),
        ).fetchall()
    # The two-stage fallback rewinds a clarified message and replays it: one turn, not two.
    intents: list[str] = []
    for type_name, intent in events:
        if type_name == "user":
            intents.append(intent)
        elif type_name == "rewind":
            intents.pop()
    assert intents[0] != "nlu_fallback" and len(intents) == 3
    assert after["conversations"] == before["conversations"] + 1
    assert after["turns"] == before["turns"] + 3

    def fallbacks(usage: dict[str, Any]) -> int:
        return round(usage["fallback_rate"] * usage["turns"])

    def handoffs(usage: dict[str, Any]) -> int:
        return round(usage["handoff_rate"] * usage["conversations"])

    assert fallbacks(after) == fallbacks(before) + intents.count("nlu_fallback")
    assert handoffs(after) == handoffs(before) + 1
    assert after["top_topics"]

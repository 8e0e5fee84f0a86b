"""Faults in the production topology (PostgreSQL tracker store, Redis lock store, project
database on PostgreSQL): the action server down, the database down mid-booking, every process
restarted mid-conversation. Nothing confirmed is lost, nothing is half-written, and the
conversation goes on once the fault is gone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import psycopg

from tests.e2e.rest import Conversation
from tests.e2e.test_booking import saturday_ahead
from tests.scale import cluster
from tests.scale.conftest import Topology


def answer_until_term(
    talk: Conversation, opening: str, reason: str = "virada de versão do Protheus"
) -> dict[str, Any]:
    """Go through the booking form, answering whatever it asks, up to the Term's buttons."""
    replies = talk.say(opening)
    for _ in range(8):
        said = "\n".join(str(r.get("text", "")) for r in replies)
        if replies and replies[-1].get("buttons") and "Termo" in said:
            return replies[-1]
        if "cliente TOTVS ou consultor" in said:
            replies = talk.say('/inform{"perfil": "cliente"}')
        elif "Quantos especialistas" in said:
            replies = talk.say("1")
        elif "motivo" in said:
            replies = talk.say(reason)
        elif "telefone" in said:
            replies = talk.say("(11) 91234-5678")
        else:
            raise AssertionError(f"unexpected question in the booking form: {said!r}")
    raise AssertionError("the booking form never showed the Term")


def test_database_down_at_confirmation_writes_nothing_and_the_booking_can_be_retried(
    topology: Topology,
) -> None:
    talk = Conversation(topology.rasa.url)
    day = saturday_ahead() + timedelta(days=7)
    opening = f"quero agendar um plantão {day:%d/%m/%Y} das 8 às 18"
    accept = answer_until_term(talk, opening)["buttons"][0]["payload"]

    topology.database.down()
    try:
        apology = talk.text(accept)
    finally:
        topology.database.up()
    assert "nada foi alterado" in apology and "Traceback" not in apology
    assert topology.bookings(talk.sender) == []
    assert (
        topology.rows(
            "SELECT a.id FROM term_acceptances a JOIN persons s ON s.id = a.person_id "
            "WHERE s.channel_user_id = %s",
            talk.sender,
        )
        == []
    )

    accept = answer_until_term(talk, opening)["buttons"][0]["payload"]
    assert "Pedido registrado" in talk.text(accept)
    assert [state for _, state in topology.bookings(talk.sender)] == ["requested"]


def test_the_conversation_resumes_when_the_action_server_is_back(topology: Topology) -> None:
    talk = Conversation(topology.rasa.url)
    topology.actions.kill()
    try:
        # Rasa keeps answering (a front end shows its own apology for an empty answer).
        question = "quanto fica 45 minutos de consultoria telefônica?"
        response = talk.client.post(
            "/webhooks/rest/webhook", json={"sender": talk.sender, "message": question}
        )
        assert response.status_code == 200
    finally:
        topology.actions.start().wait_ready()
    assert "R$ 180,00" in talk.text("quanto fica 45 minutos de consultoria telefônica?")


def test_restarting_every_process_mid_conversation_loses_nothing_confirmed(
    topology: Topology,
) -> None:
    talk = Conversation(topology.rasa.url)
    opening = f"agendar plantão {saturday_ahead() + timedelta(days=14):%d/%m/%Y} das 10 às 16"
    accept = answer_until_term(talk, opening)["buttons"][0]["payload"]
    assert "Pedido registrado" in talk.text(accept)
    assert "Quanto tempo" in talk.text("quero calcular uma consultoria telefonica")

    topology.rasa.kill()
    topology.actions.kill()
    cluster.start_all(topology.actions, topology.rasa)

    # The open question survived in the tracker store; the booking, its acceptance and the
    # staff notification survived in the project database.
    assert "R$ 360,00" in talk.text("1h30")
    assert len(topology.bookings(talk.sender)) == 1
    accepted = topology.rows(
        "SELECT a.accepted FROM term_acceptances a JOIN persons s ON s.id = a.person_id "
        "WHERE s.channel_user_id = %s",
        talk.sender,
    )
    assert accepted == [(True,)]
    (booking_id, _), *_ = topology.bookings(talk.sender)
    with psycopg.connect(cluster.database_url(topology.project_db)) as db:
        notified = db.execute(
            "SELECT kind FROM notifications WHERE payload LIKE %s",
            (f'%"plantao_id": {booking_id},%',),
        ).fetchall()
    assert notified == [("plantao_requested",)]
    assert booking_id and "P-" in talk.text("meus plantões")

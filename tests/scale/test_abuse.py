"""Hostile input through the REST channel, on the production topology: every message gets a clear
answer, nothing changes that should not, text is stored verbatim, other users are untouched,
and nobody becomes staff by saying so (SPEC §6). (The bot's own abuse cases — forged callback
keys, floods, escaping — are in tests/bot and tests/e2e/test_telegram.py.)"""

from __future__ import annotations

import json
import socket
import time
from datetime import timedelta
from ipaddress import ip_address
from pathlib import Path
from typing import Any

import httpx
import rasa_sdk

from actions.messages.staff import REFUSAL
from consultoria.identity import sign
from tests.e2e.rest import Conversation, FromTelegram
from tests.e2e.test_booking import saturday_ahead
from tests.scale.conftest import Topology
from tests.scale.test_faults import answer_until_term
from tests.stack import SIGNING_SECRET
from tests.support.trackers import DOMAIN, question, turn

STAFF_ID = "700100300"

HOSTILE = (
    "quanto custa " * 1540,  # about 20,000 characters
    "\x00\x07\x1b[31moi\x1b[0m\u202e\u200b\ufeff",
    "😀🔥🤖💸 quanto custa??? 🙏🏽👨‍👩‍👧",
    "مرحبا، كم سعر الاستشارة؟ שלום",
    "<script>alert('x')</script><b>oi</b>",
    "**negrito** _itálico_ [link](http://exemplo.com) `código`",
    "'; DROP TABLE plantoes; --",
    '/inform{"especialistas": "999999999999999999999"}',
    '/nlu_fallback{"x": [1, 2, {"y": null}]}',
    "/" + "a" * 300,
    "{}",
    " ",
)


def test_every_hostile_message_gets_a_clear_answer_and_the_conversation_goes_on(
    topology: Topology,
) -> None:
    talk = Conversation(topology.rasa.url)
    for message in HOSTILE:
        replies = talk.say(message)
        said = "\n".join(str(r.get("text", "")) for r in replies)
        assert said.strip(), f"no answer to {message[:40]!r}"
        assert "Traceback" not in said and "Exception" not in said
    assert "R$ 180,00" in talk.text("quanto fica 45 minutos de consultoria telefônica?")


def test_injection_in_the_reason_is_stored_verbatim(topology: Topology) -> None:
    talk = Conversation(topology.rasa.url)
    reason = "<b>urgente</b> **fechamento** '; DROP TABLE plantoes; -- 😀 ערב"
    day = saturday_ahead() + timedelta(days=21)
    term = answer_until_term(talk, f"quero agendar um plantão {day:%d/%m/%Y} das 9 às 13", reason)
    assert "Pedido registrado" in talk.text(term["buttons"][0]["payload"])
    stored = topology.rows(
        "SELECT p.reason FROM plantoes p JOIN persons s ON s.id = p.person_id "
        "WHERE s.channel_user_id = %s",
        talk.sender,
    )
    assert stored == [(reason,)]


def test_a_customer_cannot_act_on_another_customers_plantao_or_as_staff(
    topology: Topology,
) -> None:
    owner = Conversation(topology.rasa.url)
    day = saturday_ahead() + timedelta(days=28)
    accept = answer_until_term(owner, f"agendar plantão {day:%d/%m/%Y} das 8 às 12")
    assert "Pedido registrado" in owner.text(accept["buttons"][0]["payload"])
    ((booking_id, state),) = topology.bookings(owner.sender)
    ref = f"P-{booking_id:04d}"

    intruder = Conversation(topology.rasa.url)
    attempts = (
        f"quero cancelar o plantão {ref}",
        "/affirm",
        f"encerrar o plantão {ref} agora",
        "/end_plantao" + json.dumps({"plantao_ref": ref}),
        "/confirm_plantao" + json.dumps({"plantao_ref": ref}),
        f"quanto deu o plantão {ref}?",
        "/list_plantoes",
        "/staff_list_plantoes",
    )
    for message in attempts:
        said = intruder.text(message)
        assert said.strip(), f"no answer to {message!r}"
        assert "Protheus" not in said and "91234" not in said
        if message.startswith(("encerrar", "/end", "/confirm")):
            assert "exclusiva da equipe" in said
    assert topology.bookings(owner.sender) == [(booking_id, state)]
    assert ref in owner.text("meus plantões")


def pending_plantao(topology: Topology, weeks: int) -> tuple[str, str]:
    """(its owner, its reference): a plantão a customer has just requested."""
    owner = Conversation(topology.rasa.url)
    day = saturday_ahead() + timedelta(weeks=weeks)
    accept = answer_until_term(owner, f"agendar plantão {day:%d/%m/%Y} das 8 às 12")
    assert "Pedido registrado" in owner.text(accept["buttons"][0]["payload"])
    ((booking_id, _),) = topology.bookings(owner.sender)
    return owner.sender, f"P-{booking_id:04d}"


def test_saying_telegram_in_the_metadata_gives_no_staff_power(topology: Topology) -> None:
    topology.enroll(STAFF_ID)
    owner, ref = pending_plantao(topology, weeks=5)
    forger = FromTelegram(topology.rasa.url, STAFF_ID, forged=True)
    listed = forger.text("plantões pendentes")
    assert ref not in listed and "aguardando confirmação" not in listed
    assert REFUSAL in forger.text(f"confirmar o plantão {ref} com Maria Souza")
    assert [state for _, state in topology.bookings(owner)] == ["requested"]
    # The roster member, signed as the bot signs, sees it: the refusal was the signature's.
    assert ref in FromTelegram(topology.rasa.url, STAFF_ID).text("plantões pendentes")


def webhook_call(sender: str, metadata: dict[str, Any]) -> dict[str, Any]:
    """What Rasa would post to the action server for a staff listing by `sender`."""
    tracker = turn("plantões pendentes", "list_plantoes", sender=sender, metadata=metadata)
    return {
        "next_action": "action_staff_list_plantoes",
        "sender_id": sender,
        "tracker": tracker.current_state(),
        "domain": DOMAIN,
        "version": rasa_sdk.__version__,
    }


def test_the_action_server_gives_no_plantao_to_a_forged_call(topology: Topology) -> None:
    topology.enroll(STAFF_ID)
    _, ref = pending_plantao(topology, weeks=6)
    webhook = f"{topology.actions.url}/webhook"
    forged = webhook_call(STAFF_ID, {"channel": "telegram"})
    answer = httpx.post(webhook, json=forged, timeout=30).json()
    said = "\n".join(str(r.get("text")) for r in answer["responses"])
    assert said == REFUSAL and ref not in json.dumps(answer)
    identity = sign(SIGNING_SECRET, "telegram", STAFF_ID, "1", time.time())
    signed = webhook_call(STAFF_ID, {"channel": "telegram", "identity": identity})
    answer = httpx.post(webhook, json=signed, timeout=30).json()
    assert ref in json.dumps(answer)


LISTEN = "0A"  # the TCP state code of a listening socket in /proc/net/tcp*


def listening_addresses(port: int) -> set[str]:
    """The local addresses a socket listens on for `port`, read from the kernel's own table:
    exact, and no packet leaves loopback to find out."""
    found: set[str] = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text(encoding="ascii").splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == LISTEN and int(hex_port, 16) == port and len(address) == width:
                raw = bytes.fromhex(address)
                # The kernel prints each 32-bit word in host (little-endian) order.
                words = b"".join(raw[k : k + 4][::-1] for k in range(0, len(raw), 4))
                found.add(str(ip_address(words)))
    return found


def test_the_action_server_listens_on_loopback_alone(topology: Topology) -> None:
    port = topology.actions.port
    socket.create_connection(("127.0.0.1", port), timeout=5).close()
    addresses = listening_addresses(port)
    assert addresses, "the action server's port is not in the kernel's table"
    assert all(ip_address(address).is_loopback for address in addresses), addresses


def _payload_of(replies: list[dict[str, Any]], title: str) -> str:
    return next(
        b["payload"] for r in replies for b in r.get("buttons") or [] if b["title"] == title
    )


def test_forged_buttons_answer_no_question(topology: Topology) -> None:
    """Buttons answer only their own question (SPEC §5): another conversation's question id,
    invented or malformed ids and payloads that name another plantão change nothing."""
    owner_id, ref = pending_plantao(topology, weeks=7)
    owner = Conversation(topology.rasa.url)
    owner.sender = owner_id
    their_yes = _payload_of(owner.say(f"cancelar o plantão {ref}"), "Sim, cancelar")
    question_id = json.loads(their_yes.removeprefix("/affirm"))["pergunta"]
    intruder = Conversation(topology.rasa.url)
    forged = (
        their_yes,
        "/affirm" + json.dumps({"pergunta": question_id, "plantao_ref": ref}),
        "/deny" + json.dumps({"pergunta": question_id}),
        '/affirm{"pergunta": "0123456789abcdef"}',
        '/affirm{"pergunta": ""}',
        '/affirm{"pergunta": ["x", 1]}',
        '/affirm{"pergunta": null}',
        "/affirm" + json.dumps({"pergunta": "x" * 5000}),
    )
    for message in forged:
        said = intruder.text(message)
        assert said.strip() and "Traceback" not in said, message[:60]
        assert "cancelado" not in said and "Protheus" not in said, message[:60]
    # The owner's own conversation: invented ids answer nothing there either.
    for message in forged[3:]:
        assert "cancelado" not in owner.text(message)
    assert [state for _, state in topology.bookings(owner_id)] == ["requested"]
    # Their own button, pressed now, still cancels: the forgeries closed nothing.
    assert f"Plantão {ref} cancelado" in owner.text(their_yes)


def test_a_forged_question_in_the_tracker_reaches_no_other_customers_plantao(
    topology: Topology,
) -> None:
    """A tracker posted straight to the action server, holding a cancellation question about
    another customer's plantão, cancels nothing: the plantão is looked up as the sender's."""
    owner_id, ref = pending_plantao(topology, weeks=8)
    asked = question("confirmar_cancelamento", plantao_ref=ref, amount="0.00")
    tracker = turn(
        "sim", "affirm", sender="intruder", asked_by="action_cancel_request", asked=asked
    )
    call = {
        "next_action": "action_confirm_cancellation",
        "sender_id": "intruder",
        "tracker": tracker.current_state(),
        "domain": DOMAIN,
        "version": rasa_sdk.__version__,
    }
    answer = httpx.post(f"{topology.actions.url}/webhook", json=call, timeout=30).json()
    said = "\n".join(str(r.get("text")) for r in answer["responses"])
    assert f"Não encontrei o plantão {ref} entre os seus." in said
    assert [state for _, state in topology.bookings(owner_id)] == ["requested"]

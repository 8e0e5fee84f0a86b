"""Hostile input through the REST channel, on the production topology: every message gets a clear
answer, nothing changes that should not, text is stored verbatim, and other users are untouched.
(The bot's own abuse cases — forged callback keys, floods, escaping — are in tests/bot and
tests/e2e/test_telegram.py.)"""

from __future__ import annotations

import json
from datetime import timedelta

from tests.e2e.rest import Conversation
from tests.e2e.test_booking import saturday_ahead
from tests.scale.conftest import Topology
from tests.scale.test_faults import answer_until_term

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


def test_a_customer_cannot_act_on_another_customers_shift_or_as_staff(
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

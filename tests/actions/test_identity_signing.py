"""Who the actions believe is talking (SPEC §6): the channel and user a front end's signature
proves, else an anonymous customer of the REST channel named by the sender id. A forged
"telegram" in the metadata gives no staff power and reaches nobody else's records."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import privacy
from actions.messages.plantoes import NO_PLANTOES
from actions.messages.privacy import ERASURE_NOT_YOURS, NO_RECORD
from actions.messages.staff import REFUSAL
from actions.my_plantoes import ActionListMyPlantoes
from actions.privacy import ActionAskErasure, ActionConfirmErasure, ActionMyData
from actions.staff_ops import ActionPreparePlantoes, ActionStaffListPlantoes
from actions.tracker import Caller, caller
from consultoria import db, runtime
from consultoria.db import Person, PrivacyRequest
from consultoria.identity import MAX_AGE_SECONDS, SECRET_VARIABLE, sign
from consultoria.services import people
from tests.stack import SIGNING_SECRET
from tests.support.people import STAFF_ID, enroll, from_telegram
from tests.support.plantoes import FAR, count, reload, stored_plantao
from tests.support.trackers import DOMAIN, question, slots_of, texts, turn

TELEGRAM_USER = "1001"


def signed_wrongly(
    *, secret: str = SIGNING_SECRET, signed_for: str = STAFF_ID, age: float = 0, **changes: Any
) -> dict[str, Any]:
    """`turn(...)` arguments of a message of the roster member from Telegram whose signature
    is off in one way: another secret, another user, its age, or a field changed after it."""
    identity = sign(secret, "telegram", signed_for, "4242", time.time() - age)
    metadata = {"channel": "telegram", "first_name": "Carla", "identity": {**identity, **changes}}
    return {"sender": STAFF_ID, "metadata": metadata}


FORGED: dict[str, dict[str, Any]] = {
    "no signature": {"sender": STAFF_ID, "metadata": {"channel": "telegram"}},
    "another secret": signed_wrongly(secret="x" * 40),
    "signed for another user": signed_wrongly(signed_for="555"),
    "tampered": signed_wrongly(message_id="1"),
    "stale": signed_wrongly(age=MAX_AGE_SECONDS + 5),
}


async def run(action: Action, tracker: Any) -> tuple[str, dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    return texts(dispatcher), slots_of(events)


def telegram_customer() -> Person:
    """A Telegram user with a plantão booked: the records a forger would want."""
    with db.unit_of_work(runtime.sessions()) as session:
        person = people.get_or_create_person(session, "telegram", TELEGRAM_USER, "Bruna Telegram")
    stored_plantao(person, FAR)
    return person


def test_a_signed_message_is_the_channel_user_it_proves() -> None:
    tracker = turn("oi", "greet", **from_telegram(STAFF_ID))
    assert caller(tracker) == Caller("telegram", STAFF_ID, "Carla", "4242")


@pytest.mark.parametrize("forged", FORGED.values(), ids=FORGED.keys())
def test_an_unproven_message_is_an_anonymous_rest_customer(forged: dict[str, Any]) -> None:
    tracker = turn("oi", "greet", message_id="rasa-7", **forged)
    # Its own name and Rasa's message id only: nothing it claims reaches anyone else.
    name = forged["metadata"].get("first_name", "")
    assert caller(tracker) == Caller("rest", STAFF_ID, name, "rasa-7")


def test_without_a_secret_the_action_server_believes_no_signature(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(SECRET_VARIABLE)
    assert caller(turn("oi", "greet", **from_telegram(STAFF_ID))).channel == "rest"


@pytest.mark.parametrize("forged", FORGED.values(), ids=FORGED.keys())
async def test_forged_staff_metadata_is_refused_and_lists_nothing(forged: dict[str, Any]) -> None:
    enroll()
    waiting = stored_plantao(telegram_customer(), FAR)
    said, _ = await run(
        ActionStaffListPlantoes(), turn("plantões pendentes", "list_plantoes", **forged)
    )
    assert said == REFUSAL
    assert waiting.ref not in said
    _, slots = await run(
        ActionPreparePlantoes(), turn("plantões pendentes", "list_plantoes", **forged)
    )
    assert slots == {"equipe": False}


async def test_the_same_message_signed_by_the_bot_lists_the_plantoes() -> None:
    enroll()
    waiting = stored_plantao(telegram_customer(), FAR)
    signed = from_telegram(STAFF_ID)
    said, _ = await run(
        ActionStaffListPlantoes(), turn("plantões pendentes", "list_plantoes", **signed)
    )
    assert said.startswith("Plantões aguardando confirmação:") and waiting.ref in said
    _, slots = await run(
        ActionPreparePlantoes(), turn("plantões pendentes", "list_plantoes", **signed)
    )
    assert slots == {"equipe": True}


async def test_an_unsigned_sender_named_like_a_telegram_user_gets_none_of_their_data() -> None:
    person = telegram_customer()
    forged: dict[str, Any] = {"sender": TELEGRAM_USER, "metadata": {"channel": "telegram"}}
    said, _ = await run(ActionMyData(), turn("quero meus dados", "my_data", **forged))
    assert said == NO_RECORD
    assert "Bruna" not in said and "P-0001" not in said
    said, _ = await run(ActionListMyPlantoes(), turn("meus plantões", "list_plantoes", **forged))
    assert said == NO_PLANTOES
    # The Telegram user, signed, still gets their own.
    signed = from_telegram(TELEGRAM_USER)
    said, _ = await run(ActionMyData(), turn("quero meus dados", "my_data", **signed))
    assert person.name in said and "P-0001" in said


async def test_an_unsigned_erasure_request_is_recorded_for_the_rest_sender_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    person = telegram_customer()
    # Nothing listens there: the background call to Rasa's API is stopped below.
    monkeypatch.setenv("RASA_API_URL", "http://127.0.0.1:9")
    forged: dict[str, Any] = {"sender": TELEGRAM_USER, "metadata": {"channel": "telegram"}}
    tracker = turn(
        "sim",
        "affirm",
        asked_by="action_ask_erasure",
        asked=question("confirmar_exclusao"),
        **forged,
    )
    await run(ActionConfirmErasure(), tracker)
    erasures = list(privacy.ERASURES)
    for task in erasures:
        task.cancel()
    await asyncio.gather(*erasures, return_exceptions=True)
    with db.unit_of_work(runtime.sessions()) as session:
        requests = session.scalars(select(PrivacyRequest)).all()
        assert [(r.channel, r.person_id) for r in requests] == [("rest", None)]
    assert reload(1).contact_phone == "(11) 91234-5678" and person.id is not None


def _after_signed_history(tracker: Tracker, signed: dict[str, Any]) -> Tracker:
    """`tracker` with an earlier message of the conversation, as the front end relayed it."""
    earlier = {"event": "user", "text": "oi", "parse_data": {}, "metadata": signed["metadata"]}
    tracker.events.insert(0, earlier)
    return tracker


async def test_an_unsigned_message_cannot_erase_a_conversation_a_front_end_signed() -> None:
    signed = from_telegram(TELEGRAM_USER)
    asking = _after_signed_history(turn("apagar meus dados", sender=TELEGRAM_USER), signed)
    said, slots = await run(ActionAskErasure(), asking)
    assert said == ERASURE_NOT_YOURS and "pergunta" not in slots
    typed_yes = turn(
        "sim",
        "affirm",
        asked_by="action_ask_erasure",
        asked=question("confirmar_exclusao"),
        sender=TELEGRAM_USER,
    )
    said, _ = await run(ActionConfirmErasure(), _after_signed_history(typed_yes, signed))
    assert said == ERASURE_NOT_YOURS and not privacy.ERASURES
    assert count(PrivacyRequest) == 0


@pytest.mark.parametrize("history", ["the user", "another user", "a bad signature"])
async def test_who_may_ask_to_erase_a_conversation(history: str) -> None:
    """The channel user themselves may; an unsigned sender may when no genuine signature for
    this sender id was ever seen in the conversation."""
    signed_by = {"another user": STAFF_ID}.get(history, TELEGRAM_USER)
    earlier = from_telegram(signed_by)
    if history == "a bad signature":
        earlier["metadata"]["identity"] = {**earlier["metadata"]["identity"], "sig": "0" * 64}
    latest = from_telegram(TELEGRAM_USER) if history == "the user" else {"sender": TELEGRAM_USER}
    asking = _after_signed_history(turn("apagar meus dados", **latest), earlier)
    said, slots = await run(ActionAskErasure(), asking)
    assert said.startswith("Posso apagar o histórico desta conversa")
    assert slots["pendente"] == "confirmar_exclusao"

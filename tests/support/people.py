"""The people the action tests write as, in the action server's own database
(`runtime.sessions()`): customers, and a member of the staff roster writing from Telegram."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select

from actions.identity import remember_person
from actions.tracker import Caller
from consultoria import db, runtime
from consultoria.db import Person
from consultoria.identity import sign
from consultoria.services import people
from consultoria.settings import StaffSeed
from tests.stack import SIGNING_SECRET

from .trackers import SENDER

STAFF_ID = "700100200"
STAFF_NAME = "Carla Plantonista"


def from_telegram(user_id: str = STAFF_ID, message_id: str = "4242") -> dict[str, Any]:
    """`turn(text, intent, **from_telegram())`: a message `user_id` (the roster member by
    default) sent from Telegram, as the bot relays it, signed just now."""
    identity = sign(SIGNING_SECRET, "telegram", user_id, message_id, time.time())
    metadata = {"channel": "telegram", "first_name": "Carla", "identity": identity}
    return {"sender": user_id, "metadata": metadata}


def customer(sender: str = SENDER, perfil: str = "cliente", unit: str | None = None) -> Person:
    """The person writing as `sender` on the REST channel, remembered as the actions do."""
    with db.unit_of_work(runtime.sessions()) as session:
        return remember_person(session, Caller("rest", sender, "Ana", None), perfil, unit)


def enroll(user_id: str = STAFF_ID, *, active: bool = True) -> None:
    """Put a member in the roster, as `consultoria db upgrade` does from the configuration."""
    with db.unit_of_work(runtime.sessions()) as session:
        people.sync_staff(session, [StaffSeed(user_id, STAFF_NAME)])
        member = session.scalar(
            select(db.StaffMember).where(db.StaffMember.channel_user_id == user_id)
        )
        assert member is not None
        member.active = active

"""The staff roster: seeded from the configuration, checked by channel user id."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultoria.settings import StaffSeed

from .idempotent import add_or_get
from .models import StaffMember

TELEGRAM = "telegram"


def _find(session: Session, channel: str, channel_user_id: str) -> StaffMember | None:
    return session.scalar(
        select(StaffMember).where(
            StaffMember.channel == channel, StaffMember.channel_user_id == channel_user_id
        )
    )


def sync_staff(session: Session, seeds: Iterable[StaffSeed]) -> None:
    """Add or reactivate the configured staff; members added otherwise are left as they are."""
    for seed in seeds:
        member, created = add_or_get(
            session,
            StaffMember(channel=TELEGRAM, channel_user_id=seed.telegram_user_id, name=seed.name),
            partial(_find, session, TELEGRAM, seed.telegram_user_id),
        )
        if not created:
            member.active = True
            member.name = seed.name


def is_staff(session: Session, channel: str, channel_user_id: str) -> bool:
    member = _find(session, channel, channel_user_id)
    return member is not None and member.active

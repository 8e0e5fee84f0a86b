"""The staff notification outbox: services enqueue in the transaction of the change they
announce, the Telegram bot drains it (claim due rows, then settle them).

Delivery is at least once. Claiming leases a row (its next attempt moves past the lease), so a
second drainer does not send it while the first one is; if the first dies, the lease runs out
and the row is claimed again. On PostgreSQL `FOR UPDATE SKIP LOCKED` also keeps two drainers
claiming at the same moment from waiting on each other or taking the same rows; SQLite
serializes writers (BEGIN IMMEDIATE) and needs nothing more. Each function is one step of the
caller's `unit_of_work`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from consultoria.db.idempotent import add_or_get
from consultoria.db.models import Notification, StaffMember
from consultoria.services.people import TELEGRAM

ERROR_MAX_CHARS = 500


@dataclass(frozen=True)
class ClaimedNotification:
    """A leased row, detached from its session: the drainer sends it outside any transaction."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int  # this attempt included


def _find(session: Session, dedupe_key: str) -> Notification | None:
    return session.scalar(select(Notification).where(Notification.dedupe_key == dedupe_key))


def enqueue(
    session: Session, kind: str, payload: dict[str, Any], dedupe_key: str
) -> tuple[Notification, bool]:
    """Outbox a notification once per `dedupe_key`, whoever calls first; True when this call
    wrote it. The payload holds references only: the sender reads the rows when it runs."""
    notification, created = add_or_get(
        session,
        Notification(kind=kind, payload=payload, dedupe_key=dedupe_key),
        partial(_find, session, dedupe_key),
    )
    return notification, created


def claim_due(
    session: Session, *, now: datetime, limit: int, lease: timedelta
) -> list[ClaimedNotification]:
    """Lease up to `limit` undelivered rows due at `now`, oldest first."""
    rows = session.scalars(
        select(Notification)
        .where(Notification.delivered_at.is_(None), Notification.next_attempt_at <= now)
        .order_by(Notification.next_attempt_at, Notification.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        row.attempts += 1
        row.next_attempt_at = now + lease
    session.flush()
    return [ClaimedNotification(r.id, r.kind, dict(r.payload), r.attempts) for r in rows]


def mark_delivered(session: Session, notification_id: int, *, now: datetime) -> bool:
    """Record the delivery; False when it was already recorded (another drainer's lease ran out)."""
    result = cast(
        "CursorResult[Any]",
        session.execute(
            update(Notification)
            .where(Notification.id == notification_id, Notification.delivered_at.is_(None))
            .values(delivered_at=now, last_error=None)
        ),
    )
    return result.rowcount > 0


def mark_failed(session: Session, notification_id: int, *, error: str, retry_at: datetime) -> None:
    """Keep the row undelivered, due again at `retry_at`, with the reason of this failure."""
    session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.delivered_at.is_(None))
        .values(last_error=error[:ERROR_MAX_CHARS], next_attempt_at=retry_at)
    )


def backoff(attempts: int, *, base: timedelta, cap: timedelta) -> timedelta:
    """Wait before the next attempt: base, 2×base, 4×base... never more than `cap`."""
    return min(cap, base * 2 ** min(max(attempts - 1, 0), 30))


def staff_chat_ids(session: Session) -> list[int]:
    """Telegram chats of the active staff roster: a private chat's id is the user's id."""
    ids = session.scalars(
        select(StaffMember.channel_user_id)
        .where(StaffMember.channel == TELEGRAM, StaffMember.active.is_(True))
        .order_by(StaffMember.id)
    )
    return [int(user_id) for user_id in ids if user_id.lstrip("-").isdigit()]

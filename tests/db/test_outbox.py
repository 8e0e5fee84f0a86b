"""The outbox as the bot drains it: claims lease rows, settling is final, two drainers split."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consultoria.db import Notification, StaffMember, unit_of_work
from consultoria.db.types import utcnow
from consultoria.services.outbox import (
    backoff,
    claim_due,
    enqueue,
    mark_delivered,
    mark_failed,
    staff_chat_ids,
)
from tests.support.databases import Book, postgres_only

LEASE = timedelta(minutes=2)


def _notifications(factory: sessionmaker[Session]) -> list[Notification]:
    with unit_of_work(factory) as session:
        return list(session.scalars(select(Notification).order_by(Notification.id)))


def _claim(factory: sessionmaker[Session], now: datetime, limit: int = 10) -> list[int]:
    with unit_of_work(factory) as session:
        return [n.id for n in claim_due(session, now=now, limit=limit, lease=LEASE)]


def test_a_claim_leases_due_rows_oldest_first(factory: sessionmaker[Session], book: Book) -> None:
    first = book()
    book(request_key="outra")
    now = utcnow()
    with unit_of_work(factory) as session:
        claimed = claim_due(session, now=now, limit=1, lease=LEASE)
    assert [c.payload["plantao_id"] for c in claimed] == [first.id]
    assert claimed[0].kind == "plantao_requested" and claimed[0].attempts == 1
    # Leased: not claimable again until the lease runs out; the other row still is.
    assert _claim(factory, now) == [_notifications(factory)[1].id]
    assert _claim(factory, now) == []
    again = _claim(factory, now + LEASE + timedelta(seconds=1))
    assert len(again) == 2
    assert [n.attempts for n in _notifications(factory)] == [2, 2]


def test_delivered_rows_are_never_claimed_again(factory: sessionmaker[Session], book: Book) -> None:
    book()
    now = utcnow()
    [notification_id] = _claim(factory, now)
    with unit_of_work(factory) as session:
        assert mark_delivered(session, notification_id, now=now)
        assert not mark_delivered(session, notification_id, now=now)  # a second drainer's
        mark_failed(session, notification_id, error="tarde demais", retry_at=now)
    [row] = _notifications(factory)
    assert row.delivered_at == now and row.last_error is None
    assert _claim(factory, now + timedelta(days=1)) == []


def test_a_failure_keeps_the_row_due_later_with_its_reason(
    factory: sessionmaker[Session], book: Book
) -> None:
    book()
    now = utcnow()
    [notification_id] = _claim(factory, now)
    with unit_of_work(factory) as session:
        mark_failed(session, notification_id, error="x" * 900, retry_at=now + timedelta(seconds=5))
    [row] = _notifications(factory)
    assert row.delivered_at is None and row.last_error == "x" * 500
    assert _claim(factory, now) == []
    assert _claim(factory, now + timedelta(seconds=5)) == [notification_id]


def test_a_notification_is_enqueued_once_per_dedupe_key(factory: sessionmaker[Session]) -> None:
    with unit_of_work(factory) as session:
        first, created = enqueue(session, "aviso", {"ref": "P-0001"}, "aviso:1")
        again, created_again = enqueue(session, "aviso", {"ref": "outro"}, "aviso:1")
        assert (created, created_again, again.id) == (True, False, first.id)
    [row] = _notifications(factory)
    assert (row.kind, row.payload, row.attempts) == ("aviso", {"ref": "P-0001"}, 0)
    assert row.delivered_at is None


def test_backoff_doubles_up_to_the_cap() -> None:
    base, cap = timedelta(seconds=5), timedelta(minutes=10)
    waits = [backoff(n, base=base, cap=cap).total_seconds() for n in (1, 2, 3, 4, 8, 500)]
    assert waits == [5, 10, 20, 40, 600, 600]


def test_staff_chats_are_the_active_telegram_roster(factory: sessionmaker[Session]) -> None:
    with unit_of_work(factory) as session:
        session.add_all(
            [
                StaffMember(channel="telegram", channel_user_id="9001", name="Carla"),
                StaffMember(channel="telegram", channel_user_id="9002", name="Davi", active=False),
                StaffMember(channel="rest", channel_user_id="9003", name="Eva"),
                StaffMember(channel="telegram", channel_user_id="9004", name="Fábio"),
            ]
        )
    with unit_of_work(factory) as session:
        assert staff_chat_ids(session) == [9001, 9004]


@postgres_only
def test_two_drainers_claiming_at_once_take_different_rows(
    factory: sessionmaker[Session], book: Book
) -> None:
    for n in range(4):
        book(request_key=f"pedido-{n}")
    now = utcnow()
    inside, release = threading.Event(), threading.Event()
    first: list[int] = []

    def slow_drainer() -> None:
        # Claims and holds its transaction open: its rows stay locked meanwhile.
        with unit_of_work(factory) as session:
            first.extend(n.id for n in claim_due(session, now=now, limit=2, lease=LEASE))
            inside.set()
            release.wait(timeout=10)

    thread = threading.Thread(target=slow_drainer)
    thread.start()
    assert inside.wait(timeout=10)
    try:
        second = _claim(factory, now)  # SKIP LOCKED: does not wait for the first drainer
    finally:
        release.set()
        thread.join(timeout=10)
    assert len(first) == 2 and len(second) == 2
    assert not set(first) & set(second)

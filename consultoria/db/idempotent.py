"""Insert-or-fetch under a unique key, correct when another transaction inserts the same key."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

T = TypeVar("T")


def add_or_get(session: Session, row: T, find: Callable[[], T | None]) -> tuple[T, bool]:
    """Return the existing row `find` sees, or insert `row`; True when `row` was inserted.

    The insert runs in a SAVEPOINT: if a concurrent transaction committed the same unique key
    first, only the savepoint is rolled back and that transaction's row is returned.
    """
    existing = find()
    if existing is not None:
        return existing, False
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        existing = find()
        if existing is None:  # a different constraint failed: not a race
            raise
        return existing, False
    return row, True

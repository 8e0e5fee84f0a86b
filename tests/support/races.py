"""Races between real concurrent sessions: competitors released together, one thread each."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from consultoria.db import unit_of_work


def race(*competitors: Callable[[], Any]) -> list[Any]:
    """Run the competitors at once, one thread each; their results or raised exceptions."""
    barrier = threading.Barrier(len(competitors))
    outcomes: list[Any] = [None] * len(competitors)

    def run(index: int, competitor: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            outcomes[index] = competitor()
        except Exception as exc:  # the loser's StateConflict is an expected outcome
            outcomes[index] = exc

    threads = [threading.Thread(target=run, args=item) for item in enumerate(competitors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a competitor hung"
    return outcomes


def race_to_create(factory: sessionmaker[Session], create: Callable[[Session], int]) -> None:
    """Three workers run `create` (returning a row's id) at once, each in its own unit of work;
    all of them must end up with the same row."""

    def competitor() -> int:
        with unit_of_work(factory) as session:
            return create(session)

    outcomes = race(competitor, competitor, competitor)
    assert len(set(outcomes)) == 1, outcomes

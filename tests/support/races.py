"""Races between real concurrent sessions: competitors released together, one thread each."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


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

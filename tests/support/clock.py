"""A pinned clock (a pytest plugin: tests/conftest.py): `runtime.now()` starts at a chosen
instant and runs on in real time, so what a test reasons about does not depend on the day and
hour it runs.

Only business logic follows it (`ctx.now`); audit timestamps (`created_at`, events' `at`) keep
the wall clock, so the usual instant is close to the date the suite was written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest

from consultoria import runtime

# A Wednesday 10:00 in São Paulo: a business day (no national holiday) within business hours.
WEDNESDAY_MORNING = datetime.fromisoformat("2026-12-02T10:00:00-03:00")

PinClock = Callable[[datetime], None]


@pytest.fixture
def pin_clock() -> Iterator[PinClock]:
    """`pin_clock(at)`: from now until the test ends, `runtime.now()` starts at `at`."""
    with pytest.MonkeyPatch.context() as patch:

        def pin(at: datetime) -> None:
            patch.setenv(runtime.CLOCK_START_ENV, at.isoformat())
            runtime._clock_offset.cache_clear()

        yield pin
    runtime._clock_offset.cache_clear()

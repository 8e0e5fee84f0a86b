"""Tariff engine benchmark (`make bench`): quotes per second and per-quote latency percentiles."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from consultoria.settings import PROJECT_ROOT, load_settings
from consultoria.tariff import Inconsistency, Quote, quote_suporte, quote_telefonica
from tests.bench.results import write
from tests.support.tariff import quote_window

ROUNDS = 20_000


def _scenarios() -> dict[str, Callable[[], Quote]]:
    settings = load_settings()
    table, rules = settings.price_table, settings.tariff
    day = date(2027, 3, 6)
    return {
        "plantao_early_end_1_day": lambda: quote_window(
            rules,
            table,
            datetime(2027, 3, 6, 8),
            datetime(2027, 3, 6, 18),
            datetime(2027, 3, 6, 10),
        ),
        "plantao_full_7_days": lambda: quote_window(
            rules, table, datetime(2027, 3, 1, 18), datetime(2027, 3, 8, 18), specialists=3
        ),
        "telefonica_hour_bank": lambda: quote_telefonica(
            45, day=day, table=table, rules=rules, specialists=2, hour_bank_minutes=60
        ),
        "suporte_waived": lambda: quote_suporte(
            5, inconsistency=Inconsistency.NEW, day=day, table=table, rules=rules
        ),
    }


def _measure(run: Callable[[], Quote]) -> dict[str, float]:
    for _ in range(500):  # warm caches (holiday tables, price lookups)
        run()
    samples = []
    started = time.perf_counter()
    for _ in range(ROUNDS):
        t0 = time.perf_counter_ns()
        run()
        samples.append(time.perf_counter_ns() - t0)
    elapsed = time.perf_counter() - started
    samples.sort()
    return {
        "quotes_per_second": round(ROUNDS / elapsed),
        "median_us": round(statistics.median(samples) / 1000, 1),
        "p95_us": round(samples[int(len(samples) * 0.95)] / 1000, 1),
        "p99_us": round(samples[int(len(samples) * 0.99)] / 1000, 1),
    }


def main() -> int:
    results = {name: _measure(run) for name, run in _scenarios().items()}
    out = write("tariff", results)
    width = max(map(len, results))
    print(f"{'scenario':<{width}}  quotes/s  median µs  p95 µs  p99 µs")
    for name, r in results.items():
        print(
            f"{name:<{width}}  {r['quotes_per_second']:>8}  {r['median_us']:>9}"
            f"  {r['p95_us']:>6}  {r['p99_us']:>6}"
        )
    print(f"written to {Path(out).relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

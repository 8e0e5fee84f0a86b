"""What every benchmark reports: percentiles of its samples and a JSON file under `.bench/`."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from tests.stack import ROOT


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 1)


def latency_ms(samples: list[float]) -> dict[str, float]:
    """Median, 95th percentile and maximum of latencies in milliseconds."""
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": percentile(samples, 0.95),
        "max_ms": round(max(samples), 1),
    }


def write(name: str, result: dict[str, Any]) -> Path:
    """Write `result` to .bench/<name>.json, where the README's figures are taken from."""
    out = ROOT / ".bench" / f"{name}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return out

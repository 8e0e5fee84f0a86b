"""Load benchmark: realistic conversations by N concurrent users, through Rasa's REST channel and
through the Telegram bot against the fake Bot API (tests/bench/bot_load.py), on the production
topology (tests/bench/topology.py: PostgreSQL tracker store, Redis lock store, two Rasa workers).

For each concurrency level it replays the conversations below (FAQ, quotes, triage, a full
booking with the Term and a cancellation) and reports turns per second and p50/p95/p99 latency
per turn; the same messages through Rasa's bare `/model/parse` give the floor the dialogue,
actions and database add to. It also reports the RSS of every server and, unless
`--no-train`, the time of a full training from scratch. Writes .bench/load.json and
docs/bench-latency.png (latency percentiles against concurrency).

    python -m tests.bench.load [--levels 1,5,10,20] [--seconds 30] [--no-train]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import httpx
from matplotlib.figure import Figure

from tests.bench import bot_load, topology
from tests.bench.results import percentile, write
from tests.bench.scenario import Level, conversations
from tests.faketg.server import FakeTelegram
from tests.scale.cluster import RASA, RASA_ENV
from tests.stack import ROOT

CHART = ROOT / "docs" / "bench-latency.png"


def summary(samples: list[float], seconds: float) -> dict[str, float]:
    return {
        "turns": len(samples),
        "turns_per_s": round(len(samples) / seconds, 1),
        "p50_ms": percentile(samples, 0.50),
        "p95_ms": percentile(samples, 0.95),
        "p99_ms": percentile(samples, 0.99),
    }


async def user_loop(
    client: httpx.AsyncClient, user: int, deadline: float, level: Level, cancel: bool
) -> None:
    while time.monotonic() < deadline:
        for script in conversations(user):
            sender = f"bench-{uuid.uuid4().hex[:12]}"
            replies: list[dict[str, Any]] = []
            for message in script:
                started = time.perf_counter()
                try:
                    response = await client.post(
                        "/webhooks/rest/webhook", json={"sender": sender, "message": message}
                    )
                    response.raise_for_status()
                    replies = response.json()
                except httpx.HTTPError:
                    level.errors += 1
                    continue
                level.latencies_ms.append((time.perf_counter() - started) * 1000)
            ref = next(
                (
                    word.rstrip(".,:")
                    for reply in replies
                    for word in str(reply.get("text", "")).split()
                    if word.startswith("P-")
                ),
                None,
            )
            if cancel and ref:
                for message in (f"quero cancelar o plantão {ref}", "/affirm"):
                    started = time.perf_counter()
                    try:
                        response = await client.post(
                            "/webhooks/rest/webhook", json={"sender": sender, "message": message}
                        )
                        response.raise_for_status()
                    except httpx.HTTPError:
                        level.errors += 1
                        continue
                    level.latencies_ms.append((time.perf_counter() - started) * 1000)
            if time.monotonic() >= deadline:
                return


async def parse_loop(client: httpx.AsyncClient, user: int, deadline: float, level: Level) -> None:
    messages = [m for script in conversations(user) for m in script if not m.startswith("/")]
    while time.monotonic() < deadline:
        for message in messages:
            started = time.perf_counter()
            response = await client.post("/model/parse", json={"text": message})
            response.raise_for_status()
            level.parse_ms.append((time.perf_counter() - started) * 1000)


async def run_level(url: str, users: int, seconds: float) -> Level:
    level = Level(users)
    # A connection per turn: the Sanic workers share one listening socket and so balance by
    # connection; kept-alive connections would pin each user to one worker, where a load
    # balancer in front of replicas balances by request.
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        started = time.monotonic()
        await asyncio.gather(
            *(user_loop(client, u, started + seconds, level, True) for u in range(users))
        )
        level.seconds = time.monotonic() - started
        started = time.monotonic()
        await asyncio.gather(
            *(parse_loop(client, u, started + seconds / 2, level) for u in range(users))
        )
        level.parse_seconds = time.monotonic() - started
    return level


def rss_mib(pids: dict[str, int]) -> dict[str, float]:
    """Resident memory of each server, children included (Rasa's Sanic workers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat[1])
    rss: dict[str, float] = {}
    for name, root in pids.items():
        tree, frontier = {root}, [root]
        while frontier:
            pid = frontier.pop()
            children = [child for child, parent in parents.items() if parent == pid]
            tree.update(children)
            frontier.extend(children)
        kib = 0
        for pid in tree:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            kib += next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")
            )
        rss[name] = round(kib / 1024, 1)
    return rss


def train_from_scratch() -> float:
    """Seconds of a full `rasa train` on a copy of the inputs, so no cache can help."""
    with tempfile.TemporaryDirectory(prefix="bench-train-") as tmp:
        for name in ("config.yml", "domain", "data", "nlu"):
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, Path(tmp) / name)
            else:
                shutil.copy(source, Path(tmp) / name)
        env = {**os.environ, **RASA_ENV}
        started = time.monotonic()
        subprocess.run(
            [str(RASA), "train", "--domain", "domain", "--data", "data", "nlu", "--out", "out"],
            cwd=tmp,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return round(time.monotonic() - started, 1)


def chart(levels: Iterable[dict[str, Any]]) -> None:
    rows = list(levels)
    users = [row["users"] for row in rows]
    # Figure without pyplot: no GUI backend, nothing global.
    figure = Figure(figsize=(7, 4), dpi=110)
    axis = figure.subplots()
    for key, style in (("p50_ms", "o-"), ("p95_ms", "s-"), ("p99_ms", "^-")):
        axis.plot(users, [row["rest"][key] for row in rows], style, label=f"REST {key[:3]}")
    axis.plot(users, [row["bot"]["p95_ms"] for row in rows], "d-.", label="bot p95")
    axis.plot(users, [row["parse"]["p95_ms"] for row in rows], "x--", label="/model/parse p95")
    axis.set_xlabel("conversas simultâneas")
    axis.set_ylabel("latência por turno (ms)")
    axis.set_xticks(users)
    axis.grid(alpha=0.3)
    axis.legend()
    axis.set_title("Latência por turno (ações e banco incluídos)")
    figure.tight_layout()
    CHART.parent.mkdir(exist_ok=True)
    figure.savefig(CHART)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,5,10,20")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--no-train", action="store_true")
    args = parser.parse_args()
    levels = [int(n) for n in args.levels.split(",")]

    result: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "topology": f"PostgreSQL tracker store, Redis lock store, {topology.WORKERS} Rasa workers",
        "levels": [],
    }
    if not args.no_train:
        print(">> treino completo do zero (sem cache)...", flush=True)
        result["training_s"] = train_from_scratch()
        print(f"   {result['training_s']} s", flush=True)
    with FakeTelegram() as telegram, topology.production(telegram) as stack:
        url = stack.rasa.url
        # Warm-up: the first turns of each worker load lazy parts of the model.
        asyncio.run(run_level(url, 2, 10))
        for users in levels:
            level = asyncio.run(run_level(url, users, args.seconds))
            row = {
                "users": users,
                "rest": summary(level.latencies_ms, level.seconds),
                "parse": summary(level.parse_ms, level.parse_seconds),
            }
            row["ratio_p50"] = round(row["rest"]["p50_ms"] / row["parse"]["p50_ms"], 2)
            bot = bot_load.run_level(telegram, users, args.seconds)
            row["bot"] = summary(bot.latencies_ms, bot.seconds)
            row["errors"] = {"rest": level.errors, "bot": bot.errors}
            result["levels"].append(row)
            print(f">> {users:>2} usuários: {json.dumps(row, ensure_ascii=False)}", flush=True)
        result["rss_mib"] = rss_mib(stack.pids())
        print(f">> memória (RSS, MiB): {result['rss_mib']}", flush=True)
    out = write("load", result)
    chart(result["levels"])
    print(f">> {out.relative_to(ROOT)} e {CHART.relative_to(ROOT)} escritos", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

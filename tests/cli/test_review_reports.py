"""Contract tests of `consultoria report unanswered` and `consultoria report usage`, run as a real
subprocess on SQLite and PostgreSQL. Usage figures from Rasa's own tracker store are checked on
the production topology (tests/scale/test_two_replicas.py)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine

from consultoria import db
from consultoria.db import unit_of_work
from consultoria.runtime import CLOCK_START_ENV
from consultoria.services import review
from consultoria.services.review import TRACKER_STORE_VARIABLE
from tests.support.processes import CONSOLE_SCRIPT, finished

NOW = datetime(2030, 6, 20, 13, 0, tzinfo=timezone.utc)
COLUMNS = ["text", "count", "first_seen", "last_seen", "best_guess", "mean_confidence"]


def run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, CLOCK_START_ENV: NOW.isoformat()}
    env.pop(TRACKER_STORE_VARIABLE, None)
    return finished([str(CONSOLE_SCRIPT), *args], env)


@pytest.fixture
def url(engine: Engine) -> str:
    kept = [
        ("1001", "quem ganhou a copa de 2002?", NOW - timedelta(days=1), [("faq", 0.4)]),
        ("2002", "Quem ganhou a Copa de 2002", NOW - timedelta(hours=2), [("faq", 0.2)]),
        ("2002", "me liga no 47 99999-1234", NOW - timedelta(hours=1), [("greet", 0.3)]),
        ("3003", "antiga demais", NOW - timedelta(days=95), [("faq", 0.5)]),
    ]
    with unit_of_work(db.session_factory(engine)) as session:
        for conversation, text, at, ranking in kept:
            review.keep_unanswered(session, conversation, "telegram", text, ranking, at, 365)
    return engine.url.render_as_string(hide_password=False)


def test_unanswered_messages_are_grouped_and_masked(url: str) -> None:
    result = run(url, "report", "unanswered", "--from", "2030-03-01", "--to", "2030-06-30")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(run(url, *_csv_args()).stdout)))
    assert rows[0] == COLUMNS
    assert [(r[0], r[1], r[4], r[5]) for r in rows[1:]] == [
        ("quem ganhou a copa de 2002?", "2", "faq", "0.3"),
        ("me liga no [telefone]", "1", "greet", "0.3"),
    ]
    assert "99999" not in result.stdout


def _csv_args() -> list[str]:
    return ["report", "unanswered", "--from", "2030-03-01", "--to", "2030-06-30", "--format", "csv"]


def test_the_report_drops_what_outlived_the_retention(url: str) -> None:
    """The message kept 95 days ago is past the shipped 90-day retention: gone for good."""
    data = json.loads(run(url, *_csv_args()[:-2], "--format", "json").stdout)
    assert [row["text"] for row in data] == ["quem ganhou a copa de 2002?", "me liga no [telefone]"]
    earlier = run(url, "report", "unanswered", "--from", "2030-01-01", "--to", "2030-04-30")
    assert "antiga demais" not in earlier.stdout and "(nenhuma linha)" in earlier.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("report", "usage", "--month", "2030-06"),
        ("report", "usage", "--month", "junho"),
        ("report", "unanswered", "--from", "2030-06-30", "--to", "2030-06-01"),
        ("report", "unanswered", "--from", "ontem", "--to", "2030-06-01"),
    ],
)
def test_bad_review_report_arguments_exit_2_in_portuguese(url: str, args: tuple[str, ...]) -> None:
    result = run(url, *args)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("consultoria: ") and "Traceback" not in result.stderr

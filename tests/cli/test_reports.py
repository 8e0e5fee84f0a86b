"""Contract tests of `consultoria report` and `consultoria terms`, run as a real subprocess on a
database seeded through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from actions.terms import current_term
from consultoria import db, runtime
from consultoria.db import Person, TermVersion, unit_of_work
from consultoria.services.actors import Customer
from consultoria.services.people import remember_person
from consultoria.services.terms import record_answer
from consultoria.settings import Settings
from consultoria.tariff import Modality
from tests.support.processes import CONSOLE_SCRIPT, finished
from tests.support.reports import seed_june_2030, sp
from tests.support.terms import answer

SP = ZoneInfo("America/Sao_Paulo")
PLANTAO_COLUMNS = [
    "reference",
    "bill_to",
    "customer",
    "start",
    "end",
    "state",
    "minutes_per_specialist",
    "specialists",
    "amount",
    "price_effective",
    "term_version",
]
ACCEPTANCE_COLUMNS = [
    "time",
    "person",
    "user_id",
    "channel",
    "role",
    "unit",
    "modality",
    "term_version",
    "sha256",
    "decision",
    "subject",
]


@dataclass
class Seeded:
    """Who and what the seeded database holds, by the names the tests use."""

    url: str
    refs: dict[str, str]
    term: TermVersion
    summary_sha: str


def run(url: str, *args: str, clock: str | None = None) -> subprocess.CompletedProcess[str]:
    """The command on the database at `url`, its clock started at `clock` if given."""
    env = {**os.environ, "DATABASE_URL": url}
    if clock is not None:
        env[runtime.CLOCK_START_ENV] = clock
    return finished([str(CONSOLE_SCRIPT), *args], env)


@pytest.fixture
def seeded(engine: Engine, settings: Settings) -> Seeded:
    factory: sessionmaker[Session] = db.session_factory(engine)
    ctx = runtime.Context(now=sp("2030-05-20T10:00"), settings=settings)
    with unit_of_work(factory) as session:
        db.sync_config_prices(session, settings.prices)
        term, text = current_term(session, ctx, Modality.PLANTAO)
        summary_sha = hashlib.sha256(text.prompt(term).encode("utf-8")).hexdigest()
        refs = seed_june_2030(session, settings, term, summary_sha)
    url = engine.url.render_as_string(hide_password=False)
    return Seeded(url, refs, term, summary_sha)


def _csv(result: subprocess.CompletedProcess[str]) -> list[dict[str, str]]:
    assert result.returncode == 0, result.stderr
    reader = csv.reader(io.StringIO(result.stdout))
    header = next(reader)
    return [dict(zip(header, row, strict=True)) for row in reader]


def test_plantoes_of_a_month_are_the_charged_ones_starting_in_it(seeded: Seeded) -> None:
    result = run(seeded.url, "report", "plantoes", "--month", "2030-06", "--format", "csv")
    assert result.stdout.splitlines()[0] == ",".join(PLANTAO_COLUMNS)
    rows = {row["reference"]: row for row in _csv(result)}
    refs = seeded.refs
    # Free cancellations, expiries, a plantão still running and one starting in May (São Paulo
    # time, although June in UTC) are left out; one starting on June 30th late is in.
    assert set(rows) == {refs["full"], refs["early"], refs["late_cancel"], refs["june_last"]}
    assert rows[refs["full"]] == {
        "reference": refs["full"],
        "bill_to": "Ana Cliente",
        "customer": "Ana Cliente",
        "start": "2030-06-01T08:00:00-03:00",
        "end": "2030-06-01T18:00:00-03:00",
        "state": "completed",
        "minutes_per_specialist": "600",
        "specialists": "1",
        "amount": "2400.00",
        "price_effective": "2026-01-01",
        "term_version": "1",
    }
    early = rows[refs["early"]]
    assert (early["bill_to"], early["customer"], early["state"]) == (
        "Unidade Campinas",
        "Bia Consultora",
        "ended_early",
    )
    assert (early["minutes_per_specialist"], early["specialists"], early["amount"]) == (
        "240",
        "2",
        "1920.00",
    )
    late = rows[refs["late_cancel"]]
    assert (late["state"], late["minutes_per_specialist"], late["amount"]) == (
        "cancelled",
        "240",
        "960.00",
    )
    # Booked under the Term Ana had accepted for an earlier booking.
    assert late["term_version"] == "1"
    assert rows[refs["june_last"]]["start"] == "2030-06-30T23:00:00-03:00"
    assert list(rows) == [refs["full"], refs["early"], refs["late_cancel"], refs["june_last"]]


def test_a_plantao_whose_window_ended_unseen_is_completed_and_reported(seeded: Seeded) -> None:
    """Nobody read the plantões since the last one ended: the report brings time up to now."""
    before = _csv(run(seeded.url, "report", "plantoes", "--month", "2030-06", "--format", "csv"))
    assert seeded.refs["running"] not in {row["reference"] for row in before}
    later = run(
        seeded.url,
        "report",
        "plantoes",
        "--month",
        "2030-06",
        "--format",
        "csv",
        clock="2030-07-02T10:00:00-03:00",
    )
    rows = {row["reference"]: row for row in _csv(later)}
    running = rows[seeded.refs["running"]]
    assert (running["state"], running["minutes_per_specialist"], running["amount"]) == (
        "completed",
        "600",
        "2400.00",
    )
    assert running["start"] == "2030-06-30T20:00:00-03:00"


def test_plantoes_report_as_json_and_table(seeded: Seeded) -> None:
    result = run(seeded.url, "report", "plantoes", "--month", "2030-05", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [list(row) for row in data] == [PLANTAO_COLUMNS]
    assert data[0]["reference"] == seeded.refs["may_eve"]
    assert (data[0]["amount"], data[0]["minutes_per_specialist"]) == ("960.00", 240)
    assert data[0]["term_version"] == 1
    table = run(seeded.url, "report", "plantoes", "--month", "2030-06")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == PLANTAO_COLUMNS
    assert len(lines) == 2 + 4
    assert "Unidade Campinas" in table.stdout and "1920.00" in table.stdout
    empty = run(seeded.url, "report", "plantoes", "--month", "2031-01", "--format", "csv")
    assert empty.stdout == ",".join(PLANTAO_COLUMNS) + "\n"


def _today_sp() -> date:
    return datetime.now(SP).date()


def test_acceptances_report_lists_answers_with_what_they_were_for(
    seeded: Seeded, engine: Engine
) -> None:
    with unit_of_work(db.session_factory(engine)) as session:
        carlos = remember_person(session, "telegram", "3003", "Carlos", role="customer", unit=None)
        record_answer(
            session,
            Customer(carlos, "telegram"),
            term=session.get_one(TermVersion, seeded.term.id),
            accepted=False,
            shown_sha256=seeded.term.sha256,
            price_version_id=None,
            quote=None,
            message_id="77",
        )
    day = _today_sp()
    result = run(
        seeded.url,
        "report",
        "acceptances",
        "--from",
        (day - timedelta(days=1)).isoformat(),
        "--to",
        (day + timedelta(days=1)).isoformat(),
        "--format",
        "csv",
    )
    assert result.stdout.splitlines()[0] == ",".join(ACCEPTANCE_COLUMNS)
    rows = _csv(result)
    assert [(r["person"], r["decision"], r["subject"]) for r in rows] == [
        ("Ana Cliente", "accepted", ""),  # recorded before answers named their plantão
        ("Ana Cliente", "accepted", seeded.refs["full"]),
        ("Bia Consultora", "accepted", seeded.refs["early"]),
        ("Carlos", "refused", ""),
    ]
    assert [r["term_version"] for r in rows] == ["9", "1", "1", "1"]
    bia = rows[2]
    assert (bia["channel"], bia["user_id"], bia["role"], bia["unit"]) == (
        "rest",
        "bia",
        "consultant",
        "Unidade Campinas",
    )
    assert (bia["modality"], bia["term_version"], bia["sha256"]) == (
        "plantao",
        "1",
        seeded.summary_sha,
    )
    assert datetime.fromisoformat(bia["time"]).utcoffset() == timedelta(0)


def test_acceptances_between_days_of_sao_paulo(seeded: Seeded, engine: Engine) -> None:
    """A day is a São Paulo day: 23:59 on May 31st there is already June 1st in UTC."""
    with unit_of_work(db.session_factory(engine)) as session:
        ana = session.get_one(Person, 1)
        for minute, utc in enumerate(("2030-06-01T02:59:00", "2030-06-01T03:00:00")):
            moment = datetime.fromisoformat(utc).replace(tzinfo=timezone.utc)
            term = session.get_one(TermVersion, seeded.term.id)
            session.add(answer(ana.id, term, message_id=str(minute), created_at=moment))
    june = run(
        seeded.url,
        "report",
        "acceptances",
        "--from",
        "2030-06-01",
        "--to",
        "2030-06-30",
        "--format",
        "json",
    )
    assert june.returncode == 0, june.stderr
    assert [row["time"] for row in json.loads(june.stdout)] == ["2030-06-01T03:00:00+00:00"]
    may = run(
        seeded.url,
        "report",
        "acceptances",
        "--from",
        "2030-05-31",
        "--to",
        "2030-05-31",
        "--format",
        "json",
    )
    assert [row["time"] for row in json.loads(may.stdout)] == ["2030-06-01T02:59:00+00:00"]


def test_terms_show_prints_the_exact_text_an_acceptance_hashed(seeded: Seeded) -> None:
    summary = run(
        seeded.url,
        "terms",
        "show",
        "--version",
        "1",
        "--modality",
        "plantao",
        "--sha256",
        seeded.summary_sha,
    )
    assert summary.returncode == 0, summary.stderr
    recomputed = hashlib.sha256(summary.stdout.encode("utf-8")).hexdigest()
    assert recomputed == seeded.summary_sha
    assert summary.stdout.startswith(f"{seeded.term.title} (versão 1)")
    full = run(seeded.url, "terms", "show", "--version", "1", "--modality", "plantao")
    assert hashlib.sha256(full.stdout.encode("utf-8")).hexdigest() == seeded.term.sha256
    assert "Cláusulas" in full.stdout and "R$ 4,00" in full.stdout
    listing = run(seeded.url, "terms", "list")
    assert seeded.summary_sha in listing.stdout and seeded.term.sha256 in listing.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("report", "plantoes"),
        ("report", "plantoes", "--month", "2030-13"),
        ("report", "plantoes", "--month", "junho"),
        ("report", "plantoes", "--month", "2030-06-01"),
        ("report", "plantoes", "--month", "2030-06", "--format", "xlsx"),
        ("report", "acceptances", "--from", "2030-06-01"),
        ("report", "acceptances", "--from", "2030-06-31", "--to", "2030-07-01"),
        ("report", "acceptances", "--from", "2030-06-10", "--to", "2030-06-01"),
        ("report", "vendas"),
        ("terms", "show", "--version", "0"),
        ("terms", "show", "--version", "99", "--modality", "plantao"),
        ("terms", "show", "--version", "1", "--modality", "plantao", "--sha256", "abc"),
        ("terms", "show", "--version", "1", "--modality", "suporte"),
    ],
)
def test_bad_report_arguments_exit_2_in_portuguese(seeded: Seeded, args: tuple[str, ...]) -> None:
    result = run(seeded.url, *args)
    assert result.returncode == 2, result.stdout
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("consultoria: "), result.stderr
    assert "Traceback" not in result.stderr
    assert not any(word in lines[0] for word in ("error", "required", "invalid", "argument "))

"""Contract tests of the `consultoria` console script, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.support.processes import CONSOLE_SCRIPT, finished


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return finished([str(CONSOLE_SCRIPT), *args], env)


def quote_json(env: dict[str, str], *args: str) -> dict[str, object]:
    result = run(env, "quote", *args, "--json")
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def readjust(
    env: dict[str, str], modality: str, *figures: str, effective: str
) -> subprocess.CompletedProcess[str]:
    """`prices readjust` of `modality` from `effective` by the IGP-M `figures` (with their flag)."""
    return run(
        env, "prices", "readjust", "--modality", modality, *figures, "--effective", effective
    )


SATURDAY = ("--start", "2027-03-06T08:00", "--end", "2027-03-06T18:00")


@pytest.mark.parametrize(
    ("ended_at", "minutes", "amount"),
    [
        (None, 600, "2400.00"),
        ("2027-03-06T13:00", 300, "1200.00"),
        ("2027-03-06T10:00", 240, "960.00"),
    ],
)
def test_plantao_worked_example(
    env: dict[str, str], ended_at: str | None, minutes: int, amount: str
) -> None:
    extra = ("--ended-at", ended_at) if ended_at else ()
    data = quote_json(env, "plantao", *SATURDAY, *extra)
    assert data["billed_minutes"] == minutes
    assert data["amount"] == amount
    assert data["price_per_minute"] == "4.00"
    assert data["currency"] == "BRL"
    assert data["specialists"] == 1
    assert data["waived"] is False
    assert isinstance(data["lines"], list) and all(isinstance(x, str) for x in data["lines"])
    assert data["days"] == [
        {
            "date": "2027-03-06",
            "scheduled_minutes": 600,
            "worked_minutes": {600: 600, 300: 300, 240: 120}[minutes],
            "minimum_minutes": 240,
            "billed_minutes": minutes,
        }
    ]


def test_plantao_cancellation_and_offsets(env: dict[str, str]) -> None:
    late = quote_json(env, "plantao", *SATURDAY, "--ended-at", "2027-03-05T20:00-03:00")
    assert (late["billed_minutes"], late["amount"], late["outcome"]) == (240, "960.00", "cancelled")
    early = quote_json(env, "plantao", *SATURDAY, "--ended-at", "2027-03-04T11:00Z")
    assert (early["billed_minutes"], early["amount"]) == (0, "0.00")
    assert early["outcome"] == "cancelled_free"


def test_plantao_specialists_multiply_amount(env: dict[str, str]) -> None:
    data = quote_json(
        env, "plantao", *SATURDAY, "--ended-at", "2027-03-06T10:00", "--specialists", "3"
    )
    assert (data["billed_minutes"], data["specialists"], data["amount"]) == (240, 3, "2880.00")
    assert (data["minutes_per_specialist"], data["charged_minutes"]) == (240, 720)


def test_telefonica_minimum_specialists_and_hour_bank(env: dict[str, str]) -> None:
    short = quote_json(env, "telefonica", "--minutes", "4", "--date", "2027-02-01")
    assert (short["billed_minutes"], short["amount"]) == (10, "40.00")
    bank = quote_json(
        env, "telefonica", "--minutes", "45", "--specialists", "2", "--hour-bank-minutes", "60"
    )
    assert (bank["billed_minutes"], bank["specialists"], bank["amount"]) == (45, 2, "120.00")
    assert bank["hour_bank"] == {"used_minutes": 60, "remaining_minutes": 0}
    assert bank["charged_minutes"] == 30


def test_suporte_waiver_and_bill_to(env: dict[str, str]) -> None:
    waived = quote_json(env, "suporte", "--minutes", "30", "--inconsistency", "new")
    assert (waived["waived"], waived["amount"], waived["billed_minutes"]) == (True, "0.00", 30)
    charged = quote_json(
        env,
        "suporte",
        "--minutes",
        "5",
        "--inconsistency",
        "published",
        "--requested-by",
        "consultant",
    )
    # The shipped table leaves this rate "as in the Term": minutes only, no amount.
    assert (charged["billed_minutes"], charged["amount"], charged["price_per_minute"]) == (
        10,
        None,
        None,
    )
    assert charged["bill_to"] == "consultant_unit"


def test_tecnica_quotes_minutes_with_unset_rate(env: dict[str, str]) -> None:
    data = quote_json(env, "tecnica", "--minutes", "90")
    assert (data["billed_minutes"], data["amount"], data["waived"]) == (90, None, False)


def test_readable_output_is_portuguese(env: dict[str, str]) -> None:
    result = run(env, "quote", "plantao", *SATURDAY, "--ended-at", "2027-03-06T10:00")
    assert result.returncode == 0
    assert "R$ 960,00" in result.stdout
    assert "mínimo do dia 240 min" in result.stdout


def test_readjustment_adds_a_version_and_keeps_history(env: dict[str, str]) -> None:
    result = readjust(env, "telefonica", "--igpm", "3,75", effective="2027-01-01")
    assert result.returncode == 0, result.stderr
    assert "R$ 4,15" in result.stdout
    before = quote_json(env, "telefonica", "--minutes", "10", "--date", "2026-12-31")
    after = quote_json(env, "telefonica", "--minutes", "10", "--date", "2027-01-01")
    assert (before["amount"], after["amount"]) == ("40.00", "41.50")
    listing = run(env, "prices", "list")
    assert "R$ 4,00/min" in listing.stdout and "R$ 4,15/min" in listing.stdout
    again = readjust(env, "telefonica", "--igpm", "2", effective="2027-06-01")
    assert again.returncode == 2
    assert "12 meses" in again.stderr


def test_readjustment_from_monthly_figures(env: dict[str, str]) -> None:
    monthly = ["0.5"] * 12  # (1.005^12 − 1) = 6.1678% → 4.00 × 1.061678 = 4.2467 → 4.25
    result = readjust(env, "plantao", "--igpm-monthly", *monthly, effective="2027-01-01")
    assert result.returncode == 0, result.stderr
    assert "R$ 4,25/min" in result.stdout


def test_db_upgrade_is_idempotent(env: dict[str, str]) -> None:
    for _ in range(2):
        result = run(env, "db", "upgrade")
        assert result.returncode == 0, result.stderr
        assert "Banco de dados atualizado" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("quote", "telefonica"),
        ("quote", "telefonica", "--minutes", "abc"),
        ("quote", "telefonica", "--minutes", "-5"),
        ("quote", "telefonica", "--minutes", "10", "--specialists", "9"),
        ("quote", "suporte", "--minutes", "10", "--inconsistency", "talvez"),
        ("quote", "plantao", "--start", "ontem", "--end", "2027-03-06T18:00"),
        ("quote", "plantao", "--start", "2027-03-06T18:00", "--end", "2027-03-06T08:00"),
        ("quote", "plantao", "--start", "2027-03-01T08:00", "--end", "2027-03-12T08:00"),
        ("quote", "voo"),
        ("prices", "readjust", "--modality", "suporte", "--igpm", "3", "--effective", "2027-01-01"),
        ("prices", "readjust", "--modality", "plantao", "--igpm", "x", "--effective", "2027-01-01"),
        (
            "prices",
            "readjust",
            "--modality",
            "plantao",
            "--igpm-monthly",
            "1",
            "2",
            "--effective",
            "2027-01-01",
        ),
        ("--bogus",),
        (),
    ],
)
def test_bad_arguments_exit_2_with_one_portuguese_line(
    env: dict[str, str], args: tuple[str, ...]
) -> None:
    result = run(env, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("consultoria: ")
    assert not any(word in lines[0] for word in ("error", "required", "invalid", "argument "))


def test_help_is_portuguese(env: dict[str, str]) -> None:
    result = run(env, "quote", "plantao", "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("uso: ")
    assert "opções" in result.stdout


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    result = run(env, "prices", "list")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "banco de dados" in result.stderr


def test_invalid_config_names_the_key(env: dict[str, str], tmp_path: Path) -> None:
    config = tmp_path / "bad.yml"
    text = (Path(__file__).parents[2] / "consultoria.yml").read_text(encoding="utf-8")
    config.write_text(text.replace("minimum_minutes: 10", "minimum_minutes: -1"), encoding="utf-8")
    result = run({**env, "CONSULTORIA_CONFIG": str(config)}, "prices", "list")
    assert result.returncode == 2
    assert "minimum_minutes" in result.stderr

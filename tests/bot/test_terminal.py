"""`python -m bot` without a token: the terminal chat over the same bridge, customer or staff."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.rasa import Attachment, Reply
from bot.terminal import render
from consultoria.identity import SECRET_VARIABLE
from tests.faketg.rasa import ScriptedRasa
from tests.stack import ROOT, SIGNING_SECRET
from tests.support.processes import finished


def run_chat(
    rasa_url: str,
    tmp_path: Path,
    stdin: str,
    *args: str,
    staff_id: int | None = None,
    secret: str | None = SIGNING_SECRET,
) -> subprocess.CompletedProcess[str]:
    """The terminal chat as `make run` starts it: with the signing secret unless `secret` is
    None (then none at all, whatever this process's environment holds)."""
    config = ROOT / "consultoria.yml"
    if staff_id is not None:
        text = config.read_text(encoding="utf-8").replace(
            "\nstaff: []\n", f"\nstaff:\n  - {{telegram_user_id: {staff_id}, name: Carla}}\n"
        )
        config = tmp_path / "consultoria.yml"
        config.write_text(text, encoding="utf-8")
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TELEGRAM_") and key != SECRET_VARIABLE
    }
    env = inherited | {
        "RASA_URL": rasa_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'chat.sqlite3'}",
        "CONSULTORIA_CONFIG": str(config),
    }
    if secret is not None:
        env[SECRET_VARIABLE] = secret
    return finished([sys.executable, "-m", "bot", *args], env, stdin)


def test_buttons_are_numbered_and_a_number_picks_one(rasa: ScriptedRasa, tmp_path: Path) -> None:
    done = run_chat(rasa.base_url, tmp_path, "botões\n2\nsair\n")
    assert done.returncode == 0, done.stderr
    assert "bot> Confirma? <sim> & importante" in done.stdout
    assert "[1] Sim" in done.stdout and "[2] Não" in done.stdout
    assert "bot> eco: /deny" in done.stdout
    assert rasa.messages() == ["botões", "/deny"]
    assert rasa.received[0]["sender"].startswith("terminal-")


def test_staff_mode_talks_as_the_first_roster_member(rasa: ScriptedRasa, tmp_path: Path) -> None:
    done = run_chat(rasa.base_url, tmp_path, "plantões de hoje\n", "--staff", staff_id=9001)
    assert done.returncode == 0, done.stderr
    [request] = rasa.received
    assert request["sender"] == "9001"
    assert request["metadata"]["channel"] == "telegram"


def test_staff_mode_without_a_roster_says_what_to_do(rasa: ScriptedRasa, tmp_path: Path) -> None:
    done = run_chat(rasa.base_url, tmp_path, "", "--staff")
    assert done.returncode == 2
    assert "consultoria.yml (chave staff)" in done.stderr
    assert rasa.received == []


def test_rasa_down_is_said_and_the_chat_goes_on(rasa: ScriptedRasa, tmp_path: Path) -> None:
    rasa.stop()
    done = run_chat(rasa.base_url, tmp_path, "oi\n")
    assert done.returncode == 0, done.stderr
    assert "bot> Estou temporariamente indisponível, tente em instantes." in done.stdout


def test_a_file_the_bot_sends_is_saved_under_its_own_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A report's CSV or a calendar file is kept where the person can open it; a name that
    tries to climb out of the folder keeps only its last part."""
    sent = [
        Reply("Relatório de plantões…", attachment=Attachment("plantoes-2030-06.csv", b"a,b\n")),
        Reply("", attachment=Attachment("../../fora.ics", b"BEGIN:VCALENDAR")),
    ]
    assert render(sent, tmp_path) == []
    assert (tmp_path / "plantoes-2030-06.csv").read_bytes() == b"a,b\n"
    assert (tmp_path / "fora.ics").read_bytes() == b"BEGIN:VCALENDAR"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fora.ics", "plantoes-2030-06.csv"]
    printed = capsys.readouterr().out
    assert f"bot> [arquivo salvo em {tmp_path / 'plantoes-2030-06.csv'}]" in printed

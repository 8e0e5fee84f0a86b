"""rasa_runtime refuses to patch a Rasa it was not written for: a different version, or a
function it replaces or reproduces that is missing, renamed or changed. The breakages are
simulated in the Rasa environment (guard_probe.py), and `python -m rasa_runtime` is run on the
real install and on one with a different version."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from tests.scale.cluster import RASA_PYTHON
from tests.stack import ROOT

ENV = os.environ | {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "RASA_TELEMETRY_ENABLED": "false",
}
# `python -m rasa_runtime --version`, with Rasa claiming to be another release.
OTHER_VERSION = (
    "import runpy, rasa; rasa.__version__ = '3.7.0'; "
    "runpy.run_module('rasa_runtime', run_name='__main__', alter_sys=True)"
)
COMMANDS = {
    "probe": ["-m", "tests.runtime.guard_probe"],
    "cli": ["-m", "rasa_runtime", "--version"],
    "cli_other_version": ["-c", OTHER_VERSION, "--version"],
}
PREDICT = "rasa.utils.tensorflow.models.RasaModel._rasa_predict"
# What the refusal says for each breakage of guard_probe.py.
REFUSALS = {
    "import": "cannot import name 'RemoteAction' from 'rasa.core.actions.action'",
    "missing": "rasa.core.actions.action.RemoteAction._validate_action_result is missing",
    "kind": "rasa.shared.core.events.Event.resolve_by_type is a function, expected a staticmethod",
    "renamed": f"{PREDICT} is now rasa.utils.tensorflow.models.RasaModel.predict_step",
    "signature": f"{PREDICT} takes (self, batch_in, training), expected (self, batch_in)",
    "source": f"{PREDICT} has changed: its source has sha256 ",
}


@pytest.fixture(scope="module")
def runs() -> Iterator[dict[str, subprocess.CompletedProcess[str]]]:
    """The three Rasa processes, started together (each spends seconds importing Rasa)."""
    started = {
        name: subprocess.Popen(
            [str(RASA_PYTHON), *args],
            cwd=ROOT,
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, args in COMMANDS.items()
    }
    done = {}
    for name, process in started.items():
        stdout, stderr = process.communicate(timeout=300)
        done[name] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    yield done


@pytest.fixture(scope="module")
def probe(runs: dict[str, subprocess.CompletedProcess[str]]) -> dict[str, Any]:
    run = runs["probe"]
    assert run.returncode == 0, run.stderr[-3000:]
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def test_refuses_another_rasa_version(probe: dict[str, Any]) -> None:
    message = probe["refusals"]["version"]
    assert "written for Rasa 3.6.21" in message
    assert "Rasa 3.7.0 is installed" in message


@pytest.mark.parametrize("scenario", sorted(REFUSALS))
def test_refuses_a_changed_attribute(probe: dict[str, Any], scenario: str) -> None:
    message = probe["refusals"][scenario]
    assert message is not None, f"{scenario}: not refused"
    assert REFUSALS[scenario] in message
    assert "Rasa 3.6.21" in message


def test_names_every_changed_attribute(probe: dict[str, Any]) -> None:
    message = probe["refusals"]["two_problems"]
    assert "RemoteAction._validate_action_result is missing" in message
    assert f"{PREDICT} takes (self, batch_in, training)" in message


def test_a_refusal_patches_nothing_and_the_real_install_is_patched(probe: dict[str, Any]) -> None:
    assert probe["untouched"]
    assert probe["applied"]
    assert probe["patched"]


def test_cli_runs_on_the_installed_rasa(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    run = runs["cli"]
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Rasa Version      :         3.6.21" in run.stdout


def test_cli_refuses_another_rasa_version(
    runs: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    run = runs["cli_other_version"]
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "Rasa Version" not in run.stdout
    last_line = run.stderr.strip().splitlines()[-1]
    assert last_line.startswith("rasa_runtime: refusing to start: ")
    assert "written for Rasa 3.6.21, but Rasa 3.7.0 is installed" in last_line

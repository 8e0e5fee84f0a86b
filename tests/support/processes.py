"""Commands run as real subprocesses, to their end, from the repository root."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from tests.stack import ROOT

# The `consultoria` console script of the environment running the tests.
CONSOLE_SCRIPT = Path(sys.executable).with_name("consultoria")


def finished(
    command: Sequence[str], env: Mapping[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`command` run to its end (a minute at most) with `env` alone and `stdin` as its input;
    its exit code, and its output as text."""
    return subprocess.run(
        list(command),
        cwd=ROOT,
        env=dict(env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

"""Code of the project run in the Rasa environment (.venv-rasa) from the tests: a probe gets its
cases as JSON, its last argument, and prints its answers as JSON on its last line."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

from tests.scale.cluster import RASA_PYTHON
from tests.stack import ROOT


def run_probe(args: list[str], cases: Any) -> Any:
    """What the probe started with `args` (after the Rasa environment's python) answers."""
    quiet = {"TF_CPP_MIN_LOG_LEVEL": "3", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    run = subprocess.run(
        [str(RASA_PYTHON), *args, json.dumps(cases)],
        cwd=ROOT,
        env=os.environ | quiet | {"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])

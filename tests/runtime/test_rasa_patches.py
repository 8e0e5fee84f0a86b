"""rasa_runtime's patches of Rasa 3.6 change no result: each patched path is compared with
Rasa's own, in the Rasa environment. (The TensorFlow prediction path needs a trained model:
the end-to-end tests run every turn through it.)"""

from __future__ import annotations

import json
import os
import subprocess

from tests.scale.cluster import RASA_PYTHON
from tests.stack import ROOT


def test_patched_paths_give_rasas_results() -> None:
    probe = subprocess.run(
        [str(RASA_PYTHON), "-m", "tests.runtime.rasa_probe"],
        cwd=ROOT,
        env=os.environ | {"TF_CPP_MIN_LOG_LEVEL": "3", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    result = json.loads(probe.stdout.strip().splitlines()[-1])
    assert result["event_types"] > 20
    assert result["patched"] == result["rasa"]
    verdicts = result["rasa"]["responses"]
    assert verdicts[:2] == ["valid", "valid"]
    assert all(verdict != "valid" for verdict in verdicts[2:])

"""Train the Rasa model only when its inputs changed: the model file is named by their hash."""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
# The training data, and the NLU component of ours the pipeline names.
INPUTS = ("config.yml", "domain", "data", "nlu", "rasa_runtime/nlu.py")
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
# The Rasa server runs with the project's runtime fixes (rasa_runtime/patches.py).
RASA_SERVER = [str(ROOT / ".venv-rasa" / "bin" / "python"), "-m", "rasa_runtime"]


def fingerprint() -> str:
    digest = hashlib.sha256()
    for name in INPUTS:
        path = ROOT / name
        files = sorted(path.rglob("*.yml")) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def rasa_env() -> dict[str, str]:
    """Quiet, deterministic TensorFlow sized for a 2-core machine."""
    return {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "TF_INTRA_OP_PARALLELISM_THREADS": os.environ.get("TF_INTRA_OP_PARALLELISM_THREADS", "2"),
        "TF_INTER_OP_PARALLELISM_THREADS": os.environ.get("TF_INTER_OP_PARALLELISM_THREADS", "1"),
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "RASA_TELEMETRY_ENABLED": "false",
        # The pipeline names a component of rasa_runtime/, imported from the project's root.
        "PYTHONPATH": str(ROOT),
    }


def ensure_model() -> Path:
    """Path of the model for the current inputs, training it first if needed.

    Concurrent callers (parallel test runs, `make serve` beside `make test`) queue on a file
    lock, so two trainings never fight for the same cores and the second finds the model ready.
    """
    MODELS.mkdir(exist_ok=True)
    with (MODELS / ".train.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _train_if_needed()


def _train_if_needed() -> Path:
    model = MODELS / f"assistente-{fingerprint()}.tar.gz"
    if model.exists():
        print(f">> modelo em dia: {model.relative_to(ROOT)}", flush=True)
        return model
    print(">> treinando o modelo Rasa (dados ou configuração mudaram)...", flush=True)
    started = time.monotonic()
    subprocess.run(
        [
            str(RASA),
            "train",
            "--config",
            "config.yml",
            "--domain",
            "domain",
            "--data",
            "data",
            "nlu",
            "--out",
            str(MODELS),
            "--fixed-model-name",
            model.name.removesuffix(".tar.gz"),
        ],
        cwd=ROOT,
        env=rasa_env(),
        check=True,
    )
    print(
        f">> modelo treinado em {time.monotonic() - started:.0f} s: {model.relative_to(ROOT)}",
        flush=True,
    )
    for old in MODELS.glob("assistente-*.tar.gz"):
        if old != model:
            old.unlink()
    return model


if __name__ == "__main__":
    try:
        ensure_model()
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)

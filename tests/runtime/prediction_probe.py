"""Runs in the Rasa environment (tests/e2e/test_rasa_prediction_patch.py starts it): parses every
held-out NLU example with a trained model, first as Rasa does, then with rasa_runtime's patches,
and writes both parses to a JSON file.

    python -m tests.runtime.prediction_probe MODEL.tar.gz OUT.json tests/nlu/*.yml
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data
from rasa.utils.common import configure_logging_and_warnings
from rasa.utils.log_utils import configure_structlog
from rasa.utils.tensorflow.models import RasaModel

from rasa_runtime import patches

# What the comparison looks at; the rest of a parse (text, tokens) does not come from TensorFlow.
KEYS = ("intent", "intent_ranking", "entities", "response_selector")


def held_out_texts(paths: list[str]) -> list[str]:
    texts: list[str] = []
    for path in paths:
        texts.extend(str(example.get("text")) for example in load_data(path).training_examples)
    return texts


async def parse_all(agent: Agent, texts: list[str]) -> list[dict[str, Any]]:
    parses = []
    for text in texts:
        parsed = await agent.parse_message(text)
        parses.append({key: parsed.get(key) for key in KEYS})
    return parses


def models_on_the_concrete_function() -> int:
    """How many TensorFlow models the patch has made call their concrete function directly."""
    return sum(
        1
        for thing in gc.get_objects()
        if isinstance(thing, RasaModel) and "_concrete_predict" in vars(thing)
    )


def _plain(value: Any) -> Any:
    """NumPy scalars and arrays, should a parse hold any, as JSON numbers and lists."""
    return value.tolist() if hasattr(value, "tolist") else str(value)


def main(model: str, out: str, nlu_paths: list[str]) -> None:
    # As quiet as `rasa run` at its default level: no debug line per parse.
    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    texts = held_out_texts(nlu_paths)
    started = time.perf_counter()
    agent = Agent.load(model)
    loaded = time.perf_counter()
    rasa = asyncio.run(parse_all(agent, texts))
    parsed = time.perf_counter()
    patches.apply()
    patched = asyncio.run(parse_all(agent, texts))
    result = {
        "texts": texts,
        "rasa": rasa,
        "patched": patched,
        "concrete_models": models_on_the_concrete_function(),
        "seconds": {
            "load": loaded - started,
            "rasa": parsed - loaded,
            "patched": time.perf_counter() - parsed,
        },
    }
    Path(out).write_text(json.dumps(result, default=_plain, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])

"""Calibrate the out-of-domain thresholds (issue #15) on tests/ood/calibration.yml, a set kept
apart from the training data and from the out-of-domain evaluation set. Runs in the Rasa
environment with the trained model:

    .venv-rasa/bin/python -m scripts.calibrate_ood models/assistente-<hash>.tar.gz

For each candidate threshold it prints how many in-domain messages would be refused and how many
out-of-domain messages would still get a domain answer: the intent threshold is the
FallbackClassifier's (config.yml), the FAQ threshold the one actions/conversation.py applies to
the ResponseSelector's answer.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import Any

import yaml
from rasa.core.agent import Agent
from rasa.utils.common import configure_logging_and_warnings
from rasa.utils.log_utils import configure_structlog

ROOT = Path(__file__).resolve().parents[1]
CALIBRATION = ROOT / "tests" / "ood" / "calibration.yml"
# Intents that refuse, and small talk: neither is a domain answer nor a refusal of one.
REFUSALS = {"out_of_scope", "other_language", "nlu_fallback"}
SMALL_TALK = {"greet", "thank", "goodbye", "bot_challenge", "help", "affirm", "deny", "stop"}
CANDIDATES = (0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)


def scores(parsed: dict[str, Any]) -> tuple[str, float, float]:
    """(intent, intent confidence, FAQ answer confidence: 1.0 when the intent is not `faq`)."""
    intent = parsed.get("intent") or {}
    name, confidence = str(intent.get("name")), float(intent.get("confidence") or 0)
    selected = (parsed.get("response_selector") or {}).get("faq", {}).get("response", {})
    faq = float(selected.get("confidence") or 0) if name == "faq" else 1.0
    return name, confidence, faq


def refused(score: tuple[str, float, float], intent_min: float, faq_min: float) -> bool:
    name, confidence, faq = score
    return name in REFUSALS or confidence < intent_min or faq < faq_min


def answered(score: tuple[str, float, float], intent_min: float, faq_min: float) -> bool:
    """A domain answer: neither refused nor small talk."""
    return score[0] not in SMALL_TALK and not refused(score, intent_min, faq_min)


async def parse(agent: Agent, texts: list[str]) -> list[tuple[str, float, float]]:
    return [scores(await agent.parse_message(text)) for text in texts]


def report(inside: list[tuple[str, float, float]], outside: list[tuple[str, float, float]]) -> None:
    print("intent>= faq>=  in-domain refused  out-of-domain answered")
    for intent_min in CANDIDATES:
        for faq_min in CANDIDATES:
            refusals = sum(refused(s, intent_min, faq_min) for s in inside)
            leaked = sum(answered(s, intent_min, faq_min) for s in outside)
            print(
                f"{intent_min:7.2f} {faq_min:4.2f}  {refusals:3d}/{len(inside)}"
                f"              {leaked:3d}/{len(outside)}"
            )


def main(model: str) -> None:
    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    sets = yaml.safe_load(CALIBRATION.read_text("utf-8"))
    agent = Agent.load(model)
    inside = asyncio.run(parse(agent, sets["in_domain"]))
    outside = asyncio.run(parse(agent, sets["out_of_domain"]))
    for label, texts, found in (
        ("in", sets["in_domain"], inside),
        ("out", sets["out_of_domain"], outside),
    ):
        for text, (name, confidence, faq) in zip(texts, found, strict=True):
            print(f"{label:3} {name:32} {confidence:.2f} {faq:.2f}  {text}")
    report(inside, outside)


if __name__ == "__main__":
    main(sys.argv[1])

"""Calibrate the out-of-domain thresholds (issue #15) on tests/ood/calibration.yml, a set kept
apart from the training data and from the out-of-domain evaluation set. Runs in the Rasa
environment with the trained model:

    .venv-rasa/bin/python -m scripts.calibrate_ood models/assistente-<hash>.tar.gz

It prints every message's intent, intent confidence and FAQ answer confidence, then, for each
candidate pair of FAQ thresholds of actions/relevance.py (answer whatever the words; answer when
the message names the domain) and each intent threshold (the FallbackClassifier's, config.yml),
how many in-domain messages would be refused and how many out-of-domain ones would still get a
domain answer.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from rasa.core.agent import Agent
from rasa.utils.common import configure_logging_and_warnings
from rasa.utils.log_utils import configure_structlog

from actions.relevance import FaqDecision, faq_decision

ROOT = Path(__file__).resolve().parents[1]
CALIBRATION = ROOT / "tests" / "ood" / "calibration.yml"
# Intents that refuse, and small talk: neither is a domain answer nor a refusal of one.
REFUSALS = {"out_of_scope", "other_language", "nlu_fallback"}
SMALL_TALK = {"greet", "thank", "goodbye", "bot_challenge", "help", "affirm", "deny", "stop"}
INTENT_MINS = (0.5, 0.55, 0.6, 0.7)
FAQ_ANSWER_MINS = (0.5, 0.6, 0.7, 0.8, 0.9)
FAQ_DOMAIN_MINS = (0.1, 0.2, 0.25, 0.3, 0.4)


@dataclass(frozen=True)
class Parse:
    text: str
    intent: str
    confidence: float
    faq: float  # the FAQ answer's confidence; 1.0 when the intent is not `faq`


def refused(parse: Parse, intent_min: float, faq_min: float, domain_min: float) -> bool:
    if parse.intent in REFUSALS or parse.confidence < intent_min:
        return True
    if parse.intent != "faq":
        return False
    return faq_decision(parse.faq, parse.text, faq_min, domain_min) is not FaqDecision.ANSWER


def answered(parse: Parse, intent_min: float, faq_min: float, domain_min: float) -> bool:
    """A domain answer: neither refused nor small talk."""
    return parse.intent not in SMALL_TALK and not refused(parse, intent_min, faq_min, domain_min)


async def parse_all(agent: Agent, texts: list[str]) -> list[Parse]:
    found = []
    for text in texts:
        parsed = await agent.parse_message(text)
        intent = parsed.get("intent") or {}
        name = str(intent.get("name"))
        selected = (parsed.get("response_selector") or {}).get("faq", {}).get("response", {})
        faq = float(selected.get("confidence") or 0) if name == "faq" else 1.0
        found.append(Parse(text, name, float(intent.get("confidence") or 0), faq))
    return found


def report(inside: list[Parse], outside: list[Parse]) -> None:
    print("intent>= faq>= domain>=  in-domain refused  out-of-domain answered")
    for intent_min, faq_min, domain_min in itertools.product(
        INTENT_MINS, FAQ_ANSWER_MINS, FAQ_DOMAIN_MINS
    ):
        refusals = sum(refused(p, intent_min, faq_min, domain_min) for p in inside)
        leaks = sum(answered(p, intent_min, faq_min, domain_min) for p in outside)
        print(
            f"{intent_min:8.2f} {faq_min:5.2f} {domain_min:8.2f}  {refusals:8d}/{len(inside)}"
            f"  {leaks:14d}/{len(outside)}"
        )


def main(model: str) -> None:
    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    sets = yaml.safe_load(CALIBRATION.read_text("utf-8"))
    agent = Agent.load(model)
    inside = asyncio.run(parse_all(agent, sets["in_domain"]))
    outside = asyncio.run(parse_all(agent, sets["out_of_domain"]))
    for label, parses in (("in", inside), ("out", outside)):
        for p in parses:
            print(f"{label:3} {p.intent:32} {p.confidence:.2f} {p.faq:.2f}  {p.text}")
    report(inside, outside)


if __name__ == "__main__":
    main(sys.argv[1])

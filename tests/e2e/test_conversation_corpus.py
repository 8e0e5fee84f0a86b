"""Realistic in-domain conversations (tests/conversations/*.yml, never used for training) run end
to end through the REST channel, each file on a stack whose clock starts where the file says: at
least 95% of the conversations must get every reply right, on the words and on the numbers."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from consultoria.runtime import CLOCK_START_ENV
from tests.e2e.rest import Conversation
from tests.stack import ROOT, StackError, running_stack

CORPUS = sorted((ROOT / "tests" / "conversations").glob("*.yml"))
# Issue #15 asks for at least 95%, and so does the gate. Measured 97.4% (224 of 230) with this
# data, 95.2% to 97.4% over the trainings of the last round as the data changed; 90.2% before the
# accent-folding tokenizer, the corrections and the NLU data of issue #15, 78% of the first 150
# before the understanding work. What still fails is listed in results/conversations.json.
REQUIRED_RATE = 0.95


def normalized(text: str) -> str:
    """Lower case, no accents, no markdown emphasis, single spaces: what a reader compares."""
    plain = unicodedata.normalize("NFKD", text.replace("**", ""))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", plain).casefold().strip()


def found(expected: str, reply: str) -> bool:
    return any(normalized(option) in reply for option in expected.split("|"))


@dataclass
class Outcome:
    """One conversation as it went: the first turn that went wrong, if any."""

    turns: list[str] = field(default_factory=list)
    failure: str | None = None


def _payload(replies: list[dict[str, Any]], title: str) -> str | None:
    for reply in replies:
        for button in reply.get("buttons") or []:
            if normalized(str(button.get("title", ""))) == normalized(title):
                return str(button["payload"])
    return None


def run(url: str, turns: list[dict[str, Any]]) -> Outcome:
    talk, outcome = Conversation(url), Outcome()
    replies: list[dict[str, Any]] = []
    try:
        for turn in turns:
            message = str(turn["say"]) if "say" in turn else _payload(replies, turn["press"])
            if message is None:
                outcome.failure = f'no button "{turn["press"]}" to press'
                return outcome
            replies = talk.say(message)
            text = "\n".join(str(r.get("text") or "") for r in replies)
            outcome.turns.append(f"> {message}\n{text}")
            reply = normalized(text)
            missing = [e for e in turn.get("expect", []) if not found(e, reply)]
            present = [a for a in turn.get("absent", []) if found(a, reply)]
            if missing or present:
                outcome.failure = f"missing {missing}, unwanted {present}"
                return outcome
        return outcome
    finally:
        talk.client.close()


def run_file(path: Path) -> list[tuple[str, Outcome]]:
    """Every conversation of one file, on a stack whose clock starts where the file says."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        with running_stack({CLOCK_START_ENV: document["clock"]}) as url:
            return [(c["name"], run(url, c["turns"])) for c in document["conversations"]]
    except StackError as exc:
        pytest.fail(str(exc))


def test_conversations_get_the_right_answers() -> None:
    outcomes = [(f"{path.stem}: {name}", o) for path in CORPUS for name, o in run_file(path)]
    failed = [(name, o) for name, o in outcomes if o.failure]
    rate = 1 - len(failed) / len(outcomes)
    report = ROOT / "results" / "conversations.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    details = [{"name": n, "failure": o.failure, "turns": o.turns} for n, o in failed]
    report.write_text(json.dumps({"rate": rate, "failed": details}, ensure_ascii=False, indent=2))
    summary = f"{len(outcomes) - len(failed)}/{len(outcomes)} conversations right ({rate:.1%})"
    assert rate >= REQUIRED_RATE, (
        summary
        + "\n\n"
        + "\n\n".join(f"[{n}] {o.failure}\n" + "\n".join(o.turns) for n, o in failed)
    )

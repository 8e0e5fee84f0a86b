"""Out-of-domain evaluation (issue #15, SPEC §11): general knowledge, chit-chat, jokes,
compliments and other companies' products get a polite "not my field" or a clarifying question,
never a domain answer nor a form. Each message of tests/ood/out_of_domain.yml (never trained on)
is sent in a fresh conversation through the REST channel; at most 3% may go wrong."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import yaml

from actions.messages.conversation import NOT_SURE
from tests.e2e.rest import Conversation

ROOT = Path(__file__).resolve().parents[2]
EVAL_SET = ROOT / "tests" / "ood" / "out_of_domain.yml"
# Issue #15 asks for at most 3%, and so does the gate. Measured 1.4% (5 of 350) with this data,
# 1.4% to 2.9% over the trainings of the last two rounds as the data changed; 4.3% before the
# out-of-scope examples and the accent-folding tokenizer, 21.1% before the out-of-domain work.
MAX_DOMAIN_RATE = 0.03
# Replies that are not a domain answer: the refusal, the fallback's stages, and small talk.
NON_DOMAIN_RESPONSES = (
    "utter_out_of_scope",
    "utter_ask_rephrase",
    "utter_default",
    "utter_other_language",
    "utter_greet",
    "utter_thank",
    "utter_goodbye",
    "utter_bot_challenge",
    "utter_help",
)
# Two conversations at a time: the stack shares 2 cores with everything else.
PARALLEL = 2


def _response_texts(names: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    for path in sorted((ROOT / "domain").glob("*.yml")):
        responses = (yaml.safe_load(path.read_text("utf-8")) or {}).get("responses") or {}
        for name in names:
            found.update(str(variant["text"]).strip() for variant in responses.get(name, []))
    return found


NON_DOMAIN_TEXTS = _response_texts(NON_DOMAIN_RESPONSES) | {NOT_SURE}


def eval_messages() -> list[tuple[str, str]]:
    """(topic, message) for every message of the evaluation set."""
    topics: dict[str, list[str]] = yaml.safe_load(EVAL_SET.read_text("utf-8"))
    return [(topic, message) for topic, messages in topics.items() for message in messages]


def is_domain_answer(replies: list[dict[str, Any]]) -> bool:
    """Any reply that is not one of the non-domain texts: a modality, a price, a FAQ answer, a
    form's question or a quote."""
    return any(str(reply.get("text", "")).strip() not in NON_DOMAIN_TEXTS for reply in replies)


def test_the_evaluation_set_is_large_and_varied() -> None:
    messages = eval_messages()
    assert len(messages) >= 300
    assert len({topic for topic, _ in messages}) >= 10
    assert len({message for _, message in messages}) == len(messages)


def test_out_of_domain_messages_get_no_domain_answer(
    new_conversation: Callable[[], Conversation],
) -> None:
    messages = eval_messages()

    def first_reply(message: str) -> list[dict[str, Any]]:
        talk = new_conversation()
        try:
            return talk.say(message)
        finally:
            talk.client.close()

    with ThreadPoolExecutor(PARALLEL) as pool:
        replies = list(pool.map(first_reply, [message for _, message in messages]))
    wrong = [
        f"[{topic}] {message!r} -> {' | '.join(str(r.get('text', ''))[:90] for r in got)}"
        for (topic, message), got in zip(messages, replies, strict=True)
        if is_domain_answer(got)
    ]
    rate = len(wrong) / len(messages)
    # The figure this evaluation exists for: shown with `pytest -s`, and on failure.
    summary = f"out-of-domain messages with a domain answer: {len(wrong)}/{len(messages)}"
    print(f"\n{summary} = {rate:.1%}", *wrong, sep="\n")  # noqa: T201
    assert rate <= MAX_DOMAIN_RATE, (
        f"{len(wrong)} of {len(messages)} ({rate:.1%}, at most {MAX_DOMAIN_RATE:.0%}) got a "
        "domain answer:\n" + "\n".join(wrong)
    )

"""Rasa's REST channel, where a message that asks two or three questions gets each one answered
("quanto custa o minuto da telefônica? e o plantão é cobrado se ninguém ligar?").

Rasa classifies a message as one intent, so a second question was silently dropped. The channel
splits the message at its question marks and, when every part on its own is a question the
assistant answers (a FAQ, a price, a quote, the hour bank, the person's requests, the team's
contacts) and no two parts ask the same thing, hands the parts to Rasa one after the other,
in the order asked: the replies come back together, as for one message. Anything else (a
greeting before the question, a part that is not understood on its own, an answer to a form)
is handled as one message, as before; when that message asked several such questions and got
the answer to one, the reply ends by asking for the other on its own.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, Sanic

# Intents that answer a question and leave no question of their own open for the next part.
ANSWERS = frozenset(
    {
        "faq",
        "ask_price",
        "ask_quote",
        "hour_bank_balance",
        "list_plantoes",
        "list_my_requests",
        "human_handoff",
    }
)
# A detail that refines the quote a part before it asked for ("e no domingo?").
FOLLOW_UPS = frozenset({"inform"})
# How sure the classifiers must be of a part to answer it on its own: a part read alone loses
# what the message around it said ("e se ninguém ligar, pago igual?" no longer names the
# plantão), so a guess would answer the wrong question or refuse it. The FAQ bar is the one
# action_answer_faq answers without a domain word at (actions/relevance.py, FAQ_ANSWER_MIN).
INTENT_SURE = 0.8
FAQ_SURE = 0.7
MAX_QUESTIONS = 3
# Sent after the replies to a message of several questions answered as one (domain/core.yml).
ONE_OF_SEVERAL_ANSWERED = "utter_one_of_several_answered"
# A part shorter than this ("ok?", "né?") is no question of its own.
MIN_WORDS = 2

_AFTER_QUESTION_MARK = re.compile(r"(?<=\?)(?![?])\s*(?=\S)")


def question_parts(text: str) -> list[str]:
    """The questions of `text`, split after each question mark; `[text]` when there is no more
    than one, when there are more than MAX_QUESTIONS, or when a part is too short to stand
    alone."""
    parts = [part.strip() for part in _AFTER_QUESTION_MARK.split(text.strip()) if part.strip()]
    if not 1 < len(parts) <= MAX_QUESTIONS:
        return [text]
    if any(len(re.findall(r"\w+", part)) < MIN_WORDS for part in parts):
        return [text]
    return parts


def _asked(parsed: dict[str, Any]) -> tuple[str, str]:
    """The intent of a parse, with the FAQ answer it picked (two FAQs can be two questions);
    no intent when the classifiers are not sure enough of the part alone."""
    intent = parsed.get("intent") or {}
    name = str(intent.get("name") or "")
    selected = parsed.get("response_selector", {}).get(name, {}).get("response", {})
    sure = float(intent.get("confidence") or 0.0) >= INTENT_SURE
    if name == "faq":
        sure = sure and float(selected.get("confidence") or 0.0) >= FAQ_SURE
    return (name if sure else ""), str(selected.get("intent_response_key") or "")


def answered_separately(parses: Sequence[dict[str, Any]]) -> bool:
    """Whether the parts, as parsed, are distinct questions the assistant answers one by one:
    the first one answers, each later one answers or refines a quote, and none repeats."""
    asked = [_asked(parsed) for parsed in parses]
    first, *later = (intent for intent, _ in asked)
    if first not in ANSWERS or any(i not in ANSWERS | FOLLOW_UPS for i in later):
        return False
    quoted = first == "ask_quote" or "ask_quote" in later
    if not quoted and any(i in FOLLOW_UPS for i in later):
        return False
    return len(set(asked)) == len(asked)


def one_of_several_answered(whole: dict[str, Any], parses: Sequence[dict[str, Any]]) -> bool:
    """Whether a message handled as one (its parts were not `answered_separately`) asked
    several questions the assistant answers, and is itself read as one of them (not the
    fallback): then the customer is told to send what went unanswered on its own."""
    several = sum(_intent(parsed)[0] in ANSWERS for parsed in parses) > 1
    name, confidence = _intent(whole)
    return several and name in ANSWERS and confidence >= INTENT_SURE


def _intent(parsed: dict[str, Any]) -> tuple[str, float]:
    intent = parsed.get("intent") or {}
    return str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)


class QuestionsRestInput(RestInput):
    """Rasa's REST channel (same name and URL), answering each question of a message."""

    _app: Sanic | None = None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def each_question(message: UserMessage) -> None:
            texts, one_of_several = await self._questions(message.text or "")
            for text in texts:
                await on_new_message(
                    UserMessage(
                        text,
                        message.output_channel,
                        message.sender_id,
                        input_channel=message.input_channel,
                        metadata=message.metadata,
                    )
                )
            if one_of_several and self._app is not None:
                said = self._app.ctx.agent.domain.responses[ONE_OF_SEVERAL_ANSWERED][0]["text"]
                await message.output_channel.send_text_message(message.sender_id, said)

        webhook = super().blueprint(each_question)
        webhook.listener("before_server_start")(self._remember_app)
        return webhook

    async def _remember_app(self, app: Sanic, _: Any) -> None:
        self._app = app

    async def _questions(self, text: str) -> tuple[list[str], bool]:
        """The messages to hand Rasa, and whether the reply must say that only one of several
        questions was answered."""
        parts = question_parts(text)
        agent: Agent | None = getattr(self._app.ctx, "agent", None) if self._app else None
        if len(parts) == 1 or agent is None or not agent.is_ready():
            return [text], False
        parses = [await agent.parse_message(part) for part in parts]
        if answered_separately(parses):
            return parts, False
        return [text], one_of_several_answered(await agent.parse_message(text), parses)

"""The review loop (SPEC §7, §11): messages the assistant did not understand, kept masked for the
maintainers for a configured retention, and the usage figures read from Rasa's SQL tracker
store. The only door to `unanswered_messages`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Engine, MetaData, Table, delete, select
from sqlalchemy.orm import Session

from consultoria.db.models import UnansweredMessage
from consultoria.services.reports import Month
from consultoria.textparse import normalize
from consultoria.textparse.masking import mask_personal_data

# Where Rasa's SQL tracker store is (production: its PostgreSQL database); the action server's
# erasure deletes conversations there too.
TRACKER_STORE_VARIABLE = "TRACKER_STORE_URL"
# How many of the closest intents a kept message records.
RANKING_SIZE = 3
# Rasa's names for a turn it did not understand and for a hand-off to people.
FALLBACK_INTENT = "nlu_fallback"
HANDOFF_ACTION = "action_handoff"


@dataclass(frozen=True)
class UnansweredRow:
    """Messages alike once masked, the columns of `consultoria report unanswered` in order."""

    text: str  # masked, as first written
    count: int
    first_seen: str  # ISO 8601 in UTC
    last_seen: str
    best_guess: str | None  # the intent most often closest, below the confidence to answer
    mean_confidence: float | None


@dataclass(frozen=True)
class UsageRow:
    """A month of conversations, the columns of `consultoria report usage` in order."""

    month: str
    conversations: int
    turns: int
    fallback_rate: float  # share of turns not understood
    handoff_rate: float  # share of conversations handed to people
    top_topics: str  # "intent (count); ..." most asked first


def keep_unanswered(
    session: Session,
    conversation_id: str,
    channel: str,
    text: str,
    ranking: list[tuple[str, float]],
    now: datetime,
    retention_days: int,
) -> UnansweredMessage:
    """Keep a message that was not understood (masked), and drop what outlived the retention."""
    forget_expired(session, now, retention_days)
    closest = ranking[:RANKING_SIZE]
    kept = UnansweredMessage(
        conversation_id=conversation_id,
        channel=channel,
        text=mask_personal_data(text),
        intent=closest[0][0] if closest else None,
        confidence=round(closest[0][1], 4) if closest else None,
        ranking={name: round(confidence, 4) for name, confidence in closest},
        created_at=now,
    )
    session.add(kept)
    return kept


def forget_expired(session: Session, now: datetime, retention_days: int) -> int:
    """Delete the messages kept longer than the retention; how many went."""
    oldest_kept = now - timedelta(days=retention_days)
    result = session.execute(
        delete(UnansweredMessage).where(UnansweredMessage.created_at < oldest_kept)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def forget_conversation(session: Session, conversation_id: str) -> int:
    """Delete a conversation's kept messages, with the person's data (SPEC §7); how many went."""
    result = session.execute(
        delete(UnansweredMessage).where(UnansweredMessage.conversation_id == conversation_id)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _alike(text: str) -> str:
    return re.sub(r"[^\w\[\]]+", " ", normalize(text)).strip()


def unanswered_between(
    session: Session, first: date, last: date, zone: tzinfo
) -> list[UnansweredRow]:
    """Messages kept from day `first` to day `last` (inclusive, in `zone`), alike ones grouped,
    most frequent first."""
    start = datetime.combine(first, time(), zone)
    end = datetime.combine(last + timedelta(days=1), time(), zone)
    kept = session.scalars(
        select(UnansweredMessage)
        .where(UnansweredMessage.created_at >= start, UnansweredMessage.created_at < end)
        .order_by(UnansweredMessage.created_at, UnansweredMessage.id)
    ).all()
    groups: dict[str, list[UnansweredMessage]] = {}
    for message in kept:
        groups.setdefault(_alike(message.text), []).append(message)
    rows = [_group_row(messages) for messages in groups.values()]
    return sorted(rows, key=lambda row: (-row.count, row.first_seen))


def _group_row(messages: list[UnansweredMessage]) -> UnansweredRow:
    guesses = Counter(m.intent for m in messages if m.intent)
    confidences = [m.confidence for m in messages if m.confidence is not None]
    return UnansweredRow(
        text=messages[0].text,
        count=len(messages),
        first_seen=messages[0].created_at.isoformat(),
        last_seen=messages[-1].created_at.isoformat(),
        best_guess=guesses.most_common(1)[0][0] if guesses else None,
        mean_confidence=round(sum(confidences) / len(confidences), 4) if confidences else None,
    )


def usage_of_month(tracker_store: Engine, month: Month, zone: tzinfo, topics: int = 5) -> UsageRow:
    """Conversations, turns, fallback and hand-off rates and the most asked topics of a month,
    from the `events` table of Rasa's SQL tracker store (read only)."""
    events = Table("events", MetaData(), autoload_with=tracker_store)
    start = datetime.combine(month.first_day, time(), zone).timestamp()
    end = datetime.combine(month.next_first_day, time(), zone).timestamp()
    in_month = events.c.timestamp.between(start, end - 1e-6)
    query = select(events.c.sender_id, events.c.type_name, events.c.action_name, events.c.data)
    query = query.order_by(events.c.id)
    with tracker_store.connect() as connection:
        rows = connection.execute(query.where(in_month)).all()
    return _usage(month, rows, topics)


def _topic(data: str) -> str | None:
    """The intent of a user event, with the FAQ question when it was one (e.g. faq/minimo)."""
    parsed = json.loads(data).get("parse_data") or {}
    intent = (parsed.get("intent") or {}).get("name")
    selected = (parsed.get("response_selector") or {}).get(intent or "", {})
    answer = (selected.get("response") or {}).get("intent_response_key")
    return str(answer or intent) if intent else None


def _user_turns(rows: Sequence[Any]) -> list[tuple[str, str | None]]:
    """(conversation, topic) of each user turn, in order. A `rewind` (the two-stage fallback
    taking a clarified message back, to replay it) cancels that conversation's last turn."""
    turns: dict[str, list[str | None]] = {}
    for row in rows:
        if row.type_name == "user":
            turns.setdefault(row.sender_id, []).append(_topic(row.data))
        elif row.type_name == "rewind" and turns.get(row.sender_id):
            turns[row.sender_id].pop()
    return [(sender, topic) for sender, topics in turns.items() for topic in topics]


def _usage(month: Month, rows: Sequence[Any], topics: int) -> UsageRow:
    user_turns = _user_turns(rows)
    conversations = {sender for sender, _ in user_turns}
    handed_off = {r.sender_id for r in rows if r.action_name == HANDOFF_ACTION}
    fallbacks = sum(1 for _, intent in user_turns if intent == FALLBACK_INTENT)
    asked = Counter(intent for _, intent in user_turns if intent and intent != FALLBACK_INTENT)
    return UsageRow(
        month=f"{month.year:04d}-{month.month:02d}",
        conversations=len(conversations),
        turns=len(user_turns),
        fallback_rate=round(fallbacks / len(user_turns), 4) if user_turns else 0.0,
        handoff_rate=round(len(handed_off & conversations) / len(conversations), 4)
        if conversations
        else 0.0,
        top_topics="; ".join(f"{name} ({count})" for name, count in asked.most_common(topics)),
    )

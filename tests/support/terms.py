"""Term versions and answers written as rows, bypassing the services: as older revisions stored
them, at a chosen time, or to seed the audit tables."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy.orm import Session

from consultoria.db import TermAcceptance, TermVersion

# When the Term versions written here took effect: a Saturday far ahead of any test clock.
EFFECTIVE = datetime(2030, 6, 1, 11, 0, tzinfo=timezone.utc)


def term_version(session: Session, version: int = 1, text: str = "Termo") -> TermVersion:
    """A Plantão Term version, flushed so it has its id."""
    term = TermVersion(
        modality="plantao", version=version, title="Plantão", text=text, effective_at=EFFECTIVE
    )
    session.add(term)
    session.flush()
    return term


def answer(person_id: int, term: TermVersion, **fields: Any) -> TermAcceptance:
    """An acceptance of exactly `term`'s text from Telegram, unless `fields` say otherwise."""
    values: dict[str, Any] = {
        "role": "customer",
        "modality": term.modality,
        "term_version_id": term.id,
        "text_sha256": term.sha256,
        "accepted": True,
        "channel": "telegram",
        **fields,
    }
    return TermAcceptance(person_id=person_id, **values)

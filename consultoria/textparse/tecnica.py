"""What people type about Consultoria Técnica appointments: the appointment's reference
("T-0002", "t2"), the preferred period of the day ("de manhã", "à tarde"), a time of day once
day expressions and references are set aside ("dia 15/03 às 14h"), the slot staff give, and an
answer that declines to estimate ("não sei")."""

from __future__ import annotations

import re
from datetime import date, datetime, time, tzinfo

from ._clock import CLOCK, END_OF_DAY, read_clock
from ._days import find_day, spec_of
from ._text import normalize
from .moments import SAO_PAULO, parse_day

_REF = re.compile(r"\bt\s?-?\s?(\d{1,6})\b")
_PERIOD = re.compile(r"\b(manha|tarde)\b")
_CLOCK = re.compile(CLOCK, re.VERBOSE)
# A bare number is a time only after "às", "das", "pelas"...: "1 consultoria" is no 1h.
_AT = re.compile(r"\b(?:as|a|ao|das|pelas|perto\s+das|volta\s+das|umas|partir\s+das)\s*$")
_WRITTEN_AS_TIME = re.compile(r"[h:]|meio|meia|\bd[ae]\s")
# "não sei", "sei lá", "sem estimativa", "não tenho ideia", "pode pular", "tanto faz".
_UNKNOWN = re.compile(
    r"\b(?:n[ao]o?\s+sei|nsei|sei\s+la|sem\s+(?:estimativa|previsao|ideia)"
    r"|n[ao]o?\s+(?:tenho|faco)\s+(?:ideia|estimativa|previsao|nocao)"
    r"|pul[ae]r?|tanto\s+faz|depende|nenhuma\s+ideia|n[ao]o?\s+da\s+pra\s+saber)\b"
)


def appointment_ref(text: str) -> str | None:
    """The appointment reference "T-0002" in "cancela o T-0002", "t2", "T 2"; None without one."""
    match = _REF.search(normalize(text))
    if match is None or int(match.group(1)) == 0:
        return None
    return f"T-{int(match.group(1)):04d}"


def _without_refs(plain: str) -> str:
    return _REF.sub(" ", plain)


def parse_period(text: str) -> str | None:
    """ "manha" or "tarde" when the text names that part of the day; None otherwise."""
    match = _PERIOD.search(normalize(text))
    return None if match is None else match.group(1)


def _without_days(plain: str) -> str:
    found = find_day(plain)
    while found is not None:
        plain = plain[: found.start()] + " " + plain[found.end() :]
        found = find_day(plain)
    return plain


def parse_time_of_day(text: str) -> time | None:
    """The clock time in "às 14h", "10h30", "15/03 às 9 da manhã", "T-0002 meio-dia": the
    first one outside day expressions and appointment references; None without one."""
    plain = _without_days(_without_refs(normalize(text)))
    for match in _CLOCK.finditer(plain):
        said_as_time = _WRITTEN_AS_TIME.search(match.group()) or _AT.search(plain[: match.start()])
        clock = read_clock(match.group()) if said_as_time else None
        if clock is not None and clock.minutes < END_OF_DAY:
            return time(clock.minutes // 60, clock.minutes % 60)
    return None


def parse_preferred_day(text: str, now: datetime, *, tz: tzinfo = SAO_PAULO) -> date | None:
    """The day in "dia 15 às 14h", "terça de manhã", "amanhã 9h": the day expression itself,
    never a plantão window ("15 às 14h" is the 15th at 14:00 here); None without one."""
    plain = _without_refs(normalize(text))
    found = find_day(plain)
    if found is None:
        return parse_day(plain, now, tz=tz)
    today = now.astimezone(tz).date()
    return spec_of(found).resolve(today, today)


def parse_slot(text: str, now: datetime, *, tz: tzinfo = SAO_PAULO) -> datetime | None:
    """The moment staff give for an appointment's slot: a day and a time ("dia 15/03 às 14h",
    "às 10h de terça", "amanhã 9h"), in `tz`; None unless both are given."""
    day = parse_preferred_day(text, now, tz=tz)
    at = parse_time_of_day(text)
    if day is None or at is None:
        return None
    return datetime.combine(day, at, tzinfo=tz)


def declines_to_estimate(text: str) -> bool:
    """Whether the answer to "how long?" says the person does not know ("não sei", "sei lá")."""
    return _UNKNOWN.search(normalize(text)) is not None

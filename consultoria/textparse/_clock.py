"""Clock times: "8", "8h", "08h00", "8:00", "22hs", "10 e meia", "8 da noite", "meio-dia"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._text import QUANTITY_NOUNS

_CLOCK_NAMED = rf"""(?:
    \b(?P<noon>meio[\s-]?dia)(?P<noon_half>\s+e\s+meia)?\b
  | \b(?P<midnight>meia[\s-]?noite)(?P<midnight_half>\s+e\s+meia)?\b
  | (?<![\d/:.,])(?P<hour>\d{{1,2}})(?![\d]|[/.,]\d)
    (?:[:h](?P<minute>\d{{2}})(?!\d)(?:\s*(?:hs|hrs?|h)(?![a-z]))?
      | \s*(?:hs|hrs?|horas?|h)(?![a-z]))?(?!\s*(?:hs|hrs?|horas?|h)(?![a-z]))
    (?P<half>\s+e\s+meia\b)?
    (?:\s+d[ae]\s+(?P<period>manha|tarde|noite|madrugada)\b)?
    (?!\s*{QUANTITY_NOUNS}\b)
)"""
CLOCK = re.sub(r"\(\?P<\w+>", "(?:", _CLOCK_NAMED)
_CLOCK_RE = re.compile(_CLOCK_NAMED, re.VERBOSE)
END_OF_DAY = 24 * 60


@dataclass(frozen=True)
class Clock:
    """Minutes after midnight (1440 for "24h"), and the period word that qualified the hour."""

    minutes: int
    period: str | None = None


def read_clock(expr: str) -> Clock | None:
    """The Clock of a string CLOCK matched; None for an impossible time ("25h", "18 da manhã")."""
    match = _CLOCK_RE.fullmatch(expr)
    if match is None:
        return None
    found = match.groupdict()
    if found["noon"] or found["midnight"]:
        base = 12 * 60 if found["noon"] else 0
        return Clock(base + (30 if found["noon_half"] or found["midnight_half"] else 0))
    minute = int(found["minute"] or 0) + (30 if found["half"] else 0)
    period = found["period"]
    hour = _in_period(int(found["hour"]), period) if period else int(found["hour"])
    if hour is None or minute > 59 or hour > 24 or (hour == 24 and minute > 0):
        return None
    return Clock(hour * 60 + minute, period)


def _in_period(hour: int, period: str) -> int | None:
    """The 24-hour hour of "8 da noite" (20), "1 da manhã" (1), "12 da noite" (0)."""
    if period in ("manha", "madrugada"):
        return hour if hour <= 12 else None
    if period == "tarde":
        return hour + 12 if hour < 12 else hour if hour <= 18 else None
    if hour == 12:
        return 0
    return hour + 12 if 6 <= hour < 12 else hour

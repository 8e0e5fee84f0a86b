"""Durations, head counts and plantão references typed in chat."""

from __future__ import annotations

import math
import re
from fractions import Fraction

from ._text import PEOPLE_NOUNS, QUANTITY_NOUNS, normalize

_HOURS_UNIT = r"(?:horas?|hrs?|hs|h)(?![a-z])"
_MINUTES_UNIT = r"(?:minutos?|mins?|m)(?![a-z])"
_NUMBER = r"\d+(?:[.,]\d+)?"
# A clock time ("das 8h", "as 10h", "8h as 18h") is not a duration.
_NOT_CLOCK_BEFORE = r"(?<!\bas\s)(?<!\ba\s)(?<!\bdas\s)(?<!\bate\s)(?<!\bentre\s)(?<!\bpartir\s)"
_NOT_RANGE_AFTER = r"(?!\s*(?:as|a|ate|-)\s*\d)"
_DURATION = re.compile(
    rf"""{_NOT_CLOCK_BEFORE}(?<![\d/:.,])(?:
        (?P<half_hour>\bmeia\s+hora\b)
      | (?P<hours>{_NUMBER})\s*{_HOURS_UNIT}
        (?:\s*(?:e\s+)?(?:
            (?P<and_minutes>\d{{1,2}})(?![\d/:])(?:\s*{_MINUTES_UNIT})?(?!\s*{QUANTITY_NOUNS})
          | (?P<and_half>meia)\b
        ))?{_NOT_RANGE_AFTER}
      | (?P<minutes>{_NUMBER})\s*{_MINUTES_UNIT}
      | (?P<clock_h>\d{{1,3}}):(?P<clock_m>[0-5]\d)(?!\d)(?:\s*{_HOURS_UNIT})?{_NOT_RANGE_AFTER}
      | (?P<hour_and_half>\bhora\s+e\s+meia\b)
    )""",
    re.VERBOSE,
)
_FIXED = {"half_hour": 30, "hour_and_half": 90}
_BARE_MINUTES = re.compile(r"\d+")
_COUNT = re.compile(rf"(?<![\d/:.,])(\d+)\s+{PEOPLE_NOUNS}\b")
_BARE_COUNT = re.compile(r"\W*(?:(?:so|somente|apenas)\s+)?(\d+)\W*")
_REF = re.compile(
    rf"\b(?:p|plantao)\s*(?:-|#|n\.?o?\.?|numero)?\s*(\d{{1,6}})\b(?!\s*{QUANTITY_NOUNS}|[.,:/]\d)"
)


def parse_duration_minutes(text: str) -> int | None:
    """Minutes in "45 min", "1h30", "1:30", "uma hora e meia", "1,5 h", "noventa minutos" or a
    bare "90"; a fraction of a minute counts as a whole one. None when there is no duration."""
    plain = normalize(text)
    if _BARE_MINUTES.fullmatch(plain):
        return int(plain)
    match = _DURATION.search(plain)
    if match is None:
        return None
    groups = match.groupdict()
    fixed = next((value for name, value in _FIXED.items() if groups[name]), None)
    if fixed is not None:
        return fixed
    if groups["minutes"]:
        return math.ceil(_fraction(groups["minutes"]))
    if groups["clock_h"]:
        return int(groups["clock_h"]) * 60 + int(groups["clock_m"])
    extra = 30 if groups["and_half"] else int(groups["and_minutes"] or 0)
    return math.ceil(_fraction(groups["hours"]) * 60) + extra if extra < 60 else None


def names_a_duration(text: str) -> bool:
    """Whether `text` is a duration with its unit ("45 min", "meia hora", "1h30"), not a bare
    number ("90", "uma"), which is a duration only as the answer to "quanto tempo?"."""
    return not _BARE_MINUTES.fullmatch(normalize(text)) and parse_duration_minutes(text) is not None


def parse_count(text: str) -> int | None:
    """The number of people in "2 especialistas", "dois analistas", "um consultor", or a bare
    number ("três"). None when no head count is given."""
    plain = normalize(text)
    match = _COUNT.search(plain)
    if match:
        return int(match.group(1))
    bare = _BARE_COUNT.fullmatch(plain)
    return int(bare.group(1)) if bare else None


def parse_ref(text: str) -> str | None:
    """A plantão reference "P-0042" from "P-0042", "p42", "P 42", "plantão 42", "plantão nº 42"."""
    match = _REF.search(normalize(text))
    if match is None or int(match.group(1)) == 0:
        return None
    return f"P-{int(match.group(1)):04d}"


def _fraction(number: str) -> Fraction:
    return Fraction(number.replace(",", "."))


_ORDINALS = {
    "primeiro": 0,
    "primeira": 0,
    "1o": 0,
    "1a": 0,
    "segundo": 1,
    "segunda": 1,
    "2o": 1,
    "2a": 1,
    "terceiro": 2,
    "terceira": 2,
    "3o": 2,
    "3a": 2,
    "quarto": 3,
    "4o": 3,
    "quinto": 4,
    "5o": 4,
    "ultimo": -1,
    "ultima": -1,
    "penultimo": -2,
    "penultima": -2,
}
# "cancela o segundo", "o último da lista", "a 1ª": an article before the ordinal; never a day
# ("dia primeiro", "primeiro de maio") nor a weekday ("a segunda-feira", "na segunda").
_POSITION = re.compile(
    r"\b(?:o|a)\s+(?P<ordinal>" + "|".join(sorted(_ORDINALS, key=len, reverse=True)) + r")"
    r"(?![\w-])(?!\s+(?:de\s+(?:[a-z]+|\d)|feira|dia))"
)
_THIS_ONE = re.compile(r"\b(?:esse|este|ess[ea]\s+ai|isso|ele|ela)\b")
_ORDINAL_MARKS = str.maketrans({"º": "o", "°": "o", "ª": "a"})


def listed_position(text: str, count: int) -> int | None:
    """The index, among `count` items just listed, that `text` points at: "o primeiro", "o
    segundo", "o último", or "esse" when only one was listed; None when it points at none."""
    plain = normalize(text.translate(_ORDINAL_MARKS))
    match = _POSITION.search(plain)
    if match is not None:
        index = _ORDINALS[match.group("ordinal")]
        return index % count if -count <= index < count else None
    if count == 1 and _THIS_ONE.search(plain):
        return 0
    return None

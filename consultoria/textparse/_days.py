"""Day expressions ("amanhã", "próximo sábado", "06/03", "dia 15", "15 de março") and how they
resolve against a calendar."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("janeiro", "jan"),
            ("fevereiro", "fev"),
            ("marco", "mar"),
            ("abril", "abr"),
            ("maio", "mai"),
            ("junho", "jun"),
            ("julho", "jul"),
            ("agosto", "ago"),
            ("setembro", "set"),
            ("outubro", "out"),
            ("novembro", "nov"),
            ("dezembro", "dez"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = {
    "segunda": 0,
    "seg": 0,
    "2a": 0,
    "terca": 1,
    "3a": 1,
    "quarta": 2,
    "4a": 2,
    "quinta": 3,
    "5a": 3,
    "sexta": 4,
    "sex": 4,
    "6a": 4,
    "sabado": 5,
    "sab": 5,
    "domingo": 6,
    "dom": 6,
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY = r"segunda|terca|quarta|quinta|sexta|sabado|domingo|seg|sex|sab|dom|[2-6]a(?=[\s-]*feira)"
_THIS = r"(?:est[ea]|ess[ea]|nest[ea]|ness[ea])\s+"
_NEXT = r"(?:proxim[oa]|prox)\.?\s+"
_DAY_OF_MONTH = r"(?:\d{1,2}|primeiro)"
_NOT_DIGIT_BEFORE = r"(?<![\d/:.,-])"

# Each alternative has its own named groups; DAY is the same pattern without names, to be
# embedded in larger patterns, and read_day() reads what it matched.
_DAY_NAMED = rf"""(?:
    {_NOT_DIGIT_BEFORE}(?P<iso_y>\d{{4}})-(?P<iso_m>\d{{1,2}})-(?P<iso_d>\d{{1,2}})(?!\d)
  | (?:\bdia\s+)?{_NOT_DIGIT_BEFORE}(?P<sep_d>\d{{1,2}})[-.](?P<sep_m>\d{{1,2}})[-.]
    (?P<sep_y>\d{{4}})(?!\d)
  | (?:\bdia\s+)?{_NOT_DIGIT_BEFORE}(?P<num_d>\d{{1,2}})/(?P<num_m>\d{{1,2}})
    (?:/(?P<num_y>\d{{4}}|\d{{2}}))?(?![\d/])
  | (?:\bdia\s+)?(?<![\d/:.,])\b(?P<mon_d>{_DAY_OF_MONTH})o?\s+de\s+(?P<mon_m>{_MONTH})\b
    (?:\s+(?:de\s+)?(?P<mon_y>\d{{4}})(?!\d))?
  | \bdia\s+(?P<dom_d>{_DAY_OF_MONTH})o?\b(?![/:]|\s*(?:h|hs|hrs?|horas?)\b)
  | \b(?P<after_tomorrow>depois\s+de\s+amanha)\b
  | \b(?P<tomorrow>amanha)\b
  | \b(?P<yesterday>ontem)\b
  | \b(?P<today>hoje|hj)\b
  | \b(?:daqui\s+a|em|dentro\s+de)\s+(?P<in_n>\d{{1,3}})\s+(?P<in_unit>dias?|semanas?)\b
  | \b(?:(?P<wd_this>{_THIS})|(?P<wd_next>{_NEXT}))?(?P<wd>{_WEEKDAY})\b(?:[\s-]*feira\b)?
    (?:(?P<wd_after>\s+que\s+vem|\s+seguinte)|(?P<wd_week>\s+da\s+(?:semana\s+que\s+vem|
    proxima\s+semana)))?
  | \b(?:(?P<we_this>{_THIS})|(?P<we_next>{_NEXT}))?(?:fds|fim\s+de\s+semana|final\s+de\s+semana)
    (?P<we_after>\s+que\s+vem)?\b
)"""
DAY = re.sub(r"\(\?P<\w+>", "(?:", _DAY_NAMED)
_DAY_RE = re.compile(_DAY_NAMED, re.VERBOSE)
# A day the message says is not the one meant: "não sábado", "e não no sábado", "não é sábado".
_NEGATED_DAY = re.compile(rf"\b(?:e\s+)?nao\s+(?:e\s+)?(?:(?:n|d)?[oa]s?\s+)?{DAY}", re.VERBOSE)
# How far a bare weekday said of a known day may lie from it, either way: the nearest one.
_NEAREST_SPAN = 3


@dataclass(frozen=True)
class RelativeDay:
    """Days after today: "hoje", "amanhã", "depois de amanhã", "daqui a 3 dias"; "ontem" is
    the day before, so that a booking for it is refused as past rather than misread."""

    offset: int
    rolls = False

    def resolve(self, today: date, ref: date) -> date | None:
        return today + timedelta(days=self.offset)


@dataclass(frozen=True)
class Weekday:
    """A weekday (0 = Monday) counted from ref: skip 0 includes ref, 1 starts after it, 7 means
    the next Monday-to-Sunday week. rolls: a bare name, which may move a week ahead when its
    time has already passed."""

    weekday: int
    skip: int = 0
    rolls: bool = False

    def resolve(self, today: date, ref: date) -> date | None:
        if self.skip == 7:
            return ref + timedelta(days=7 - ref.weekday() + self.weekday)
        return ref + timedelta(days=(self.weekday - ref.weekday() - self.skip) % 7 + self.skip)


@dataclass(frozen=True)
class CalendarDay:
    """A day of the month; a missing month or year means the next such day from ref."""

    day: int
    month: int | None = None
    year: int | None = None
    rolls = False

    def resolve(self, today: date, ref: date) -> date | None:
        """None for an impossible date ("31/02")."""
        if self.month is None:
            months = (ref.month - 1 + n for n in range(13))
            candidates = (_date(ref.year + m // 12, m % 12 + 1, self.day) for m in months)
        elif self.year is None:
            candidates = (_date(ref.year + n, self.month, self.day) for n in range(9))
        else:
            return _date(self.year, self.month, self.day)
        return next((found for found in candidates if found is not None and found >= ref), None)


DaySpec = RelativeDay | Weekday | CalendarDay
_RELATIVE = {"yesterday": -1, "today": 0, "tomorrow": 1, "after_tomorrow": 2}


def of_known_day(plain: str, known: date, today: date) -> str:
    """`plain` (normalized) as said of a window on `known`: the days it negates dropped, and
    each bare weekday written as the date of that weekday nearest `known`, never before `today`
    ("é domingo, não sábado" of Saturday 06/03/2027 says 07/03/2027)."""

    def nearest(match: re.Match[str]) -> str:
        named = match.group("wd")
        modified = any(match.group(g) for g in ("wd_this", "wd_next", "wd_after", "wd_week"))
        if named is None or modified:
            return match.group(0)
        offset = (_WEEKDAYS[named] - known.weekday()) % 7
        day = known + timedelta(days=offset - 7 if offset > _NEAREST_SPAN else offset)
        return f"{day + timedelta(days=7) if day < today else day:%d/%m/%Y}"

    return _DAY_RE.sub(nearest, _NEGATED_DAY.sub(" ", plain))


def find_day(text: str, pos: int = 0) -> re.Match[str] | None:
    """The first day expression in normalised text at or after pos."""
    return _DAY_RE.search(text, pos)


def read_day(expr: str) -> DaySpec | None:
    """The DaySpec of a string DAY matched."""
    match = _DAY_RE.fullmatch(expr)
    return None if match is None else spec_of(match)


def spec_of(match: re.Match[str]) -> DaySpec:
    """The DaySpec of a match of the day pattern."""
    found = {name: value for name, value in match.groupdict().items() if value is not None}
    for kind in ("iso", "sep", "num", "mon", "dom"):
        if f"{kind}_d" in found:
            return _calendar(found[f"{kind}_d"], found.get(f"{kind}_m"), found.get(f"{kind}_y"))
    if "in_n" in found:
        return RelativeDay(int(found["in_n"]) * (7 if found["in_unit"][0] == "s" else 1))
    relative = next((offset for name, offset in _RELATIVE.items() if name in found), None)
    if relative is not None:
        return RelativeDay(relative)
    prefix = "wd" if "wd" in found else "we"
    explicit_next = f"{prefix}_next" in found or f"{prefix}_after" in found
    skip = 7 if "wd_week" in found else int(explicit_next)
    bare = skip == 0 and f"{prefix}_this" not in found
    return Weekday(_WEEKDAYS[found["wd"]] if prefix == "wd" else 5, skip, bare)


def _calendar(day: str, month: str | None, year: str | None) -> CalendarDay:
    return CalendarDay(
        day=1 if day == "primeiro" else int(day),
        month=None if month is None else _MONTHS.get(month) or int(month),
        year=None if year is None else int(year) + (2000 if len(year) == 2 else 0),
    )


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None

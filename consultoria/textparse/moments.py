"""Days, plantão windows and early-end moments in pt-BR chat text, resolved against `now`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import dateparser

from ._clock import CLOCK, END_OF_DAY, Clock, read_clock
from ._days import DAY, find_day, of_known_day, read_day, spec_of
from ._text import normalize

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
# Vague parts of the day, as [start, end) minutes after midnight.
PERIODS: dict[str, tuple[int, int]] = {
    "madrugada": (0, 6 * 60),
    "manha": (6 * 60, 12 * 60),
    "tarde": (12 * 60, 18 * 60),
    "noite": (18 * 60, END_OF_DAY),
    "dia": (0, END_OF_DAY),
}

_DAY_JOIN = r"\s*,?\s*(?:(?:d[aeo]|n[ao])\s+)?"
_START_PREP = r"(?:(?:a\s+)?partir\s+d[ao]s?|desde(?:\s+as?)?|d[aeo]s?|as?)\s+"
_TO = r"(?:ate(?:\s+(?:as?|o))?|as?|ao|-)"
_RANGE = re.compile(
    rf"""(?:(?P<d1>{DAY}){_DAY_JOIN})?
    (?:(?P<entre>entre\s+)|{_START_PREP})?(?<!\d-)(?P<t1>{CLOCK})(?:{_DAY_JOIN}(?P<d2>{DAY}))?
    \s*(?(entre)e|{_TO})\s*
    (?:(?P<d3>{DAY})\s*,?\s*(?:as?\s+)?)?(?P<t2>{CLOCK})(?:{_DAY_JOIN}(?P<d4>{DAY}))?
    (?!\d|[-/.,]\d)""",
    re.VERBOSE,
)
_PERIOD_WORD = r"manha|tarde|noite|madrugada"
_WHOLE_DAY = r"(?:o\s+)?dia\s+(?:todo|inteiro)"
_PERIOD_PREP = r"(?:a|de|da|pela|na|durante\s+a|esta|essa|nesta|nessa)\s+"
_PERIOD = re.compile(
    rf"""(?<!\d\s)(?<!\dh\s)(?<!\dhs\s)(?:
        (?P<pd1>{DAY})\s*,?\s*(?:{_PERIOD_PREP})?(?P<p1>{_PERIOD_WORD}|{_WHOLE_DAY})\b
      | (?:\b{_PERIOD_PREP}(?P<p2>{_PERIOD_WORD})|\b(?P<p3>{_WHOLE_DAY}))\b
        (?:\s+(?:de|do|da)\s+(?P<pd2>{DAY}))?
      | \b(?P<p4>{_PERIOD_WORD})\s+(?:de|do|da)\s+(?P<pd3>{DAY})
    )""",
    re.VERBOSE,
)
_END_KEYWORD = r"\b(?:(?:encerr|termin|finaliz|cancel|interromp)[a-z]*|par(?:ar|ei|ado|ada|e))\b"
# "1h antes" is an offset, not a clock time.
_NOT_OFFSET = r"(?!\s*(?:antes|depois|apos|mais\s+cedo|a\s+mais|a\s+menos)\b)"
_END_CLAUSE = re.compile(
    rf"""{_END_KEYWORD}(?:\s+(?:[^\d\s]+|p-?\d+)){{0,8}}?\s+(?:
        (?P<now>agora)\b
      | (?:(?P<ed1>{DAY}){_DAY_JOIN})?(?:(?:as?|ate|pelas?|por\s+volta\s+d[ao]s?)\s+)?
        (?P<et>{CLOCK}){_NOT_OFFSET}(?:{_DAY_JOIN}(?P<ed2>{DAY}))?(?!\s*(?:as?|ate|-)\s*\d)
    )""",
    re.VERBOSE,
)
_SINGLE_TIME = re.compile(
    rf"""(?P<now>\bagora\b)
    | (?:(?P<ed1>{DAY}){_DAY_JOIN})?(?:(?:as?|ate|pelas?)\s+)?(?P<et>{CLOCK}){_NOT_OFFSET}
      (?:{_DAY_JOIN}(?P<ed2>{DAY}))?""",
    re.VERBOSE,
)
_FALLBACK_HINT = re.compile(r"\b(?:semanas?|mes|meses|ano)\b")
_DATEPARSER_SETTINGS = {"PREFER_DATES_FROM": "future", "RETURN_AS_TIMEZONE_AWARE": False}


@dataclass(frozen=True)
class Window:
    """A plantão window [start, end), aware datetimes in the local zone."""

    start: datetime
    end: datetime


def parse_day(text: str, now: datetime, *, tz: tzinfo = SAO_PAULO) -> date | None:
    """The day a message talks about: "hoje"/"hj", "amanhã", "depois de amanhã", weekdays
    ("sábado", "no sábado", "este domingo", "2ª feira"), "fds"/"fim de semana" (Saturday),
    "06/03/2027", "6/3", "dia 15", "15 de março [de 2027]", "2027-03-06", "daqui a 3 dias".

    A weekday (or the weekend) is its next occurrence, today included; "próximo sábado",
    "sábado que vem" and "próximo fds" exclude today; "sábado da semana que vem" is the one in
    the next Monday-to-Sunday week. A date without year or month is its next occurrence, today
    included. When the text also gives a time range, the day is the start day of parse_window.
    An early-end clause ("encerrar sábado às 10h") is ignored. None for no day or an impossible
    date ("31/02"); dateparser reads what the rules miss ("próxima semana").
    """
    local = _local(now, tz)
    plain = _without_end_clause(normalize(text))
    found = find_day(plain)
    if found is None:
        return _fallback_day(plain, local)
    window = _window(plain, local, tz)
    if window is not None:
        return window.start.date()
    return spec_of(found).resolve(local.date(), local.date())


def said_of_window(text: str, known: Window, now: datetime, *, tz: tzinfo = SAO_PAULO) -> str:
    """What a follow-up or a correction says of the window `known`, ready for parse_day and
    parse_window: "ops, é domingo, não sábado" of Saturday 06/03/2027 reads as 07/03/2027 (a
    bare weekday is the one nearest the known day, and a negated day is not meant)."""
    return of_known_day(normalize(text), known.start.astimezone(tz).date(), _local(now, tz).date())


# How people correct what they said a moment ago: "ops", "na verdade", "errei", "troca pra".
_CORRECTION = re.compile(
    r"^(?:ops+|opa|epa|nao|corrigindo|correcao|perai?|espera|desculpa|foi mal|melhor|ah)\b"
    r"|\b(?:na verdade|errei)\b|\b(?:troca|trocar|muda|mudar|altera|alterar)\s+"
    r"(?:pra|para|o dia|a data|o horario)\b|\b(?:em vez|ao inves|no lugar)\s+d[eo]\b"
)


# When a need falls outside business hours, as said while asking which modality fits: a
# weekend, a holiday, the night ("virada de versão nesse fim de semana", "no feriado", "à noite").
_OFF_HOURS = re.compile(
    r"\b(?:fim|final|fins|finais)\s+de\s+semana\b|\b(?:sabado|domingo|feriado)s?\b"
    r"|\b(?:a|de|pela|durante\s+a|hoje\s+a)\s+noite\b|\bmadrugada\b|\bvirada\s+do\s+ano\b"
    r"|\b(?:fora|depois)\s+do\s+(?:horario|expediente)\b"
)


def names_off_hours(text: str) -> bool:
    """Whether a message places its need outside business hours ("nesse fim de semana")."""
    return _OFF_HOURS.search(normalize(text)) is not None


def corrects(text: str) -> bool:
    """Whether a message corrects something said before ("na verdade é sábado", "ops, é das
    20h", "troca pra domingo")."""
    return _CORRECTION.search(normalize(text)) is not None


def window_said_of(
    text: str, known: Window, now: datetime, *, tz: tzinfo = SAO_PAULO
) -> Window | None:
    """The window a follow-up or a correction of `known` means, `known` filling in what it
    leaves out: "e se for no domingo?" keeps the hours (on the Sunday next to the known day),
    "errei o horário, é das 20h às 2h" keeps the day. None when it names neither."""
    plain = said_of_window(text, known, now, tz=tz)
    start, end = known.start.astimezone(tz), known.end.astimezone(tz)
    if parse_day(plain, now, tz=tz) is None:
        return parse_window(f"{start:%d/%m/%Y} {plain}", now, tz=tz)
    return parse_window(plain, now, tz=tz) or parse_window(
        f"{plain} das {start:%H:%M} às {end:%H:%M}", now, tz=tz
    )


def parse_window(text: str, now: datetime, *, tz: tzinfo = SAO_PAULO) -> Window | None:
    """The window of "sábado das 8 às 18", "06/03/2027 de 08:00 até 18:00", "amanhã das 22h às
    2h", "das 20h de sexta às 2h de sábado", "sexta 20:00 até sábado 02:00", "de 06/03 08:00 a
    07/03 18:00", "entre 8 e 18", "das 8 às 11 da noite" (20:00–23:00), or of a vague period:
    madrugada 00–06, manhã 06–12, tarde 12–18, noite 18–24, "o dia todo" 00–24.

    An end at or before the start, on the same day, is on the next day ("meia-noite" as end is
    the next midnight). A bare weekday whose window would start in the past moves a week ahead;
    without a day the window starts at the next occurrence of its start time (today if still
    ahead, else tomorrow). An early-end clause is not part of the window. None when there is
    no time range, or when a time or date is impossible ("25h", "31/02").
    """
    return _window(_without_end_clause(normalize(text)), _local(now, tz), tz)


def parse_end_time(
    text: str, window: Window, now: datetime, *, tz: tzinfo = SAO_PAULO
) -> datetime | None:
    """The early-end or cancellation moment of "se eu encerrar às 10h", "encerrado às 13:00",
    "terminar 1h da manhã", "cancelar sábado às 7h", "encerrar o P-0042 agora", or of a bare time
    ("10h", "às 13:00"). A time without a day is its first occurrence at or after window.start
    (midnight: strictly after); a weekday or partial date counts from the start day. None when
    there is no such time, or the text is a time range without an end keyword.
    """
    return _resolve_end(text, window, now, tz, _first_after_start)


def parse_staff_end_time(
    text: str, window: Window, now: datetime, *, tz: tzinfo = SAO_PAULO
) -> datetime | None:
    """The end staff give for a booked plantão (SPEC §4): "agora", a time, or a day and a time,
    written as parse_end_time reads them. A time without a day is its most recent occurrence
    not after now that lies after window.start (on the third day of a long plantão, "às 14h" is
    today's or yesterday's 14:00, never the first day's); when none does yet, it is the first
    occurrence after both now and window.start, an end that lies ahead. Whether the moment is
    inside the window is the caller's to check.
    """
    return _resolve_end(text, window, now, tz, _latest_after_start)


# How a time without a day resolves: (minutes after midnight, local now, local start, zone).
BareTime = Callable[[int, datetime, datetime, tzinfo], datetime]


def _resolve_end(
    text: str, window: Window, now: datetime, tz: tzinfo, bare: BareTime
) -> datetime | None:
    local, match = _local(now, tz), _end_match(normalize(text))
    if match is None:
        return None
    if match.group("now"):
        return local
    start = window.start.astimezone(tz)
    if _end_day(match) is not None:
        return _on_named_day(match, local, start, tz)
    minutes = _end_minutes(match)
    return None if minutes is None else bare(minutes, local, start, tz)


def _first_after_start(minutes: int, local: datetime, start: datetime, tz: tzinfo) -> datetime:
    """The first occurrence at or after the start (midnight: strictly after)."""
    moment = _at(start.date(), minutes, tz)
    if moment < start or (moment == start and minutes == 0):
        moment = _at(start.date(), minutes + END_OF_DAY, tz)
    return moment


def _latest_after_start(minutes: int, local: datetime, start: datetime, tz: tzinfo) -> datetime:
    """The most recent occurrence not after now, if after the start; else the first one after
    both now and the start."""
    latest = _at(local.date(), minutes, tz)
    if latest > local:
        latest = _at(local.date() - timedelta(days=1), minutes, tz)
    if latest > start:
        return latest
    after = max(local, start)
    moment = _at(after.date(), minutes, tz)
    return moment if moment > after else _at(after.date() + timedelta(days=1), minutes, tz)


def _end_match(plain: str) -> re.Match[str] | None:
    """The end clause of normalised text, else its single time; None for a bare time range."""
    match = _END_CLAUSE.search(plain)
    if match is not None:
        return match
    return None if _RANGE.search(plain) else _SINGLE_TIME.search(plain)


def _end_minutes(match: re.Match[str]) -> int | None:
    """The end's clock time as minutes after midnight ("24h" is midnight), None if impossible."""
    clock = read_clock(match.group("et"))
    return None if clock is None else clock.minutes % END_OF_DAY


def _end_day(match: re.Match[str]) -> str | None:
    return match.group("ed1") or match.group("ed2")


def _on_named_day(
    match: re.Match[str], local: datetime, start: datetime, tz: tzinfo
) -> datetime | None:
    """An end that names its day, a weekday or partial date counted from the start day; None
    for an impossible day or time."""
    clock, day_expr = read_clock(match.group("et")), _end_day(match)
    day = None if day_expr is None else _resolve(day_expr, local.date(), start.date())
    return None if day is None or clock is None else _at(day, clock.minutes, tz)


def _window(plain: str, now: datetime, tz: tzinfo) -> Window | None:
    """parse_window on normalised text, without an end clause, with a local `now`."""
    match = _RANGE.search(plain)
    if match is not None:
        start_clock, end_clock = read_clock(match.group("t1")), read_clock(match.group("t2"))
        if start_clock is None or end_clock is None:
            return None
        start_expr = match.group("d1") or match.group("d2")
        end_expr = match.group("d3") or match.group("d4")
        if start_expr is None:  # a single day is the start's: "das 20h às 2h de sábado"
            start_expr, end_expr = end_expr, None
        start_minutes, end_minutes = _with_period(start_clock, end_clock).minutes, end_clock.minutes
        span = match.span()
    else:
        period = _PERIOD.search(plain)
        if period is None:
            return None
        name = next(p for p in (period["p1"], period["p2"], period["p3"], period["p4"]) if p)
        start_minutes, end_minutes = PERIODS["dia" if name.endswith(("todo", "inteiro")) else name]
        start_expr, end_expr = period["pd1"] or period["pd2"] or period["pd3"], None
        span = period.span()
    rest = plain[: span[0]] + " " + plain[span[1] :]
    start_day = _start_day(start_expr, rest, start_minutes, now, tz)
    if start_day is None or start_minutes >= END_OF_DAY:
        return None
    start = _at(start_day, start_minutes, tz)
    if end_expr is None:
        end = _at(start_day, end_minutes, tz)
        if end <= start:
            end = _at(start_day, end_minutes + END_OF_DAY, tz)
        return Window(start, end)
    end_day = _resolve(end_expr, now.date(), start_day)
    if end_day is None:
        return None
    end = _at(end_day, end_minutes, tz)
    return Window(start, end) if end > start else None


def _start_day(
    expr: str | None, rest: str, start_minutes: int, now: datetime, tz: tzinfo
) -> date | None:
    """The day of a window starting `start_minutes` after midnight: the day written next to the
    times, else the first one elsewhere in the text (rest), else the next time it comes."""
    today = now.date()
    if expr is not None:
        spec = read_day(expr)
    else:
        found = find_day(rest)
        spec = None if found is None else spec_of(found)
    if spec is None:
        day = _fallback_day(rest, now)
        if day is not None:
            return day
        return today if _at(today, start_minutes, tz) >= now else today + timedelta(days=1)
    day = spec.resolve(today, today)
    if day is not None and spec.rolls and _at(day, start_minutes, tz) < now:
        return day + timedelta(days=7)
    return day


def _resolve(expr: str, today: date, ref: date) -> date | None:
    spec = read_day(expr)
    return None if spec is None else spec.resolve(today, ref)


def _with_period(start: Clock, end: Clock) -> Clock:
    """The start of "das 8 às 11 da noite" takes the end's period (20:00) when that keeps it
    before the end."""
    shifted = start.minutes + 12 * 60
    if end.period in ("tarde", "noite") and start.period is None and start.minutes < 12 * 60:
        return Clock(shifted, end.period) if shifted < end.minutes else start
    return start


def _without_end_clause(plain: str) -> str:
    match = _END_CLAUSE.search(plain)
    return plain if match is None else plain[: match.start()] + " " + plain[match.end() :]


def _fallback_day(plain: str, now: datetime) -> date | None:
    """dateparser's reading of a day the rules do not know ("próxima semana"), not in the past;
    only tried on text that hints at a date, to keep parses fast and predictable."""
    if _FALLBACK_HINT.search(plain) is None:
        return None
    settings = {**_DATEPARSER_SETTINGS, "RELATIVE_BASE": now.replace(tzinfo=None)}
    found = dateparser.parse(plain, languages=["pt"], settings=settings)
    return None if found is None or found.date() < now.date() else found.date()


def _at(day: date, minutes: int, tz: tzinfo) -> datetime:
    """The local wall-clock moment `minutes` after the midnight that starts `day`."""
    return datetime.combine(day, time(), tzinfo=tz) + timedelta(minutes=minutes)


def _local(now: datetime, tz: tzinfo) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(tz)

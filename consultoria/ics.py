"""Calendar files (RFC 5545 iCalendar, with the iTIP methods of RFC 5546) for a booked event:
METHOD:REQUEST when booked, METHOD:CANCEL with the same UID when cancelled (SPEC §9).

Pure: the caller gives the instants, the zone, the texts and the stamp. Times are written in the
event's zone (DTSTART;TZID=...) with a VTIMEZONE describing that zone's offsets over the event,
lines end in CRLF and are folded at 75 octets, and text values are escaped.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

PRODUCT_ID = "-//Assistente de Consultoria//Plantao//PT-BR"
MEDIA_TYPE = "text/calendar"
LINE_OCTETS = 75
CRLF = "\r\n"


class Method(str, enum.Enum):
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


@dataclass(frozen=True)
class CalendarEvent:
    """One event: a stable `uid` across its files, its window and what people read about it."""

    uid: str
    start: datetime  # aware
    end: datetime  # aware, after start
    zone: ZoneInfo
    summary: str
    description: str
    organizer_name: str | None = None  # RFC 5546 wants an organizer; none configured, none
    organizer_email: str | None = None
    location: str | None = None


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped."""
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return escaped.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, never inside a UTF-8 character;
    each continuation starts with a space (RFC 5545 §3.1)."""
    pieces: list[str] = []
    current, size, limit = "", 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            pieces.append(current)
            # The leading space of a continuation counts towards its 75 octets.
            current, size, limit = " ", 1, LINE_OCTETS
        current += char
        size += octets
    pieces.append(current)
    return CRLF.join(pieces)


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y%m%dT%H%M%S")


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _offset(delta: timedelta | None) -> str:
    minutes = int((delta or timedelta(0)).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _first_change(zone: ZoneInfo, before: datetime, after: datetime) -> datetime:
    """The first whole minute in (before, after] with `after`'s offset: zones change offset
    on whole minutes."""
    target = after.astimezone(zone).utcoffset()
    low, high = before, after
    while high - low > timedelta(minutes=1):
        middle = low + timedelta(minutes=(high - low) // timedelta(minutes=1) // 2)
        if middle.astimezone(zone).utcoffset() == target:
            high = middle
        else:
            low = middle
    return high


def _observances(zone: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, bool]]:
    """The moments (UTC) the zone's offset changes between `start` and `end`, with whether the
    new offset is daylight time; the first is the offset in force at `start`."""
    step = start.astimezone(timezone.utc)
    changes = [(step, bool(step.astimezone(zone).dst()))]
    while step < end:
        following = min(step + timedelta(hours=1), end.astimezone(timezone.utc))
        if following.astimezone(zone).utcoffset() != step.astimezone(zone).utcoffset():
            moment = _first_change(zone, step, following)
            changes.append((moment, bool(moment.astimezone(zone).dst())))
        step = following
    return changes


def vtimezone(zone: ZoneInfo, start: datetime, end: datetime) -> list[str]:
    """A VTIMEZONE that gives the right offset for every instant of [start, end]: the offset in
    force at the start (from 1970 on, as far as the file is concerned), then each change."""
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone.key}"]
    previous = start.astimezone(zone).utcoffset()
    for index, (moment, daylight) in enumerate(_observances(zone, start, end)):
        local = moment.astimezone(zone)
        kind = "DAYLIGHT" if daylight else "STANDARD"
        begins = "19700101T000000" if index == 0 else _local(moment, zone)
        lines += [
            f"BEGIN:{kind}",
            f"DTSTART:{begins}",
            f"TZOFFSETFROM:{_offset(previous)}",
            f"TZOFFSETTO:{_offset(local.utcoffset())}",
            f"TZNAME:{local.tzname()}",
            f"END:{kind}",
        ]
        previous = local.utcoffset()
    return [*lines, "END:VTIMEZONE"]


def calendar_file(event: CalendarEvent, method: Method, *, stamp: datetime) -> str:
    """The .ics text of `event`: an invitation (REQUEST) or its cancellation (CANCEL, a higher
    SEQUENCE so calendars replace the invitation they hold)."""
    cancel = method is Method.CANCEL
    zone = event.zone
    body = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{_utc(stamp)}",
        f"SEQUENCE:{1 if cancel else 0}",
        f"DTSTART;TZID={zone.key}:{_local(event.start, zone)}",
        f"DTEND;TZID={zone.key}:{_local(event.end, zone)}",
        f"SUMMARY:{escape_text(event.summary)}",
        f"DESCRIPTION:{escape_text(event.description)}",
        f"STATUS:{'CANCELLED' if cancel else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
    ]
    if event.organizer_email:
        name = _param(event.organizer_name or event.organizer_email)
        body.append(f"ORGANIZER;CN={name}:mailto:{event.organizer_email}")
    if event.location:
        body.append(f"LOCATION:{escape_text(event.location)}")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method.value}",
        *vtimezone(zone, event.start, event.end),
        *body,
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + CRLF for line in lines)


def _param(value: str) -> str:
    """A parameter value: quoted when it holds a character that would end it."""
    cleaned = value.replace('"', "'")
    return f'"{cleaned}"' if any(c in cleaned for c in ":;,") else cleaned

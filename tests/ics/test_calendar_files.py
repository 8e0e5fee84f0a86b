"""consultoria/ics.py: calendar files parsed back with a small RFC 5545 reader of our own."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from consultoria.ics import CalendarEvent, Method, calendar_file, escape_text, fold

SP = ZoneInfo("America/Sao_Paulo")
STAMP = datetime(2030, 5, 20, 13, 0, tzinfo=timezone.utc)
EVENT = CalendarEvent(
    uid="P-0042@assistente-consultoria",
    start=datetime(2030, 6, 1, 11, 0, tzinfo=timezone.utc),
    end=datetime(2030, 6, 1, 21, 0, tzinfo=timezone.utc),
    zone=SP,
    summary="Plantão P-0042 — Consultoria TOTVS",
    description="Virada de versão; folha, estoque e fiscal.\nLigue: (11) 4003-0015\\ramal",
    organizer_name="Consultoria: plantão",
    organizer_email="consultoria@example.com",
)

Property = tuple[str, dict[str, str], str]


def unfold(text: str) -> list[str]:
    """Content lines: a CRLF followed by a space or tab continues the line before."""
    assert "\n" not in text.replace("\r\n", ""), "every line ends in CRLF"
    assert text.endswith("\r\n")
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")[:-1]


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out.append("\n" if following in "nN" else following)
        else:
            out.append(char)
    return "".join(out)


def parse_line(line: str) -> Property:
    head, value = _split_unquoted(line, ":")
    name, *params = head.split(";")
    parsed = dict(p.split("=", 1) for p in params)
    return name, parsed, value


def _split_unquoted(line: str, separator: str) -> tuple[str, str]:
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            return line[:index], line[index + 1 :]
    raise AssertionError(f"no {separator!r} in {line!r}")


def components(text: str) -> dict[str, list[list[Property]]]:
    """Each component's properties by component name (nested ones listed on their own)."""
    found: dict[str, list[list[Property]]] = {}
    stack: list[list[Property]] = []
    for line in unfold(text):
        name, params, value = parse_line(line)
        if name == "BEGIN":
            stack.append([])
            found.setdefault(value, []).append(stack[-1])
        elif name == "END":
            stack.pop()
        else:
            stack[-1].append((name, params, value))
    assert stack == []
    return found


def props(component: list[Property]) -> dict[str, tuple[dict[str, str], str]]:
    return {name: (params, value) for name, params, value in component}


def test_an_invitation_in_the_zone_with_its_vtimezone() -> None:
    text = calendar_file(EVENT, Method.REQUEST, stamp=STAMP)
    parts = components(text)
    calendar = props(parts["VCALENDAR"][0])
    assert calendar["METHOD"][1] == "REQUEST"
    assert calendar["VERSION"][1] == "2.0" and "PRODID" in calendar
    event = props(parts["VEVENT"][0])
    assert event["UID"][1] == "P-0042@assistente-consultoria"
    assert event["DTSTART"] == ({"TZID": "America/Sao_Paulo"}, "20300601T080000")
    assert event["DTEND"] == ({"TZID": "America/Sao_Paulo"}, "20300601T180000")
    assert event["DTSTAMP"][1] == "20300520T130000Z"
    assert (event["SEQUENCE"][1], event["STATUS"][1]) == ("0", "CONFIRMED")
    assert unescape(event["SUMMARY"][1]) == EVENT.summary
    assert unescape(event["DESCRIPTION"][1]) == EVENT.description
    assert event["ORGANIZER"] == (
        {"CN": '"Consultoria: plantão"'},
        "mailto:consultoria@example.com",
    )
    zone = props(parts["VTIMEZONE"][0])
    assert zone["TZID"][1] == "America/Sao_Paulo"
    standard = props(parts["STANDARD"][0])
    assert (standard["TZOFFSETFROM"][1], standard["TZOFFSETTO"][1]) == ("-0300", "-0300")
    assert "DAYLIGHT" not in parts


def test_the_cancellation_keeps_the_uid_and_supersedes_the_invitation() -> None:
    invitation = props(components(calendar_file(EVENT, Method.REQUEST, stamp=STAMP))["VEVENT"][0])
    later = STAMP + timedelta(days=2)
    cancel_text = calendar_file(EVENT, Method.CANCEL, stamp=later)
    parts = components(cancel_text)
    cancellation = props(parts["VEVENT"][0])
    assert props(parts["VCALENDAR"][0])["METHOD"][1] == "CANCEL"
    assert cancellation["UID"] == invitation["UID"]
    assert int(cancellation["SEQUENCE"][1]) > int(invitation["SEQUENCE"][1])
    assert cancellation["STATUS"][1] == "CANCELLED"
    assert cancellation["DTSTART"] == invitation["DTSTART"]


@pytest.mark.parametrize(
    "summary",
    [
        "Plantão " + "ação, coração; " * 12,  # two-octet characters across the fold
        "x" * 74,
        "x" * 200,
        "📅 " * 40,  # four-octet characters
    ],
)
def test_long_lines_are_folded_at_75_octets_and_unfold_to_the_text(summary: str) -> None:
    text = calendar_file(replace(EVENT, summary=summary), Method.REQUEST, stamp=STAMP)
    physical = text.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    text.encode("utf-8").decode("utf-8")  # no character was cut in two
    event = props(components(text)["VEVENT"][0])
    assert unescape(event["SUMMARY"][1]) == summary


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a,b;c", "a\\,b\\;c"),
        ("linha 1\nlinha 2", "linha 1\\nlinha 2"),
        ("c:\\temp", "c:\\\\temp"),
        ("windows\r\nline", "windows\\nline"),
    ],
)
def test_text_values_are_escaped(raw: str, escaped: str) -> None:
    assert escape_text(raw) == escaped


def test_fold_leaves_short_lines_alone() -> None:
    assert fold("UID:P-0001@x") == "UID:P-0001@x"


def test_a_window_across_a_daylight_saving_change_gets_both_observances() -> None:
    """New York springs forward at 02:00 on 2030-03-10: the file states both offsets."""
    new_york = ZoneInfo("America/New_York")
    event = replace(
        EVENT,
        zone=new_york,
        start=datetime(2030, 3, 9, 22, 0, tzinfo=new_york),
        end=datetime(2030, 3, 10, 6, 0, tzinfo=new_york),
    )
    parts = components(calendar_file(event, Method.REQUEST, stamp=STAMP))
    standard, daylight = props(parts["STANDARD"][0]), props(parts["DAYLIGHT"][0])
    assert standard["TZOFFSETTO"][1] == "-0500"
    assert daylight["DTSTART"][1] == "20300310T030000"
    assert (daylight["TZOFFSETFROM"][1], daylight["TZOFFSETTO"][1]) == ("-0500", "-0400")
    vevent = props(parts["VEVENT"][0])
    assert vevent["DTSTART"] == ({"TZID": "America/New_York"}, "20300309T220000")
    assert vevent["DTEND"] == ({"TZID": "America/New_York"}, "20300310T060000")


def test_without_an_organizer_the_line_is_left_out() -> None:
    event = replace(EVENT, organizer_name=None, organizer_email=None)
    parts = components(calendar_file(event, Method.REQUEST, stamp=STAMP))
    assert "ORGANIZER" not in props(parts["VEVENT"][0])

"""Pure pt-BR parsers for what customers type in chat: durations, head counts, days, plantão
windows, early-end moments, plantão references, Support ticket numbers and what staff say of a
ticket's outcome (SPEC §1, §3.3, §5).

Input may be an entity's text or a whole message, with or without accents, in any case.
Nothing here reads the clock: functions that need it take `now`, an aware datetime, and
answer in America/Sao_Paulo (or the `tz` given).
"""

from ._text import normalize
from .moments import (
    PERIODS,
    SAO_PAULO,
    Window,
    corrects,
    names_off_hours,
    parse_day,
    parse_end_time,
    parse_staff_end_time,
    parse_window,
    said_of_window,
    window_said_of,
)
from .quantities import (
    listed_position,
    names_a_duration,
    parse_count,
    parse_duration_minutes,
    parse_ref,
)
from .ticket_outcomes import (
    TICKET_OUTCOMES,
    AmbiguousOutcome,
    TicketOutcome,
    TicketReport,
    parse_ticket_report,
)
from .tickets import TICKET_DIGITS, TicketError, parse_ticket

__all__ = [
    "PERIODS",
    "SAO_PAULO",
    "TICKET_DIGITS",
    "TICKET_OUTCOMES",
    "AmbiguousOutcome",
    "TicketError",
    "TicketOutcome",
    "TicketReport",
    "Window",
    "corrects",
    "listed_position",
    "names_a_duration",
    "names_off_hours",
    "normalize",
    "parse_count",
    "parse_day",
    "parse_duration_minutes",
    "parse_end_time",
    "parse_ref",
    "parse_staff_end_time",
    "parse_ticket",
    "parse_ticket_report",
    "parse_window",
    "said_of_window",
    "window_said_of",
]

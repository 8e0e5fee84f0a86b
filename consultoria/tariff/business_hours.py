"""Whether the team is in business hours at a moment, and when it opens or closes (SPEC §11):
the same weekdays, hours and holidays the plantão rules use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .calendar import WorkCalendar, instant
from .model import CalendarRules

# Far more than any run of closed days (a long holiday weekend), so a misconfigured calendar
# without business weekdays cannot loop forever.
_DAYS_AHEAD = 31


@dataclass(frozen=True)
class BusinessClock:
    """The business-hours situation at `now`: open until `closes_at`, or closed until
    `opens_at` (None only when no business day comes in the next month)."""

    now: datetime
    open_now: bool
    closes_at: datetime | None
    opens_at: datetime | None
    holiday: str | None


def business_clock(rules: CalendarRules, now: datetime) -> BusinessClock:
    """Where `now` falls in business hours, holidays included."""
    cal = WorkCalendar(rules)
    now = cal.localize(now)
    holiday = cal.holiday_name(now.date())
    opens, closes = _hours_of(cal, now.date())
    if opens is not None and closes is not None and opens <= now < closes:
        return BusinessClock(now, True, closes, None, holiday)
    return BusinessClock(now, False, None, _next_opening(cal, now), holiday)


def _hours_of(cal: WorkCalendar, day: date) -> tuple[datetime | None, datetime | None]:
    if day.weekday() not in cal.rules.business_weekdays or cal.holiday_name(day):
        return None, None
    return (
        datetime.combine(day, cal.rules.business_start, tzinfo=cal.tz),
        datetime.combine(day, cal.rules.business_end, tzinfo=cal.tz),
    )


def _next_opening(cal: WorkCalendar, now: datetime) -> datetime | None:
    for ahead in range(_DAYS_AHEAD + 1):
        opens, _ = _hours_of(cal, now.date() + timedelta(days=ahead))
        if opens is not None and instant(opens) > instant(now):
            return opens
    return None


def business_hours_of(rules: CalendarRules, day: date) -> tuple[datetime, datetime] | None:
    """When the team opens and closes on `day`; None on a closed day (weekend, holiday)."""
    opens, closes = _hours_of(WorkCalendar(rules), day)
    return None if opens is None or closes is None else (opens, closes)


def within_business_hours(rules: CalendarRules, start: datetime, end: datetime) -> bool:
    """Whether all of [start, end) falls in the business hours of one business day."""
    cal = WorkCalendar(rules)
    hours = business_hours_of(rules, cal.localize(start).date())
    if hours is None:
        return False
    opens, closes = hours
    return instant(opens) <= instant(start) < instant(end) <= instant(closes)

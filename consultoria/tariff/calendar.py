"""Calendar facts the tariff needs: local days, holidays, daily minimums and business hours."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

import holidays

from .model import CalendarRules, PlantaoRules, TariffError
from .money import ceil_minutes

WEEKDAY_NAMES = ("segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo")
WEEKDAY_ABBREVIATIONS = ("seg.", "ter.", "qua.", "qui.", "sex.", "sáb.", "dom.")


def format_moment(moment: datetime) -> str:
    """`sáb., 06/03/2027 08:00` in the moment's own zone."""
    return f"{WEEKDAY_ABBREVIATIONS[moment.weekday()]}, {moment:%d/%m/%Y %H:%M}"


def instant(moment: datetime) -> datetime:
    """The moment in UTC. Python compares and subtracts two datetimes of the same zone as wall
    clocks, which a daylight-saving change skews; minutes are counted on absolute time."""
    return moment.astimezone(timezone.utc)


def elapsed(since: datetime, until: datetime) -> timedelta:
    """The absolute time from `since` to `until`, whatever daylight saving did in between."""
    return instant(until) - instant(since)


@dataclass(frozen=True)
class DayPart:
    """The part [start, end) of a window that falls on one local calendar day."""

    day: date
    start: datetime
    end: datetime
    window_start: datetime

    def minutes_until(self, moment: datetime) -> int:
        """Whole minutes of this part before `moment`.

        Counted on the window's own minute grid (a partial minute is a whole one), so the days
        of a window add up to the window's minutes even when a minute straddles midnight.
        """
        moment = min(max(instant(moment), instant(self.start)), instant(self.end))
        offset = ceil_minutes(elapsed(self.window_start, self.start))
        return ceil_minutes(elapsed(self.window_start, moment)) - offset

    @property
    def minutes(self) -> int:
        return self.minutes_until(self.end)


@lru_cache(maxsize=64)
def _holidays(country: str, subdivision: str | None, year: int) -> dict[date, str]:
    # holidays builds its table lazily and slowly; a plantão quote must stay well under 1 ms.
    table = holidays.country_holidays(country, subdiv=subdivision, years=year, language="pt_BR")
    return dict(table.items())


class WorkCalendar:
    def __init__(self, rules: CalendarRules) -> None:
        self.rules = rules
        self.tz = rules.timezone

    def localize(self, moment: datetime) -> datetime:
        """Aware datetime in the configured zone; a naive one is read as local time."""
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.tz)
        return moment.astimezone(self.tz)

    def holiday_name(self, day: date) -> str | None:
        if day in self.rules.extra_holidays:
            return "feriado configurado"
        return _holidays(self.rules.holiday_country, self.rules.holiday_subdivision, day.year).get(
            day
        )

    def is_long_day(self, day: date) -> bool:
        """Friday, Saturday, Sunday or holiday: the days of the larger plantão minimum."""
        return day.weekday() >= 4 or self.holiday_name(day) is not None

    def daily_minimum(self, day: date, rules: PlantaoRules) -> int:
        if self.holiday_name(day) is not None:
            return rules.holiday_minimum_minutes
        return rules.daily_minimum_minutes[day.weekday()]

    def split_by_day(self, start: datetime, end: datetime) -> Iterator[DayPart]:
        """Cut [start, end) at local midnights."""
        start, end = self.localize(start), self.localize(end)
        if instant(end) <= instant(start):
            raise TariffError("O fim precisa ser depois do início.")
        cursor = start
        while instant(cursor) < instant(end):
            next_day = cursor.date() + timedelta(days=1)
            midnight = datetime(next_day.year, next_day.month, next_day.day, tzinfo=self.tz)
            part_end = min(end, midnight, key=instant)
            yield DayPart(cursor.date(), cursor, part_end, start)
            cursor = part_end

    def outside_business_time(self, start: datetime, end: datetime) -> timedelta:
        """How much of [start, end) falls outside business hours."""
        total = timedelta(0)
        for part in self.split_by_day(start, end):
            day = part.day
            if day.weekday() not in self.rules.business_weekdays or self.holiday_name(day):
                total += elapsed(part.start, part.end)
                continue
            open_at = datetime.combine(day, self.rules.business_start, tzinfo=self.tz)
            close_at = datetime.combine(day, self.rules.business_end, tzinfo=self.tz)
            inside = elapsed(
                max(part.start, open_at, key=instant), min(part.end, close_at, key=instant)
            )
            total += elapsed(part.start, part.end) - max(timedelta(0), inside)
        return total

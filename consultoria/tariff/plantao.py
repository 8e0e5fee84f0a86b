"""Plantão 24x7 (SPEC §3.3): full window, early end, daily minimums, cancellation, booking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .calendar import WEEKDAY_NAMES, DayPart, WorkCalendar, elapsed, format_moment, instant
from .model import (
    BookingCheck,
    DayBreakdown,
    Modality,
    PlantaoOutcome,
    Quote,
    TariffError,
    TariffRules,
)
from .money import ceil_minutes, format_minutes
from .prices import PriceTable
from .pricing import Charge, finish_quote, price_line, specialists_text

_END_NOT_AFTER_START = "O fim do plantão precisa ser depois do início."
_WAIVED = "Abonado: nada é cobrado por este plantão."


def _specialists_error(specialists: int, rules: TariffRules) -> str | None:
    limit = rules.plantao.max_specialists
    if 1 <= specialists <= limit:
        return None
    return f"O número de especialistas deve ser de 1 a {limit}."


def _too_long(rules: TariffRules) -> str:
    return (
        f"Um plantão pode durar no máximo {rules.plantao.max_window.days} dias; "
        "divida a janela em mais de um pedido."
    )


def check_specialists(specialists: int, rules: TariffRules) -> None:
    error = _specialists_error(specialists, rules)
    if error is not None:
        raise TariffError(error)


@dataclass(frozen=True)
class _Window:
    """A booked window and the moment it ended, if it did, in the configured zone; `waived`
    when nothing of it is charged."""

    start: datetime
    end: datetime
    ended: datetime | None
    waived: bool = False


def quote_plantao(
    start: datetime,
    end: datetime,
    *,
    specialists: int,
    table: PriceTable,
    rules: TariffRules,
    ended_at: datetime | None = None,
    waived: bool = False,
) -> Quote:
    """Price a window; `ended_at` ≤ start is a cancellation, inside the window an early end.

    `waived`: nothing is charged (staff cancel for lack of a specialist, SPEC §4); the quote
    still shows the minutes the rule bills, as abonados, and costs R$ 0,00.
    """
    cal = WorkCalendar(rules.calendar)
    start, end = cal.localize(start), cal.localize(end)
    check_specialists(specialists, rules)
    if instant(end) <= instant(start):
        raise TariffError(_END_NOT_AFTER_START)
    if elapsed(start, end) > rules.plantao.max_window:
        raise TariffError(_too_long(rules))
    window = _Window(start, end, None if ended_at is None else cal.localize(ended_at), waived)
    charge = _plantao_charge(cal, window, specialists, table, rules)
    return finish_quote(charge, _plantao_lines(window, charge, rules), rules)


# --- compute -------------------------------------------------------------------------------------


def _plantao_charge(
    cal: WorkCalendar, window: _Window, specialists: int, table: PriceTable, rules: TariffRules
) -> Charge:
    outcome, days = _billed_days(cal, window, rules)
    per_specialist = sum(d.billed_minutes for d in days)
    return Charge(
        modality=Modality.PLANTAO,
        minutes_per_specialist=per_specialist,
        specialists=specialists,
        charged_minutes=0 if window.waived else per_specialist * specialists,
        price=table.price_on(Modality.PLANTAO, window.start.date()),
        waived=window.waived,
        days=tuple(days),
        outcome=outcome,
    )


def _billed_days(
    cal: WorkCalendar, window: _Window, rules: TariffRules
) -> tuple[PlantaoOutcome, list[DayBreakdown]]:
    parts = list(cal.split_by_day(window.start, window.end))
    ended = window.ended
    if ended is None or instant(ended) >= instant(window.end):
        return PlantaoOutcome.FULL, [_full_day(cal, part, rules) for part in parts]
    if instant(ended) <= instant(window.start):
        return _cancellation(cal, parts, elapsed(ended, window.start), rules)
    return PlantaoOutcome.EARLY_END, [_early_end_day(cal, part, ended, rules) for part in parts]


def _day(
    cal: WorkCalendar, part: DayPart, rules: TariffRules, worked: int, billed: int
) -> DayBreakdown:
    scheduled = part.minutes
    return DayBreakdown(
        day=part.day,
        scheduled_minutes=scheduled,
        worked_minutes=worked,
        minimum_minutes=min(cal.daily_minimum(part.day, rules.plantao), scheduled),
        billed_minutes=billed,
        long_day=cal.is_long_day(part.day),
        holiday_name=cal.holiday_name(part.day),
    )


def _full_day(cal: WorkCalendar, part: DayPart, rules: TariffRules) -> DayBreakdown:
    return _day(cal, part, rules, worked=part.minutes, billed=part.minutes)


def _early_end_day(
    cal: WorkCalendar, part: DayPart, ended: datetime, rules: TariffRules
) -> DayBreakdown:
    scheduled = part.minutes
    if instant(part.start) >= instant(ended):  # never reached: not billed
        return _day(cal, part, rules, worked=0, billed=0)
    if instant(ended) >= instant(part.end):  # the day ran in full before the end
        return _day(cal, part, rules, worked=scheduled, billed=scheduled)
    worked = part.minutes_until(ended)
    minimum = min(cal.daily_minimum(part.day, rules.plantao), scheduled)
    return _day(cal, part, rules, worked=worked, billed=max(worked, minimum))


def _cancellation(
    cal: WorkCalendar, parts: list[DayPart], notice_given: timedelta, rules: TariffRules
) -> tuple[PlantaoOutcome, list[DayBreakdown]]:
    unbilled = [_day(cal, part, rules, worked=0, billed=0) for part in parts]
    if notice_given >= rules.plantao.free_cancellation_notice:
        return PlantaoOutcome.CANCELLED_FREE, unbilled
    first = parts[0]
    minimum = min(cal.daily_minimum(first.day, rules.plantao), first.minutes)
    first_day = _day(cal, first, rules, worked=0, billed=minimum)
    return PlantaoOutcome.CANCELLED, [first_day, *unbilled[1:]]


# --- explain -------------------------------------------------------------------------------------


def _plantao_lines(window: _Window, charge: Charge, rules: TariffRules) -> list[str]:
    start, end = window.start, window.end
    until = f"{end:%H:%M}" if end.date() == start.date() else format_moment(end)
    lines = [
        f"Plantão de {format_moment(start)} até {until}: "
        f"{format_minutes(ceil_minutes(elapsed(start, end)))}, "
        f"{specialists_text(charge.specialists)}.",
        _outcome_line(charge.outcome, window.ended, rules),
        *([_WAIVED] if window.waived else []),
        *(_day_line(d) for d in charge.days),
        price_line(charge.price, Modality.PLANTAO.label),
    ]
    if charge.specialists > 1 and not charge.waived:
        lines.append(
            f"{format_minutes(charge.minutes_per_specialist)} por especialista × "
            f"{charge.specialists} especialistas = {format_minutes(charge.charged_minutes)}."
        )
    return lines


def _outcome_line(
    outcome: PlantaoOutcome | None, ended: datetime | None, rules: TariffRules
) -> str:
    if ended is None or outcome is PlantaoOutcome.FULL:
        return "Plantão completo: cobrada a janela inteira, com ou sem acionamento."
    if outcome is PlantaoOutcome.EARLY_END:
        return (
            f"Encerrado antes do fim em {format_moment(ended)}: cada dia é cobrado até o "
            "encerramento, respeitando o mínimo diário."
        )
    hours = int(rules.plantao.free_cancellation_notice.total_seconds() // 3600)
    if outcome is PlantaoOutcome.CANCELLED_FREE:
        return (
            f"Cancelado em {format_moment(ended)}, com pelo menos {hours} h de antecedência: "
            "sem cobrança."
        )
    return (
        f"Cancelado em {format_moment(ended)}, com menos de {hours} h de antecedência: "
        "cobra-se o mínimo diário do primeiro dia."
    )


def _day_line(day: DayBreakdown) -> str:
    name = WEEKDAY_NAMES[day.day.weekday()]
    if day.holiday_name:
        name += f", feriado: {day.holiday_name}"
    text = f"{day.day:%d/%m/%Y} ({name}): agendados {format_minutes(day.scheduled_minutes)}"
    if day.billed_minutes == 0:
        return text + ", não cobrado."
    if day.worked_minutes != day.scheduled_minutes:
        text += (
            f", trabalhados {format_minutes(day.worked_minutes)}, "
            f"mínimo do dia {format_minutes(day.minimum_minutes)}"
        )
    return text + f" → cobrados {format_minutes(day.billed_minutes)}."


# --- booking -------------------------------------------------------------------------------------


def check_booking(
    start: datetime, end: datetime, specialists: int, *, now: datetime, rules: TariffRules
) -> BookingCheck:
    """SPEC §3.3 item 8: what blocks a booking request and what only warns."""
    cal = WorkCalendar(rules.calendar)
    start, end, now = cal.localize(start), cal.localize(end), cal.localize(now)
    errors: list[str] = []
    warnings: list[str] = []
    specialists_error = _specialists_error(specialists, rules)
    if specialists_error is not None:
        errors.append(specialists_error)
    if instant(end) <= instant(start):
        errors.append(_END_NOT_AFTER_START)
        return BookingCheck(tuple(errors), ())
    if instant(start) <= instant(now):
        errors.append("O início do plantão precisa estar no futuro.")
    if elapsed(start, end) > rules.plantao.max_window:
        errors.append(_too_long(rules))
    elif not cal.outside_business_time(start, end):
        r = rules.calendar
        errors.append(
            "Essa janela fica toda dentro do horário comercial "
            f"({r.business_start:%H:%M} às {r.business_end:%H:%M}, em dias úteis): nesse horário "
            "use a Consultoria Telefônica diretamente, sem agendar plantão."
        )
    notice = rules.plantao.short_notice
    if timedelta(0) < elapsed(now, start) < notice:
        warnings.append(
            f"O plantão começa em menos de {int(notice.total_seconds() // 3600)} h: o pedido é "
            "registrado, mas a alocação de um especialista não é garantida."
        )
    return BookingCheck(tuple(errors), tuple(warnings))

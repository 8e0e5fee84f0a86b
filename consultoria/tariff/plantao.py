"""Plantão 24x7 (SPEC §3.3): full window, early end, daily minimums, cancellation, booking."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime

from .calendar import WEEKDAY_NAMES, DayPart, WorkCalendar
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
from .pricing import gross_up, net_amount, price_line, specialists_text, total_lines


def format_moment(moment: datetime) -> str:
    """`sáb., 06/03/2027 08:00` in the moment's own zone."""
    return str(format_datetime(moment, "EEE, dd/MM/yyyy HH:mm", locale="pt_BR"))


def check_specialists(specialists: int, rules: TariffRules) -> None:
    limit = rules.plantao.max_specialists
    if not 1 <= specialists <= limit:
        raise TariffError(f"O número de especialistas deve ser de 1 a {limit}.")


def quote_plantao(
    start: datetime,
    end: datetime,
    *,
    specialists: int,
    table: PriceTable,
    rules: TariffRules,
    ended_at: datetime | None = None,
) -> Quote:
    """Price a window; `ended_at` ≤ start is a cancellation, inside the window an early end."""
    cal = WorkCalendar(rules.calendar)
    start, end = cal.localize(start), cal.localize(end)
    check_specialists(specialists, rules)
    if end <= start:
        raise TariffError("O fim do plantão precisa ser depois do início.")
    if end - start > rules.plantao.max_window:
        raise TariffError(
            f"Um plantão pode durar no máximo {rules.plantao.max_window.days} dias; "
            "divida a janela em mais de um pedido."
        )
    parts = list(cal.split_by_day(start, end))
    ended = None if ended_at is None else cal.localize(ended_at)
    price = table.price_on(Modality.PLANTAO, start.date())

    until = f"{end:%H:%M}" if end.date() == start.date() else format_moment(end)
    lines = [
        f"Plantão de {format_moment(start)} até {until}: "
        f"{format_minutes(ceil_minutes(end - start))}, {specialists_text(specialists)}."
    ]
    if ended is None or ended >= end:
        outcome = PlantaoOutcome.FULL
        days = [_full_day(cal, part, rules) for part in parts]
        lines.append("Plantão completo: cobrada a janela inteira, com ou sem acionamento.")
    elif ended <= start:
        days, outcome, reason = _cancellation(cal, parts, start, ended, rules)
        lines.append(reason)
    else:
        outcome = PlantaoOutcome.EARLY_END
        days = [_early_end_day(cal, part, ended, rules) for part in parts]
        lines.append(
            f"Encerrado antes do fim em {format_moment(ended)}: cada dia é cobrado até o "
            "encerramento, respeitando o mínimo diário."
        )
    lines.extend(_day_line(d) for d in days)

    billed = sum(d.billed_minutes for d in days)
    total_minutes = billed * specialists
    amount = net_amount(total_minutes, price)
    taxes, gross = gross_up(amount, rules) if amount is not None else ((), None)
    lines.append(price_line(price, Modality.PLANTAO.label))
    if specialists > 1:
        lines.append(
            f"{format_minutes(billed)} por especialista × {specialists} especialistas "
            f"= {format_minutes(total_minutes)}."
        )
    lines.extend(total_lines(total_minutes, price, amount, taxes, gross))
    return Quote(
        modality=Modality.PLANTAO,
        billed_minutes=billed,
        specialists=specialists,
        price=price,
        amount=amount,
        waived=False,
        lines=tuple(lines),
        days=tuple(days),
        outcome=outcome,
        charged_minutes=total_minutes,
        taxes=taxes,
        gross_amount=gross,
    )


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
    if part.start >= ended:  # never reached: not billed
        return _day(cal, part, rules, worked=0, billed=0)
    if ended >= part.end:  # the day ran in full before the end
        return _day(cal, part, rules, worked=scheduled, billed=scheduled)
    worked = part.minutes_until(ended)
    minimum = min(cal.daily_minimum(part.day, rules.plantao), scheduled)
    return _day(cal, part, rules, worked=worked, billed=max(worked, minimum))


def _cancellation(
    cal: WorkCalendar, parts: list[DayPart], start: datetime, ended: datetime, rules: TariffRules
) -> tuple[list[DayBreakdown], PlantaoOutcome, str]:
    notice = rules.plantao.free_cancellation_notice
    hours = int(notice.total_seconds() // 3600)
    unbilled = [_day(cal, part, rules, worked=0, billed=0) for part in parts]
    if start - ended >= notice:
        reason = (
            f"Cancelado em {format_moment(ended)}, com pelo menos {hours} h de antecedência: "
            "sem cobrança."
        )
        return unbilled, PlantaoOutcome.CANCELLED_FREE, reason
    first = parts[0]
    minimum = min(cal.daily_minimum(first.day, rules.plantao), first.minutes)
    reason = (
        f"Cancelado em {format_moment(ended)}, com menos de {hours} h de antecedência: "
        "cobra-se o mínimo diário do primeiro dia."
    )
    first_day = _day(cal, first, rules, worked=0, billed=minimum)
    return [first_day, *unbilled[1:]], PlantaoOutcome.CANCELLED, reason


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


def check_booking(
    start: datetime, end: datetime, specialists: int, *, now: datetime, rules: TariffRules
) -> BookingCheck:
    """SPEC §3.3 item 8: what blocks a booking request and what only warns."""
    cal = WorkCalendar(rules.calendar)
    start, end, now = cal.localize(start), cal.localize(end), cal.localize(now)
    errors: list[str] = []
    warnings: list[str] = []
    limit = rules.plantao.max_specialists
    if not 1 <= specialists <= limit:
        errors.append(f"O número de especialistas deve ser de 1 a {limit}.")
    if end <= start:
        errors.append("O fim do plantão precisa ser depois do início.")
        return BookingCheck(tuple(errors), ())
    if start <= now:
        errors.append("O início do plantão precisa estar no futuro.")
    if end - start > rules.plantao.max_window:
        errors.append(
            f"Um plantão pode durar no máximo {rules.plantao.max_window.days} dias; "
            "divida a janela em mais de um pedido."
        )
    elif not cal.outside_business_time(start, end):
        r = rules.calendar
        errors.append(
            "Essa janela fica toda dentro do horário comercial "
            f"({r.business_start:%H:%M} às {r.business_end:%H:%M}, em dias úteis): nesse horário "
            "use a Consultoria Telefônica diretamente, sem agendar plantão."
        )
    notice = rules.plantao.short_notice
    if start > now and start - now < notice:
        warnings.append(
            f"O plantão começa em menos de {int(notice.total_seconds() // 3600)} h: o pedido é "
            "registrado, mas a alocação de um especialista não é garantida."
        )
    return BookingCheck(tuple(errors), tuple(warnings))

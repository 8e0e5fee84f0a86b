"""Shifts as staff run them (SPEC §4, §6): the lazy advance of states with time, reminders of
shifts about to start, and confirming, ending and cancelling with the amount then due."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from consultoria.tariff import PriceTable, Quote, TariffRules, format_moment, quote_plantao

from .idempotent import add_or_get
from .models import Notification, Person, Plantao
from .plantoes import PlantaoNotFound, StateConflict, get_or_create_person, transition
from .prices import load_price_table
from .types import utcnow

REMINDER_KIND = "plantao_starting"
REMINDER_LEAD = timedelta(hours=1)
# Who moves a shift when its window starts or ends: nobody typed anything.
SYSTEM_CHANNEL = "system"
ENDABLE = frozenset({"confirmed", "in_progress"})
CANCELLABLE = frozenset({"requested", "confirmed"})


class ShiftRefused(Exception):
    """The operation does not apply to the shift as it is now; pt-BR message, nothing changed."""


@dataclass(frozen=True)
class Done:
    """A staff operation that was recorded, with the quote behind the amount it stored."""

    plantao: Plantao
    quote: Quote


@dataclass(frozen=True)
class Staff:
    """The staff member acting, as the event history records them."""

    person: Person
    channel: str


def staff_person(session: Session, channel: str, channel_user_id: str, name: str) -> Person:
    """The person record events point to when a roster member acts."""
    return get_or_create_person(session, channel, channel_user_id, name, role="staff")


def shift_quote(
    plantao: Plantao, table: PriceTable, rules: TariffRules, ended_at: datetime | None = None
) -> Quote:
    """The engine's price of the booked window, ended or cancelled at `ended_at` if given."""
    return quote_plantao(
        plantao.start_at,
        plantao.end_at,
        specialists=plantao.specialists,
        table=table,
        rules=rules,
        ended_at=ended_at,
    )


def current_quote(plantao: Plantao, now: datetime, table: PriceTable, rules: TariffRules) -> Quote:
    """What the shift costs as things stand: at its recorded end once closed, ended now while it
    runs, the whole window before it starts."""
    if plantao.state in ("ended_early", "cancelled"):
        return shift_quote(plantao, table, rules, plantao.ended_at)
    if plantao.state == "in_progress" and now < plantao.end_at:
        return shift_quote(plantao, table, rules, max(now, plantao.start_at))
    return shift_quote(plantao, table, rules)


def _get(session: Session, plantao_id: int) -> Plantao:
    plantao = session.get(Plantao, plantao_id, populate_existing=True)
    if plantao is None:
        raise PlantaoNotFound(plantao_id)
    return plantao


def _require(plantao: Plantao, states: Iterable[str]) -> None:
    if plantao.state not in states:
        raise StateConflict(plantao.id, plantao.state)


def advance(session: Session, now: datetime, rules: TariffRules) -> list[Plantao]:
    """Confirmed shifts whose window started go in progress; running ones whose window ended are
    completed, billed in full. Safe to repeat and to run concurrently: a shift another session
    moved first is skipped."""
    due = session.scalars(
        select(Plantao)
        .where(
            or_(
                and_(Plantao.state == "confirmed", Plantao.start_at <= now),
                and_(Plantao.state == "in_progress", Plantao.end_at <= now),
            )
        )
        .order_by(Plantao.id)
    ).all()
    if not due:
        return []
    table = load_price_table(session)
    moved: list[Plantao] = []
    for plantao in due:
        full = shift_quote(plantao, table, rules)
        steps = [("confirmed", "in_progress")] if plantao.state == "confirmed" else []
        if plantao.end_at <= now:
            steps.append(("in_progress", "completed"))
        try:
            for from_state, to_state in steps:
                finished = to_state == "completed"
                transition(
                    session,
                    plantao.id,
                    to_state=to_state,
                    allowed_from={from_state},
                    actor_person_id=None,
                    actor_role="system",
                    channel=SYSTEM_CHANNEL,
                    billed_minutes=full.charged_minutes if finished else None,
                    amount_due=full.amount if finished else None,
                    ended_at=plantao.end_at if finished else None,
                    due_minutes=full.charged_minutes,
                    due_amount=full.amount,
                    note=f"janela {'encerrada' if finished else 'iniciada'} no horário agendado",
                )
        except StateConflict:
            continue
        moved.append(plantao)
    return moved


def _find_notification(session: Session, dedupe_key: str) -> Notification | None:
    return session.scalar(select(Notification).where(Notification.dedupe_key == dedupe_key))


def enqueue_due_reminders(
    session: Session, now: datetime | None = None, lead: timedelta = REMINDER_LEAD
) -> list[Notification]:
    """Outbox a "starts within the hour" reminder for each shift, confirmed or still awaiting
    confirmation, that starts in (now, now + lead]; once per shift, whoever calls first.

    The Telegram bot's outbox drainer calls this periodically; staff operations call it too.
    Returns the reminders created by this call.
    """
    moment = now or utcnow()
    starting = session.scalars(
        select(Plantao)
        .where(
            Plantao.state.in_(CANCELLABLE),
            Plantao.start_at > moment,
            Plantao.start_at <= moment + lead,
        )
        .order_by(Plantao.start_at, Plantao.id)
    ).all()
    created: list[Notification] = []
    for plantao in starting:
        key = f"plantao:{plantao.id}:starting"
        notification, new = add_or_get(
            session,
            Notification(
                kind=REMINDER_KIND,
                # Only references, as for the other kinds: the sender reads the current shift.
                payload={"plantao_id": plantao.id, "ref": plantao.ref},
                dedupe_key=key,
            ),
            partial(_find_notification, session, key),
        )
        if new:
            created.append(notification)
    return created


def refresh(session: Session, now: datetime, rules: TariffRules) -> None:
    """What every read or action on shifts does first: advance states, then remind."""
    advance(session, now, rules)
    enqueue_due_reminders(session, now)


def _by_staff(
    session: Session,
    plantao: Plantao,
    staff: Staff,
    to_state: str,
    allowed_from: Iterable[str],
    **changes: Any,
) -> None:
    transition(
        session,
        plantao.id,
        to_state=to_state,
        allowed_from=frozenset(allowed_from),
        actor_person_id=staff.person.id,
        actor_role="staff",
        channel=staff.channel,
        **changes,
    )


def confirm_shift(
    session: Session,
    plantao_id: int,
    *,
    staff: Staff,
    specialist: str,
    now: datetime,
    rules: TariffRules,
) -> Done:
    """Allocate `specialist` to a requested shift; the event records the full window as due."""
    plantao = _get(session, plantao_id)
    _require(plantao, {"requested"})
    full = shift_quote(plantao, load_price_table(session), rules)
    _by_staff(
        session,
        plantao,
        staff,
        "confirmed",
        {"requested"},
        specialist_name=specialist,
        due_minutes=full.charged_minutes,
        due_amount=full.amount,
        note=f"especialista: {specialist}",
    )
    return Done(plantao, full)


def end_shift(
    session: Session,
    plantao_id: int,
    *,
    staff: Staff,
    at: datetime,
    now: datetime,
    rules: TariffRules,
) -> Done:
    """End a confirmed or running shift at `at`, inside its window (SPEC §3.3 item 3).

    `at` may lie ahead: staff record an early end the customer has already asked for.
    """
    plantao = _get(session, plantao_id)
    _require(plantao, ENDABLE)
    if at <= plantao.start_at:
        raise ShiftRefused(
            f"O plantão {plantao.ref} começa em {_local(plantao.start_at, rules)}: o encerramento "
            "precisa ser depois do início. Se ele não vai acontecer, cancele-o."
        )
    if at >= plantao.end_at:
        raise ShiftRefused(
            f"O plantão {plantao.ref} termina em {_local(plantao.end_at, rules)}: encerrar nesse "
            "horário ou depois não é antecipar. Ao fim da janela ele é concluído sozinho."
        )
    quote = shift_quote(plantao, load_price_table(session), rules, at)
    _by_staff(
        session,
        plantao,
        staff,
        "ended_early",
        ENDABLE,
        billed_minutes=quote.charged_minutes,
        amount_due=quote.amount,
        ended_at=at,
        note=f"encerrado pela equipe em {_local(at, rules)}",
    )
    return Done(plantao, quote)


def cancel_shift(
    session: Session,
    plantao_id: int,
    *,
    staff: Staff,
    now: datetime,
    rules: TariffRules,
) -> Done:
    """Cancel a shift that has not started, due as SPEC §3.3 item 4 says at this moment."""
    plantao = _get(session, plantao_id)
    if plantao.state in {*CANCELLABLE, "in_progress"} and plantao.start_at <= now:
        raise ShiftRefused(
            f"O plantão {plantao.ref} já começou e não pode mais ser cancelado: "
            + (
                "confirme-o com o especialista que atendeu."
                if plantao.state == "requested"
                else f'para encerrá-lo, diga "encerrar o plantão {plantao.ref} agora".'
            )
        )
    _require(plantao, CANCELLABLE)
    quote = shift_quote(plantao, load_price_table(session), rules, now)
    _by_staff(
        session,
        plantao,
        staff,
        "cancelled",
        CANCELLABLE,
        billed_minutes=quote.charged_minutes or 0,
        amount_due=quote.amount,
        ended_at=now,
        note="cancelado pela equipe",
    )
    return Done(plantao, quote)


def _local(moment: datetime, rules: TariffRules) -> str:
    return format_moment(moment.astimezone(rules.calendar.timezone))

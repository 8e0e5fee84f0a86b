"""Plantões, the on-call plantões (SPEC §3.3, §4, §6): the only door to the `plantoes` and
`plantao_events` rows.

A customer books, sees and cancels their own plantões; staff see all of them, confirm, end early
(now, or at a moment ahead, which schedules the end) and cancel any; time moves confirmed
plantões in progress and running ones to completion, or to the early end staff scheduled. Every
change is a compare-and-set on the plantão's version and lands in its append-only history with
who, when, the channel and the amount then due; requests and cancellations are outboxed for the
staff chat in the same transaction. Each function is one step of the caller's `unit_of_work`.
Refusals are exceptions carrying the plantão and what stopped the change: the front ends word them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from functools import partial
from typing import Any, Protocol

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from consultoria.db.idempotent import add_or_get
from consultoria.db.models import Notification, Person, Plantao, PlantaoEvent, format_ref
from consultoria.db.prices import load_price_table
from consultoria.db.types import utcnow
from consultoria.services import outbox, people
from consultoria.services.actors import Actor, Customer, Staff
from consultoria.tariff import PriceTable, Quote, TariffRules, format_moment, quote_plantao

# SPEC §4. A confirmed plantão can also be ended early: staff may end it before anything
# marked it in progress. A request nobody confirmed by its start expires.
TRANSITIONS: dict[str, frozenset[str]] = {
    "requested": frozenset({"confirmed", "cancelled", "expired"}),
    "confirmed": frozenset({"in_progress", "cancelled", "ended_early"}),
    "in_progress": frozenset({"completed", "ended_early"}),
    "completed": frozenset(),
    "ended_early": frozenset(),
    "cancelled": frozenset(),
    "expired": frozenset(),
}
CANCELLABLE = frozenset({"requested", "confirmed"})
ENDABLE = frozenset({"confirmed", "in_progress"})
# Who moves a plantão when its window starts or ends: nobody typed anything.
SYSTEM_CHANNEL = "system"
REQUESTED_KIND = "plantao_requested"
CANCELLED_KIND = "plantao_cancelled"
REMINDER_KIND = "plantao_starting"
EXPIRED_KIND = "plantao_expired"
# An early end staff scheduled, carried out when its moment came.
SCHEDULED_END_KIND = "plantao_ended_as_scheduled"
REMINDER_LEAD = timedelta(hours=1)
# The customer hears this long before the free cancellation ends (SPEC §9).
FREE_CANCELLATION_KIND = "plantao_free_cancellation_ending"
FREE_CANCELLATION_LEAD = timedelta(hours=2)
# The states a plantão may be closed from, by how it closes.
_CLOSABLE_FROM = {"ended_early": ENDABLE, "cancelled": CANCELLABLE}
# What the staff chat hears about, by the state a change leads to; when time makes the change,
# an early end too: staff scheduled it and nobody was there when it happened.
_ANNOUNCED = {"requested": REQUESTED_KIND, "cancelled": CANCELLED_KIND, "expired": EXPIRED_KIND}
_ANNOUNCED_AS_TIME_PASSES = {**_ANNOUNCED, "ended_early": SCHEDULED_END_KIND}


class CancelReason(str, Enum):
    """Why staff cancel a plantão (SPEC §4): at the customer's request the customer's rule
    applies (SPEC §3.3 item 4); without a specialist available nothing is charged and the
    customer is told."""

    CUSTOMER_REQUEST = "customer_request"
    NO_SPECIALIST = "no_specialist"


# How each reason reads in the plantão's history.
_REASON_NOTES = {
    CancelReason.CUSTOMER_REQUEST: "a pedido do cliente",
    CancelReason.NO_SPECIALIST: "sem especialista disponível",
}


class PlantaoError(Exception):
    """The change does not apply to plantão `plantao_id` as it is now; nothing was changed."""

    def __init__(self, plantao_id: int) -> None:
        super().__init__(format_ref(plantao_id))
        self.plantao_id = plantao_id

    @property
    def ref(self) -> str:
        return format_ref(self.plantao_id)


class PlantaoNotFound(PlantaoError, LookupError):
    """No plantão has this id, or none the customer asking may see."""


class StateConflict(PlantaoError):
    """The plantão's `state` does not allow the change (another change may have just won)."""

    def __init__(self, plantao_id: int, state: str) -> None:
        super().__init__(plantao_id)
        self.state = state


class AlreadyStarted(PlantaoError):
    """Its window started: too late to cancel. `state` tells staff how to close it instead."""

    def __init__(self, plantao_id: int, state: str) -> None:
        super().__init__(plantao_id)
        self.state = state


class StartPassed(PlantaoError):
    """A request can be confirmed only before its start (`start_at`); after it, it expires."""

    def __init__(self, plantao_id: int, start_at: datetime) -> None:
        super().__init__(plantao_id)
        self.start_at = start_at


class AmountChanged(PlantaoError):
    """An end or a cancellation would now cost `quote`, not the amount confirmed (the free
    deadline passed in between, say): SPEC §4, the amount confirmed is the amount charged."""

    def __init__(self, plantao_id: int, quote: Quote) -> None:
        super().__init__(plantao_id)
        self.quote = quote


class EndOutsideWindow(PlantaoError):
    """An early end `at` outside the window [`start_at`, `end_at`): at or before the start it
    is a cancellation; at or after the end the plantão completes by itself."""

    def __init__(self, plantao_id: int, start_at: datetime, end_at: datetime, at: datetime) -> None:
        super().__init__(plantao_id)
        self.start_at = start_at
        self.end_at = end_at
        self.at = at


class InvalidTransition(ValueError):
    """A change the lifecycle never allows: a programming error, not a user's."""


class PlantaoLike(Protocol):
    """What a quote needs of a plantão, booked (a Plantao) or not yet (a PlantaoWindow)."""

    @property
    def start_at(self) -> datetime: ...
    @property
    def end_at(self) -> datetime: ...
    @property
    def specialists(self) -> int: ...


@dataclass(frozen=True)
class PlantaoWindow:
    """A plantão being booked: its window and how many specialists."""

    start_at: datetime
    end_at: datetime
    specialists: int


@dataclass(frozen=True)
class Done:
    """A change that was recorded, with the quote behind the amount it stored."""

    plantao: Plantao
    quote: Quote


@dataclass(frozen=True)
class Amounts:
    """What a plantão costs as things stand, and the alternative worth weighing."""

    plantao: Plantao
    current: Quote  # the whole window ahead of it, ended now while running, then what is due
    if_cancelled_now: Quote | None  # a requested or confirmed plantão not started yet
    if_run_to_end: Quote | None  # a running plantão, to its end or to the end staff scheduled


@dataclass(frozen=True)
class Listed:
    """A plantão in the staff's listing: who booked it, and its amount if ended now."""

    plantao: Plantao
    customer: Person | None
    if_ended_now: Quote | None  # a running plantão
    at_scheduled_end: Quote | None  # one whose early end staff scheduled


@dataclass(frozen=True)
class Announced:
    """A plantão as the staff chat hears of it: who booked it, and the change announced."""

    plantao: Plantao
    customer: Person | None
    event: PlantaoEvent | None


def plantao_quote(
    plantao: PlantaoLike,
    prices: PriceTable,
    rules: TariffRules,
    ended_at: datetime | None = None,
    *,
    waived: bool = False,
) -> Quote:
    """The engine's price of the plantão's window: whole, or ended or cancelled at `ended_at`;
    nothing charged when `waived`."""
    return quote_plantao(
        plantao.start_at,
        plantao.end_at,
        specialists=plantao.specialists,
        table=prices,
        rules=rules,
        ended_at=ended_at,
        waived=waived,
    )


def scheduled_end_quote(plantao: Plantao, prices: PriceTable, rules: TariffRules) -> Quote | None:
    """What an open plantão will cost when the early end staff scheduled comes; None without
    one."""
    if plantao.scheduled_end_at is None or plantao.state not in ENDABLE:
        return None
    return plantao_quote(plantao, prices, rules, plantao.scheduled_end_at)


def current_quote(plantao: Plantao, now: datetime, prices: PriceTable, rules: TariffRules) -> Quote:
    """What the plantão costs as things stand: at its recorded end once closed, ended now while it
    runs, the whole window before it starts."""
    if plantao.state in ("ended_early", "cancelled"):
        return plantao_quote(plantao, prices, rules, plantao.ended_at, waived=plantao.waived)
    if plantao.state == "in_progress" and now < plantao.end_at:
        return plantao_quote(plantao, prices, rules, max(now, plantao.start_at))
    return plantao_quote(plantao, prices, rules)


# --- the lifecycle step every change goes through --------------------------------------------


def _announce(
    session: Session, plantao: Plantao, event: PlantaoEvent, details: Mapping[str, Any]
) -> None:
    kind = (_ANNOUNCED_AS_TIME_PASSES if event.actor_role == "system" else _ANNOUNCED).get(
        event.to_state
    )
    if kind is not None:
        payload = {"plantao_id": plantao.id, "ref": plantao.ref, "event_id": event.id, **details}
        outbox.enqueue(session, kind, payload, f"plantao:{plantao.id}:{event.to_state}")


def _record(
    session: Session,
    plantao: Plantao,
    actor: Actor | None,
    announced: Mapping[str, Any] | None = None,
    **fields: Any,
) -> None:
    """Append the event, as done by `actor` (None: the system), and announce it if due, with
    the `announced` details (a cancellation's reason)."""
    event = PlantaoEvent(
        plantao_id=plantao.id,
        actor_person_id=None if actor is None else actor.person_id,
        actor_role="system" if actor is None else _role(actor),
        channel=SYSTEM_CHANNEL if actor is None else actor.channel,
        **fields,
    )
    session.add(event)
    session.flush()
    _announce(session, plantao, event, announced or {})


def _role(actor: Actor) -> str:
    return "staff" if isinstance(actor, Staff) else "customer"


def get(session: Session, actor: Actor | None, plantao_id: int) -> Plantao:
    """The plantão as the database has it now: any for staff or the system (None), for a customer
    only their own; PlantaoNotFound otherwise."""
    plantao = session.get(Plantao, plantao_id, populate_existing=True)
    if plantao is None or (isinstance(actor, Customer) and plantao.person_id != actor.person_id):
        raise PlantaoNotFound(plantao_id)
    return plantao


def _require(plantao: Plantao, states: Set[str]) -> None:
    if plantao.state not in states:
        raise StateConflict(plantao.id, plantao.state)


def _compare_and_set(
    session: Session,
    plantao: Plantao,
    allowed_from: Set[str],
    *,
    next_version: bool = True,
    **changes: Any,
) -> None:
    """Write `changes` only if the plantão is still in `allowed_from` at the version read. The
    write takes the next version, so that a change prepared on this one fails, unless told not
    to (`next_version` False) by a change that leaves the state as it is."""
    version = plantao.version + 1 if next_version else plantao.version
    changed = session.scalar(
        update(Plantao)
        .where(
            Plantao.id == plantao.id,
            Plantao.state.in_(allowed_from),
            Plantao.version == plantao.version,
        )
        .values(**changes, version=version, updated_at=utcnow())
        .returning(Plantao.id)
        # Refresh in-session objects only for rows the database really changed.
        .execution_options(synchronize_session="fetch")
    )
    if changed is None:
        session.refresh(plantao)
        raise StateConflict(plantao.id, plantao.state)


def transition(
    session: Session,
    plantao_id: int,
    actor: Actor | None,
    *,
    to_state: str,
    allowed_from: Set[str],
    charged_minutes: int | None = None,
    amount_due: Decimal | None = None,
    ended_at: datetime | None = None,
    specialist_name: str | None = None,
    waived: bool = False,
    note: str | None = None,
    due_minutes: int | None = None,
    due_amount: Decimal | None = None,
    announced: Mapping[str, Any] | None = None,
) -> Plantao:
    """Move a plantão from one of `allowed_from` to `to_state`, or raise StateConflict.

    `actor` None is the system (time passing). The UPDATE only matches the state and version
    read here, so of two concurrent changes exactly one wins, whatever the isolation level.
    `due_minutes`/`due_amount` are what the event records as then due while the plantão's own
    amounts stay unset (e.g. on confirmation).
    """
    if not allowed_from or any(to_state not in TRANSITIONS.get(s, ()) for s in allowed_from):
        raise InvalidTransition(f"{sorted(allowed_from)} -> {to_state} is not a plantão transition")
    plantao = get(session, actor, plantao_id)
    _require(plantao, allowed_from)
    from_state = plantao.state
    optional = {
        "charged_minutes": charged_minutes,
        "amount_due": amount_due,
        "ended_at": ended_at,
        "specialist_name": specialist_name,
        "waived": waived or None,
    }
    changes: dict[str, Any] = {k: v for k, v in optional.items() if v is not None}
    _compare_and_set(session, plantao, allowed_from, state=to_state, **changes)
    _record(
        session,
        plantao,
        actor,
        announced,
        from_state=from_state,
        to_state=to_state,
        charged_minutes=due_minutes if plantao.charged_minutes is None else plantao.charged_minutes,
        amount_due=due_amount if plantao.amount_due is None else plantao.amount_due,
        note=note,
    )
    return plantao


# --- a customer's plantões ---------------------------------------------------------------------


def _find_by_request_key(session: Session, request_key: str | None) -> Plantao | None:
    if request_key is None:
        return None
    return session.scalar(select(Plantao).where(Plantao.request_key == request_key))


def find_by_request_key(session: Session, customer: Customer, request_key: str) -> Plantao | None:
    """The booking an earlier delivery of the same confirmation made for `customer`, if any."""
    plantao = _find_by_request_key(session, request_key)
    return plantao if plantao is not None and plantao.person_id == customer.person_id else None


def request_plantao(
    session: Session,
    customer: Customer,
    *,
    start_at: datetime,
    end_at: datetime,
    specialists: int,
    reason: str,
    contact_phone: str,
    request_key: str | None,
    price_version_id: int | None,
    quoted_minutes: int,
    quoted_amount: Decimal | None,
) -> tuple[Plantao, bool]:
    """Book a plantão in state `requested`; a repeated `request_key` returns the first booking."""
    plantao, created = add_or_get(
        session,
        Plantao(
            person_id=customer.person_id,
            start_at=start_at,
            end_at=end_at,
            specialists=specialists,
            reason=reason,
            contact_phone=contact_phone,
            request_key=request_key,
            price_version_id=price_version_id,
            quoted_minutes=quoted_minutes,
            quoted_amount=quoted_amount,
            **people.bill_to(customer.person),
        ),
        partial(_find_by_request_key, session, request_key),
    )
    if created:
        _record(session, plantao, customer, to_state="requested")
    return plantao, created


def list_for_customer(
    session: Session, customer: Customer, *, cancellable_only: bool = False
) -> list[Plantao]:
    """The customer's own plantões, by start; only those still open to cancelling if asked."""
    query = select(Plantao).where(Plantao.person_id == customer.person_id)
    if cancellable_only:
        query = query.where(Plantao.state.in_(CANCELLABLE))
    return list(session.scalars(query.order_by(Plantao.start_at, Plantao.id)))


@dataclass(frozen=True)
class Closing:
    """A final change as confirmed: to `to_state` at `at`, due what `quote` says, which must be
    the `confirmed` amount the person saw; `note` and `announced` describe it."""

    to_state: str
    quote: Quote
    at: datetime
    confirmed: Decimal | None
    note: str
    announced: Mapping[str, Any] | None = None
    waived: bool = False


def _close(session: Session, plantao: Plantao, actor: Actor, closing: Closing) -> Done:
    """End or cancel the plantão, storing what is then due, only at the amount confirmed."""
    quote, to_state = closing.quote, closing.to_state
    if quote.amount != closing.confirmed:
        raise AmountChanged(plantao.id, quote)
    transition(
        session,
        plantao.id,
        actor,
        to_state=to_state,
        allowed_from=_CLOSABLE_FROM[to_state],
        charged_minutes=quote.charged_minutes,
        amount_due=quote.amount,
        ended_at=closing.at,
        waived=closing.waived,
        note=closing.note,
        announced=closing.announced,
    )
    return Done(plantao, quote)


def _check_cancellable(plantao: Plantao, actor: Actor, now: datetime) -> None:
    # Staff learn that a running plantão has started, with how to end it; a customer, who cannot
    # end it, that it is in progress and cannot be cancelled.
    started_states = {*CANCELLABLE, "in_progress"} if isinstance(actor, Staff) else CANCELLABLE
    if plantao.state in started_states and plantao.start_at <= now:
        raise AlreadyStarted(plantao.id, plantao.state)
    _require(plantao, CANCELLABLE)


def cancellation_preview(
    session: Session, customer: Customer, plantao_id: int, *, now: datetime, rules: TariffRules
) -> Quote:
    """What the customer's cancelling their plantão now would cost (SPEC §3.3 item 4)."""
    plantao = get(session, customer, plantao_id)
    _check_cancellable(plantao, customer, now)
    return plantao_quote(plantao, load_price_table(session), rules, now)


def cancel_by_customer(
    session: Session,
    customer: Customer,
    plantao_id: int,
    *,
    now: datetime,
    rules: TariffRules,
    confirmed: Decimal | None,
) -> Done:
    """Cancel the customer's own plantão before its start, due as SPEC §3.3 item 4 says now,
    only if that is the amount `confirmed` (the one the customer saw); AmountChanged if not."""
    quote = cancellation_preview(session, customer, plantao_id, now=now, rules=rules)
    closing = Closing("cancelled", quote, now, confirmed, "cancelado pelo cliente")
    return _close(session, get(session, customer, plantao_id), customer, closing)


# --- staff operations ------------------------------------------------------------------------


def list_for_staff(
    session: Session, staff: Staff, *, day: date | None, now: datetime, rules: TariffRules
) -> list[Listed]:
    """The plantões whose window overlaps `day` in the configured zone, or, without a day, those
    awaiting confirmation; running ones with their amount if ended now."""
    query = select(Plantao)
    if day is None:
        query = query.where(Plantao.state == "requested")
    else:
        zone = rules.calendar.timezone
        start = datetime.combine(day, time(), tzinfo=zone)
        end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
        query = query.where(Plantao.start_at < end, Plantao.end_at > start)
    plantoes = list(session.scalars(query.order_by(Plantao.start_at, Plantao.id)))
    prices = load_price_table(session)
    return [
        Listed(
            plantao,
            session.get(Person, plantao.person_id),
            current_quote(plantao, now, prices, rules) if plantao.state == "in_progress" else None,
            scheduled_end_quote(plantao, prices, rules),
        )
        for plantao in plantoes
    ]


def confirm(
    session: Session,
    staff: Staff,
    plantao_id: int,
    *,
    specialist: str,
    now: datetime,
    rules: TariffRules,
) -> Done:
    """Allocate `specialist` to a requested plantão before its start (SPEC §4); the event records
    the full window as due."""
    plantao = get(session, staff, plantao_id)
    _require(plantao, {"requested"})
    if plantao.start_at <= now:
        raise StartPassed(plantao.id, plantao.start_at)
    full = plantao_quote(plantao, load_price_table(session), rules)
    transition(
        session,
        plantao.id,
        staff,
        to_state="confirmed",
        allowed_from={"requested"},
        specialist_name=specialist,
        due_minutes=full.charged_minutes,
        due_amount=full.amount,
        note=f"especialista: {specialist}",
    )
    return Done(plantao, full)


def end_preview(
    session: Session, staff: Staff, plantao_id: int, *, at: datetime, rules: TariffRules
) -> Quote:
    """What ending a confirmed or running plantão at `at`, inside its window, costs (SPEC §3.3
    item 3). `at` may lie ahead: staff record an early end the customer has already asked for."""
    plantao = get(session, staff, plantao_id)
    _require(plantao, ENDABLE)
    if not plantao.start_at < at < plantao.end_at:
        raise EndOutsideWindow(plantao.id, plantao.start_at, plantao.end_at, at)
    return plantao_quote(plantao, load_price_table(session), rules, at)


def end_early(
    session: Session,
    staff: Staff,
    plantao_id: int,
    *,
    at: datetime,
    now: datetime,
    rules: TariffRules,
    confirmed: Decimal | None,
) -> Done:
    """End the plantão at `at` as `end_preview` prices it, only at the amount `confirmed`: at
    once when `at` is not after `now`, otherwise scheduled (SPEC §4): it keeps running, and time
    ends it early then, at this amount (`advance`). A later end replaces a scheduled one."""
    quote = end_preview(session, staff, plantao_id, at=at, rules=rules)
    plantao = get(session, staff, plantao_id)
    local_end = format_moment(at.astimezone(rules.calendar.timezone))
    if at <= now:
        note = f"encerrado pela equipe em {local_end}"
        return _close(session, plantao, staff, Closing("ended_early", quote, at, confirmed, note))
    if quote.amount != confirmed:
        raise AmountChanged(plantao.id, quote)
    # The state stays, and so does the version: a cancellation or an end confirmed meanwhile
    # still applies, and makes this one moot.
    _require(plantao, ENDABLE)
    state = plantao.state
    _compare_and_set(session, plantao, {state}, next_version=False, scheduled_end_at=at)
    _record(
        session,
        plantao,
        staff,
        from_state=state,
        to_state=state,
        charged_minutes=quote.charged_minutes,
        amount_due=quote.amount,
        note=f"encerramento agendado pela equipe para {local_end}",
    )
    return Done(plantao, quote)


def staff_cancellation_preview(
    session: Session,
    staff: Staff,
    plantao_id: int,
    *,
    now: datetime,
    rules: TariffRules,
    reason: CancelReason,
) -> Quote:
    """What cancelling a plantão that has not started costs now, for `reason` (SPEC §4): the
    customer's rule at their request, nothing without a specialist."""
    plantao = get(session, staff, plantao_id)
    _check_cancellable(plantao, staff, now)
    waived = reason is CancelReason.NO_SPECIALIST
    return plantao_quote(plantao, load_price_table(session), rules, now, waived=waived)


def cancel_by_staff(
    session: Session,
    staff: Staff,
    plantao_id: int,
    *,
    now: datetime,
    rules: TariffRules,
    reason: CancelReason,
    confirmed: Decimal | None,
) -> Done:
    """Cancel a plantão that has not started, due as `staff_cancellation_preview` says now, only
    at the amount `confirmed`; the announcement carries the reason, so the customer is told."""
    quote = staff_cancellation_preview(
        session, staff, plantao_id, now=now, rules=rules, reason=reason
    )
    note = f"cancelado pela equipe: {_REASON_NOTES[reason]}"
    waived = reason is CancelReason.NO_SPECIALIST
    closing = Closing("cancelled", quote, now, confirmed, note, {"reason": reason.value}, waived)
    return _close(session, get(session, staff, plantao_id), staff, closing)


def amounts(
    session: Session, actor: Actor, plantao_id: int, *, now: datetime, rules: TariffRules
) -> Amounts:
    """What a plantão the actor may see costs now, and what cancelling it now or running it to
    the end would cost instead."""
    plantao = get(session, actor, plantao_id)
    prices = load_price_table(session)
    cancellable_now = plantao.state in CANCELLABLE and now < plantao.start_at
    running = plantao.state == "in_progress" and now < plantao.end_at
    to_end = scheduled_end_quote(plantao, prices, rules) or plantao_quote(plantao, prices, rules)
    return Amounts(
        plantao,
        current_quote(plantao, now, prices, rules),
        plantao_quote(plantao, prices, rules, now) if cancellable_now else None,
        to_end if running else None,
    )


def announced(session: Session, plantao_id: int, event_id: int | None) -> Announced | None:
    """What an outboxed notification refers to, read when it is sent; None if it is gone."""
    plantao = session.get(Plantao, plantao_id)
    if plantao is None:
        return None
    event = None if event_id is None else session.get(PlantaoEvent, event_id)
    return Announced(plantao, session.get(Person, plantao.person_id), event)


# --- time passing ----------------------------------------------------------------------------


def advance(session: Session, now: datetime, rules: TariffRules) -> list[Plantao]:
    """Requests nobody confirmed by their start expire, charged nothing (SPEC §4); confirmed
    plantões whose window started go in progress; running ones whose scheduled end came are ended
    early then, billed as staff confirmed it; those whose window ended are completed, billed in
    full. Safe to repeat and to run concurrently: a plantão another session moved first is
    skipped."""
    due = session.scalars(
        select(Plantao)
        .where(
            or_(
                and_(Plantao.state.in_(("requested", "confirmed")), Plantao.start_at <= now),
                and_(
                    Plantao.state == "in_progress",
                    or_(Plantao.end_at <= now, Plantao.scheduled_end_at <= now),
                ),
            )
        )
        .order_by(Plantao.id)
    ).all()
    if not due:
        return []
    prices = load_price_table(session)
    moved: list[Plantao] = []
    for plantao in due:
        try:
            _advance_one(session, plantao, partial(plantao_quote, plantao, prices, rules), now)
        except StateConflict:
            continue
        moved.append(plantao)
    return moved


def _advance_one(
    session: Session, plantao: Plantao, quote: Callable[[datetime | None], Quote], now: datetime
) -> None:
    """Move one plantão as far as `now` takes it; `quote` prices it ended at a moment (None: in
    full)."""
    if plantao.state == "requested":
        _expire(session, plantao)
        return
    full = quote(None)
    if plantao.state == "confirmed":
        _system_step(
            session, plantao, "in_progress", full, note="janela iniciada no horário agendado"
        )
    scheduled = plantao.scheduled_end_at
    if scheduled is not None and scheduled <= now:
        due = quote(scheduled)
        note = "encerrado no horário agendado pela equipe"
        _system_step(session, plantao, "ended_early", due, ended_at=scheduled, note=note)
    elif plantao.end_at <= now:
        note = "janela encerrada no horário agendado"
        _system_step(session, plantao, "completed", full, ended_at=plantao.end_at, note=note)


def _system_step(
    session: Session,
    plantao: Plantao,
    to_state: str,
    due: Quote,
    *,
    note: str,
    ended_at: datetime | None = None,
) -> None:
    """Time moves the plantão to `to_state`, recording `due` as then due; a final step
    (`ended_at` given) stores it on the plantão too."""
    final = ended_at is not None
    transition(
        session,
        plantao.id,
        None,
        to_state=to_state,
        allowed_from={"confirmed"} if to_state == "in_progress" else {"in_progress"},
        charged_minutes=due.charged_minutes if final else None,
        amount_due=due.amount if final else None,
        ended_at=ended_at,
        due_minutes=due.charged_minutes,
        due_amount=due.amount,
        note=note,
    )


def _expire(session: Session, plantao: Plantao) -> None:
    """No specialist was allocated: nothing is due, and the customer and staff are told."""
    transition(
        session,
        plantao.id,
        None,
        to_state="expired",
        allowed_from={"requested"},
        charged_minutes=0,
        amount_due=Decimal("0.00"),
        note="não confirmado até o início: expirou sem custo",
    )


def _reminding(
    session: Session, plantoes: Sequence[Plantao], kind: str, occasion: str
) -> list[Notification]:
    created: list[Notification] = []
    for plantao in plantoes:
        payload = {"plantao_id": plantao.id, "ref": plantao.ref}
        key = f"plantao:{plantao.id}:{occasion}"
        notification, new = outbox.enqueue(session, kind, payload, key)
        if new:
            created.append(notification)
    return created


def _open_starting_in(session: Session, after: datetime, until: datetime) -> Sequence[Plantao]:
    """Plantões still open to cancelling (requested or confirmed) starting in (after, until]."""
    return session.scalars(
        select(Plantao)
        .where(Plantao.state.in_(CANCELLABLE), Plantao.start_at > after, Plantao.start_at <= until)
        .order_by(Plantao.start_at, Plantao.id)
    ).all()


def enqueue_due_reminders(
    session: Session, now: datetime, rules: TariffRules, lead: timedelta = REMINDER_LEAD
) -> list[Notification]:
    """Outbox the reminders due at `now` (SPEC §9), once per plantão and occasion, whoever calls
    first: "starts within the hour" for each plantão, confirmed or still awaiting confirmation,
    that starts in (now, now + lead]; "free cancellation ends soon" for each one whose free
    cancellation deadline (start − notice) is still ahead but within FREE_CANCELLATION_LEAD.

    The Telegram bot's outbox drainer calls this periodically; every read or action on plantões
    calls it too. Returns the reminders created by this call.
    """
    notice = rules.plantao.free_cancellation_notice
    starting = _open_starting_in(session, now, now + lead)
    deadline_near = _open_starting_in(session, now + notice, now + notice + FREE_CANCELLATION_LEAD)
    return [
        *_reminding(session, starting, REMINDER_KIND, "starting"),
        *_reminding(session, deadline_near, FREE_CANCELLATION_KIND, "free_cancellation"),
    ]


def refresh(session: Session, now: datetime, rules: TariffRules) -> None:
    """What every read or action on plantões does first: advance states, then remind."""
    advance(session, now, rules)
    enqueue_due_reminders(session, now, rules)

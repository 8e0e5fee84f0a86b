"""Staff operations on plantões and their advance with time, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consultoria.db import (
    Notification,
    Person,
    Plantao,
    PlantaoEvent,
    load_price_table,
    sync_config_prices,
    unit_of_work,
)
from consultoria.services.actors import Customer, Staff
from consultoria.services.people import staff_person
from consultoria.services.plantoes import (
    REMINDER_KIND,
    SCHEDULED_END_KIND,
    AlreadyStarted,
    AmountChanged,
    CancelReason,
    EndOutsideWindow,
    PlantaoNotFound,
    StateConflict,
    advance,
    amounts,
    cancel_by_customer,
    cancel_by_staff,
    cancellation_preview,
    confirm,
    current_quote,
    end_early,
    enqueue_due_reminders,
    refresh,
)
from consultoria.settings import Settings
from consultoria.tariff import TariffRules
from tests.support.databases import SATURDAY, Book, by_staff, postgres_only
from tests.support.races import race

START = SATURDAY  # Saturday 08:00 in São Paulo; the booked window runs until 18:00
END = SATURDAY + timedelta(hours=10)


@pytest.fixture
def rules(factory: sessionmaker[Session], settings: Settings) -> TariffRules:
    """The shipped rules, with the configured prices recorded as the action server does."""
    with unit_of_work(factory) as session:
        sync_config_prices(session, settings.prices)
    return settings.tariff


@pytest.fixture
def staff(factory: sessionmaker[Session]) -> Staff:
    with unit_of_work(factory) as session:
        return Staff(staff_person(session, "telegram", "900", "Equipe Plantão"), "telegram")


def confirmed(factory: sessionmaker[Session], book: Book, **kwargs: object) -> Plantao:
    plantao = book(**kwargs)
    with unit_of_work(factory) as session:
        return by_staff(session, plantao.id, "confirmed", "requested")


def history(factory: sessionmaker[Session], plantao_id: int) -> list[PlantaoEvent]:
    with factory() as session:
        query = select(PlantaoEvent).where(PlantaoEvent.plantao_id == plantao_id)
        return list(session.scalars(query.order_by(PlantaoEvent.id)))


def reload(factory: sessionmaker[Session], plantao_id: int) -> Plantao:
    with factory() as session:
        return session.get_one(Plantao, plantao_id)


def test_staff_person_is_recorded_once_with_the_staff_role(
    factory: sessionmaker[Session], staff: Staff
) -> None:
    with unit_of_work(factory) as session:
        again = staff_person(session, "telegram", "900", "Outro Nome")
    assert again.id == staff.person.id
    assert (again.role, again.name) == ("staff", "Equipe Plantão")


def test_confirmed_plantao_goes_in_progress_then_completed_billed_in_full(
    factory: sessionmaker[Session], book: Book, rules: TariffRules
) -> None:
    plantao = confirmed(factory, book)
    with unit_of_work(factory) as session:
        assert advance(session, START - timedelta(minutes=1), rules) == []
    with unit_of_work(factory) as session:
        assert [p.id for p in advance(session, START, rules)] == [plantao.id]
    running = reload(factory, plantao.id)
    assert (running.state, running.charged_minutes, running.amount_due) == (
        "in_progress",
        None,
        None,
    )
    started = history(factory, plantao.id)[-1]
    assert (started.actor_role, started.channel, started.actor_person_id) == (
        "system",
        "system",
        None,
    )
    assert (started.charged_minutes, started.amount_due) == (600, Decimal("2400.00"))
    with unit_of_work(factory) as session:
        assert advance(session, START + timedelta(hours=1), rules) == []
    with unit_of_work(factory) as session:
        advance(session, END, rules)
    done = reload(factory, plantao.id)
    assert (done.state, done.charged_minutes, done.amount_due) == (
        "completed",
        600,
        Decimal("2400.00"),
    )
    assert done.ended_at == END
    states = [(e.from_state, e.to_state) for e in history(factory, plantao.id)]
    assert states[-2:] == [("confirmed", "in_progress"), ("in_progress", "completed")]


def test_a_plantao_read_after_its_window_is_completed_in_one_go(
    factory: sessionmaker[Session], book: Book, rules: TariffRules
) -> None:
    plantao = confirmed(factory, book)
    with unit_of_work(factory) as session:
        advance(session, END + timedelta(days=3), rules)
    assert reload(factory, plantao.id).state == "completed"
    assert [e.to_state for e in history(factory, plantao.id)] == [
        "requested",
        "confirmed",
        "in_progress",
        "completed",
    ]


def test_closed_plantoes_do_not_advance_and_unconfirmed_requests_expire(
    factory: sessionmaker[Session], book: Book, rules: TariffRules
) -> None:
    waiting = book()
    ended = confirmed(factory, book, start_at=START + timedelta(days=1))
    with unit_of_work(factory) as session:
        by_staff(
            session,
            ended.id,
            "ended_early",
            "confirmed",
            ended_at=ended.start_at + timedelta(hours=2),
        )
    with unit_of_work(factory) as session:
        assert advance(session, START - timedelta(minutes=1), rules) == []
    with unit_of_work(factory) as session:
        assert [p.id for p in advance(session, START, rules)] == [waiting.id]
    with unit_of_work(factory) as session:
        assert advance(session, END + timedelta(days=5), rules) == []
    expired = reload(factory, waiting.id)
    assert (expired.state, expired.charged_minutes, expired.amount_due) == (
        "expired",
        0,
        Decimal("0.00"),
    )
    expiry = history(factory, waiting.id)[-1]
    assert (expiry.from_state, expiry.to_state, expiry.actor_role) == (
        "requested",
        "expired",
        "system",
    )
    assert reload(factory, ended.id).state == "ended_early"


@postgres_only
def test_concurrent_advances_record_each_change_once(
    factory: sessionmaker[Session], book: Book, rules: TariffRules
) -> None:
    plantoes = [confirmed(factory, book, start_at=START + timedelta(days=d)) for d in range(3)]

    def run() -> int:
        with unit_of_work(factory) as session:
            return len(advance(session, END + timedelta(days=10), rules))

    outcomes = race(run, run, run)
    assert all(isinstance(o, int) for o in outcomes), outcomes
    for plantao in plantoes:
        assert [e.to_state for e in history(factory, plantao.id)] == [
            "requested",
            "confirmed",
            "in_progress",
            "completed",
        ]


def reminders(factory: sessionmaker[Session]) -> list[Notification]:
    with factory() as session:
        query = select(Notification).where(Notification.kind == REMINDER_KIND)
        return list(session.scalars(query.order_by(Notification.id)))


def test_a_plantao_starting_within_the_hour_is_reminded_once(
    factory: sessionmaker[Session], book: Book, rules: TariffRules
) -> None:
    soon = confirmed(factory, book)
    waiting = book(start_at=START + timedelta(minutes=20))
    book(start_at=START + timedelta(minutes=40))  # 70 min ahead: not yet
    cancelled = book(start_at=START + timedelta(minutes=10))  # not to be staffed
    with unit_of_work(factory) as session:
        by_staff(session, cancelled.id, "cancelled", "requested")
    now = START - timedelta(minutes=30)
    with unit_of_work(factory) as session:
        created = enqueue_due_reminders(session, now, rules)
        assert [n.payload for n in created] == [
            {"plantao_id": soon.id, "ref": soon.ref},
            {"plantao_id": waiting.id, "ref": waiting.ref},
        ]
    with unit_of_work(factory) as session:
        assert enqueue_due_reminders(session, now + timedelta(minutes=5), rules) == []
    assert [n.dedupe_key for n in reminders(factory)] == [
        f"plantao:{soon.id}:starting",
        f"plantao:{waiting.id}:starting",
    ]


def test_no_reminder_for_a_plantao_that_already_started(
    factory: sessionmaker[Session], book: Book, rules: TariffRules
) -> None:
    book()
    with unit_of_work(factory) as session:
        assert enqueue_due_reminders(session, START, rules) == []
        assert enqueue_due_reminders(session, START + timedelta(minutes=1), rules) == []
    assert reminders(factory) == []


@postgres_only
def test_concurrent_reminder_runs_write_one_reminder(
    factory: sessionmaker[Session], book: Book, rules: TariffRules
) -> None:
    book()

    def run() -> int:
        with unit_of_work(factory) as session:
            return len(enqueue_due_reminders(session, START - timedelta(minutes=30), rules))

    assert sorted(race(run, run, run)) == [0, 0, 1]
    assert len(reminders(factory)) == 1


def test_refresh_advances_and_reminds(
    factory: sessionmaker[Session], book: Book, rules: TariffRules
) -> None:
    running = confirmed(factory, book)
    upcoming = book(start_at=START + timedelta(minutes=40))
    with unit_of_work(factory) as session:
        refresh(session, START + timedelta(minutes=1), rules)
    assert reload(factory, running.id).state == "in_progress"
    assert [n.payload["ref"] for n in reminders(factory)] == [upcoming.ref]


def test_confirming_assigns_the_specialist_and_audits_the_amount(
    factory: sessionmaker[Session], book: Book, rules: TariffRules, staff: Staff
) -> None:
    plantao, eve = book(), START - timedelta(days=1)
    with unit_of_work(factory) as session:
        done = confirm(session, staff, plantao.id, specialist="Maria Souza", now=eve, rules=rules)
    assert done.quote.amount == Decimal("2400.00")
    saved = reload(factory, plantao.id)
    assert (saved.state, saved.specialist_name, saved.amount_due) == (
        "confirmed",
        "Maria Souza",
        None,
    )
    event = history(factory, plantao.id)[-1]
    assert (event.actor_person_id, event.actor_role, event.channel) == (
        staff.person.id,
        "staff",
        "telegram",
    )
    assert (event.charged_minutes, event.amount_due) == (600, Decimal("2400.00"))
    assert event.note == "especialista: Maria Souza"
    with pytest.raises(StateConflict) as caught, unit_of_work(factory) as session:
        confirm(session, staff, plantao.id, specialist="Outro", now=eve, rules=rules)
    assert caught.value.state == "confirmed"
    assert reload(factory, plantao.id).specialist_name == "Maria Souza"


def test_ending_a_saturday_plantao_at_ten_bills_the_daily_minimum(
    factory: sessionmaker[Session], book: Book, rules: TariffRules, staff: Staff
) -> None:
    plantao = confirmed(factory, book)
    at = START + timedelta(hours=2)  # 10:00 in São Paulo
    with unit_of_work(factory) as session:
        done = end_early(
            session, staff, plantao.id, at=at, now=at, rules=rules, confirmed=Decimal("960.00")
        )
    assert (done.quote.charged_minutes, done.quote.amount) == (240, Decimal("960.00"))
    saved = reload(factory, plantao.id)
    assert (saved.state, saved.ended_at, saved.charged_minutes, saved.amount_due) == (
        "ended_early",
        at,
        240,
        Decimal("960.00"),
    )
    event = history(factory, plantao.id)[-1]
    assert (event.from_state, event.to_state, event.actor_person_id) == (
        "confirmed",
        "ended_early",
        staff.person.id,
    )
    assert (event.charged_minutes, event.amount_due) == (240, Decimal("960.00"))


def test_ending_a_running_plantao_after_the_minimum_bills_the_worked_time(
    factory: sessionmaker[Session], book: Book, rules: TariffRules, staff: Staff
) -> None:
    plantao = confirmed(factory, book)
    at = START + timedelta(hours=5)  # 13:00
    with unit_of_work(factory) as session:
        advance(session, START + timedelta(hours=1), rules)
        done = end_early(
            session, staff, plantao.id, at=at, now=at, rules=rules, confirmed=Decimal("1200.00")
        )
    assert (done.quote.charged_minutes, done.quote.amount) == (300, Decimal("1200.00"))
    assert reload(factory, plantao.id).state == "ended_early"


# --- an end time still ahead schedules the end (SPEC §4) --------------------------------------

TEN = START + timedelta(hours=2)  # 10:00 in São Paulo: the Saturday minimum, R$ 960,00


def schedule(
    factory: sessionmaker[Session],
    staff: Staff,
    plantao: Plantao,
    rules: TariffRules,
    *,
    at: datetime,
    now: datetime,
    confirmed: str,
) -> Decimal | None:
    with unit_of_work(factory) as session:
        done = end_early(
            session, staff, plantao.id, at=at, now=now, rules=rules, confirmed=Decimal(confirmed)
        )
    return done.quote.amount


def test_an_end_ahead_is_scheduled_and_time_ends_the_plantao_then(
    factory: sessionmaker[Session], book: Book, rules: TariffRules, staff: Staff
) -> None:
    plantao = confirmed(factory, book)
    with unit_of_work(factory) as session:
        advance(session, START, rules)
    version = reload(factory, plantao.id).version
    now = START + timedelta(hours=1)
    assert schedule(factory, staff, plantao, rules, at=TEN, now=now, confirmed="960.00") == (
        Decimal("960.00")
    )
    running = reload(factory, plantao.id)
    assert (running.state, running.scheduled_end_at, running.ended_at, running.amount_due) == (
        "in_progress",
        TEN,
        None,
        None,
    )
    assert running.version == version  # no state changed: nothing prepared meanwhile fails
    event = history(factory, plantao.id)[-1]
    assert (event.from_state, event.to_state, event.actor_person_id, event.amount_due) == (
        "in_progress",
        "in_progress",
        staff.person.id,
        Decimal("960.00"),
    )
    assert event.note == "encerramento agendado pela equipe para sáb., 01/06/2030 10:00"
    with unit_of_work(factory) as session:
        assert advance(session, TEN - timedelta(seconds=1), rules) == []
    with unit_of_work(factory) as session:
        assert [p.id for p in advance(session, TEN, rules)] == [plantao.id]
    ended = reload(factory, plantao.id)
    assert (ended.state, ended.ended_at, ended.charged_minutes, ended.amount_due) == (
        "ended_early",
        TEN,
        240,
        Decimal("960.00"),
    )
    last = history(factory, plantao.id)[-1]
    assert (last.from_state, last.actor_role, last.channel, last.amount_due) == (
        "in_progress",
        "system",
        "system",
        Decimal("960.00"),
    )
    with factory() as session:
        told = session.scalars(
            select(Notification).where(Notification.kind == SCHEDULED_END_KIND)
        ).all()
    assert [n.payload["event_id"] for n in told] == [last.id]


def test_a_scheduled_end_read_long_after_is_an_early_end_not_a_completion(
    factory: sessionmaker[Session], book: Book, rules: TariffRules, staff: Staff
) -> None:
    plantao = confirmed(factory, book)
    ahead = START - timedelta(days=2)  # not even started: the end waits for the window
    schedule(
        factory,
        staff,
        plantao,
        rules,
        at=START + timedelta(hours=5),
        now=ahead,
        confirmed="1200.00",
    )
    assert reload(factory, plantao.id).state == "confirmed"
    with unit_of_work(factory) as session:
        advance(session, END + timedelta(days=3), rules)
    saved = reload(factory, plantao.id)
    assert (saved.state, saved.ended_at, saved.amount_due) == (
        "ended_early",
        START + timedelta(hours=5),
        Decimal("1200.00"),
    )
    assert [e.to_state for e in history(factory, plantao.id)] == [
        "requested",
        "confirmed",
        "confirmed",  # the end scheduled
        "in_progress",
        "ended_early",
    ]


def test_a_later_end_replaces_the_scheduled_one(
    factory: sessionmaker[Session], book: Book, rules: TariffRules, staff: Staff
) -> None:
    plantao = confirmed(factory, book)
    now = START + timedelta(minutes=30)
    with unit_of_work(factory) as session:
        advance(session, now, rules)
    schedule(factory, staff, plantao, rules, at=TEN, now=now, confirmed="960.00")
    three = START + timedelta(hours=7)
    schedule(factory, staff, plantao, rules, at=three, now=now, confirmed="1680.00")
    with unit_of_work(factory) as session:
        assert advance(session, TEN + timedelta(hours=1), rules) == []
    with unit_of_work(factory) as session:
        advance(session, three, rules)
    saved = reload(factory, plantao.id)
    assert (saved.state, saved.ended_at, saved.charged_minutes) == ("ended_early", three, 420)


def test_an_end_now_or_a_cancellation_overrides_a_scheduled_end(
    factory: sessionmaker[Session], book: Book, rules: TariffRules, staff: Staff, person: Person
) -> None:
    running, waiting = (
        confirmed(factory, book),
        confirmed(factory, book, start_at=START + timedelta(days=7)),
    )
    with unit_of_work(factory) as session:
        advance(session, START, rules)
    schedule(factory, staff, running, rules, at=TEN, now=START, confirmed="960.00")
    eve = START - timedelta(days=1)
    week_later = waiting.start_at + timedelta(hours=2)
    schedule(factory, staff, waiting, rules, at=week_later, now=eve, confirmed="960.00")
    nine = START + timedelta(hours=1)
    with unit_of_work(factory) as session:
        end_early(
            session, staff, running.id, at=nine, now=nine, rules=rules, confirmed=Decimal("960.00")
        )
        cancel_by_customer(
            session,
            Customer(person, "telegram"),
            waiting.id,
            now=START,
            rules=rules,
            confirmed=Decimal("0.00"),
        )
    with unit_of_work(factory) as session:
        assert advance(session, END + timedelta(days=10), rules) == []
    assert (reload(factory, running.id).state, reload(factory, running.id).ended_at) == (
        "ended_early",
        nine,
    )
    assert reload(factory, waiting.id).state == "cancelled"
    with factory() as session:
        assert (
            session.scalars(
                select(Notification).where(Notification.kind == SCHEDULED_END_KIND)
            ).all()
            == []
        )


def test_a_scheduled_end_at_another_amount_schedules_nothing(
    factory: sessionmaker[Session], book: Book, rules: TariffRules, staff: Staff
) -> None:
    plantao = confirmed(factory, book)
    with pytest.raises(AmountChanged) as caught:
        schedule(
            factory,
            staff,
            plantao,
            rules,
            at=TEN,
            now=START - timedelta(days=1),
            confirmed="900.00",
        )
    assert caught.value.quote.amount == Decimal("960.00")
    assert reload(factory, plantao.id).scheduled_end_at is None
    assert len(history(factory, plantao.id)) == 2


@pytest.mark.parametrize(
    "offset", [timedelta(0), timedelta(hours=-1), timedelta(hours=10), timedelta(hours=12)]
)
def test_an_end_outside_the_window_is_refused(
    factory: sessionmaker[Session],
    book: Book,
    rules: TariffRules,
    staff: Staff,
    offset: timedelta,
) -> None:
    plantao = confirmed(factory, book)
    with pytest.raises(EndOutsideWindow) as caught, unit_of_work(factory) as session:
        end_early(
            session,
            staff,
            plantao.id,
            at=START + offset,
            now=START + offset,
            rules=rules,
            confirmed=None,
        )
    refused = caught.value
    assert (refused.start_at, refused.end_at, refused.at) == (START, END, START + offset)
    assert reload(factory, plantao.id).state == "confirmed"
    assert len(history(factory, plantao.id)) == 2


def test_only_confirmed_or_running_plantoes_can_be_ended(
    factory: sessionmaker[Session], book: Book, rules: TariffRules, staff: Staff
) -> None:
    plantao = book()
    at = START + timedelta(hours=2)
    with pytest.raises(StateConflict) as caught, unit_of_work(factory) as session:
        end_early(session, staff, plantao.id, at=at, now=at, rules=rules, confirmed=None)
    assert caught.value.state == "requested"
    with pytest.raises(PlantaoNotFound, match="P-0999"), unit_of_work(factory) as session:
        end_early(session, staff, 999, at=START, now=START, rules=rules, confirmed=None)


def staff_cancel(
    now: datetime, reason: CancelReason, confirmed: Decimal | None, rules: TariffRules
) -> dict[str, Any]:
    """The keywords of a staff cancellation at `now`, for `reason`, of the amount `confirmed`."""
    return {"now": now, "rules": rules, "reason": reason, "confirmed": confirmed}


def test_staff_cancelling_early_is_free(
    factory: sessionmaker[Session], book: Book, rules: TariffRules, staff: Staff
) -> None:
    plantao = confirmed(factory, book)
    now = START - timedelta(days=2)
    with unit_of_work(factory) as session:
        done = cancel_by_staff(
            session,
            staff,
            plantao.id,
            **staff_cancel(now, CancelReason.CUSTOMER_REQUEST, Decimal("0.00"), rules),
        )
    assert done.quote.charged_minutes == 0
    assert not done.quote.amount
    saved = reload(factory, plantao.id)
    assert (saved.state, saved.charged_minutes, saved.ended_at) == ("cancelled", 0, now)
    event = history(factory, plantao.id)[-1]
    assert (event.actor_role, event.note) == (
        "staff",
        "cancelado pela equipe: a pedido do cliente",
    )
    with factory() as session:
        count = session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.dedupe_key == f"plantao:{plantao.id}:cancelled")
        )
    assert count == 1


def test_staff_cancelling_late_bills_the_first_days_minimum(
    factory: sessionmaker[Session], book: Book, rules: TariffRules, staff: Staff
) -> None:
    plantao = book()
    with unit_of_work(factory) as session:
        done = cancel_by_staff(
            session,
            staff,
            plantao.id,
            **staff_cancel(
                START - timedelta(hours=3), CancelReason.CUSTOMER_REQUEST, Decimal("960.00"), rules
            ),
        )
    assert (done.quote.charged_minutes, done.quote.amount) == (240, Decimal("960.00"))
    assert reload(factory, plantao.id).amount_due == Decimal("960.00")


def test_staff_cancelling_late_for_lack_of_a_specialist_charges_nothing(
    factory: sessionmaker[Session], book: Book, rules: TariffRules, staff: Staff
) -> None:
    plantao = book()
    late = START - timedelta(hours=3)
    reason = CancelReason.NO_SPECIALIST
    with pytest.raises(AmountChanged) as caught, unit_of_work(factory) as session:
        # The customer's late charge is not what a cancellation without a specialist confirms.
        cancel_by_staff(
            session, staff, plantao.id, **staff_cancel(late, reason, Decimal("960.00"), rules)
        )
    assert caught.value.quote.amount == Decimal("0.00")
    assert reload(factory, plantao.id).state == "requested"
    with unit_of_work(factory) as session:
        done = cancel_by_staff(
            session, staff, plantao.id, **staff_cancel(late, reason, Decimal("0.00"), rules)
        )
    assert (done.quote.charged_minutes, done.quote.amount, done.quote.waived) == (
        0,
        Decimal("0.00"),
        True,
    )
    # The engine's own quote: the customer's rule would bill the 240-minute minimum, waived.
    assert done.quote.minutes_per_specialist == 240
    assert "Abonado: nada é cobrado por este plantão." in done.quote.lines
    assert done.quote.lines[-1] == "Total: 240 min (4h) abonados = R$ 0,00."
    saved = reload(factory, plantao.id)
    assert (saved.state, saved.charged_minutes, saved.amount_due) == (
        "cancelled",
        0,
        Decimal("0.00"),
    )
    assert (
        history(factory, plantao.id)[-1].note
        == "cancelado pela equipe: sem especialista disponível"
    )
    # What it cost, asked afterwards, is what was recorded: nothing, not the customer's rule.
    with unit_of_work(factory) as session:
        asked = amounts(session, staff, plantao.id, now=START + timedelta(days=1), rules=rules)
    assert (asked.current.amount, asked.current.waived, saved.waived) == (
        Decimal("0.00"),
        True,
        True,
    )


def test_a_late_cancellation_at_the_customers_request_is_not_waived(
    factory: sessionmaker[Session], book: Book, rules: TariffRules, staff: Staff
) -> None:
    plantao = book()
    late = START - timedelta(hours=3)
    with unit_of_work(factory) as session:
        cancel_by_staff(
            session,
            staff,
            plantao.id,
            **staff_cancel(late, CancelReason.CUSTOMER_REQUEST, Decimal("960.00"), rules),
        )
    with unit_of_work(factory) as session:
        asked = amounts(session, staff, plantao.id, now=START + timedelta(days=1), rules=rules)
    assert (asked.current.amount, reload(factory, plantao.id).waived) == (Decimal("960.00"), False)


def test_an_end_confirmed_at_another_amount_changes_nothing(
    factory: sessionmaker[Session], book: Book, rules: TariffRules, staff: Staff
) -> None:
    plantao = confirmed(factory, book)
    at = START + timedelta(hours=2)
    with pytest.raises(AmountChanged) as caught, unit_of_work(factory) as session:
        end_early(
            session, staff, plantao.id, at=at, now=at, rules=rules, confirmed=Decimal("900.00")
        )
    assert caught.value.quote.amount == Decimal("960.00")
    assert (reload(factory, plantao.id).state, len(history(factory, plantao.id))) == (
        "confirmed",
        2,
    )


@pytest.mark.parametrize("state", ["requested", "confirmed"])
def test_a_started_plantao_cannot_be_cancelled(
    factory: sessionmaker[Session], book: Book, rules: TariffRules, staff: Staff, state: str
) -> None:
    plantao = book() if state == "requested" else confirmed(factory, book)
    with pytest.raises(AlreadyStarted) as caught, unit_of_work(factory) as session:
        cancel_by_staff(
            session,
            staff,
            plantao.id,
            **staff_cancel(START, CancelReason.CUSTOMER_REQUEST, None, rules),
        )
    assert caught.value.state == state
    assert reload(factory, plantao.id).state == state


def test_current_quote_follows_the_state(
    factory: sessionmaker[Session], book: Book, rules: TariffRules
) -> None:
    plantao = confirmed(factory, book)
    with factory() as session:
        table = load_price_table(session)
    assert current_quote(plantao, START - timedelta(days=1), table, rules).charged_minutes == 600
    with unit_of_work(factory) as session:
        advance(session, START, rules)
    running = reload(factory, plantao.id)
    at_nine = START + timedelta(hours=1)
    assert current_quote(running, at_nine, table, rules).charged_minutes == 240
    at_two = START + timedelta(hours=6)
    assert current_quote(running, at_two, table, rules).charged_minutes == 360
    with unit_of_work(factory) as session:
        by_staff(session, plantao.id, "ended_early", "in_progress", ended_at=at_two)
    ended = reload(factory, plantao.id)
    assert current_quote(ended, END + timedelta(days=9), table, rules).charged_minutes == 360


def test_a_customer_cancels_only_their_own_plantao_before_it_starts(
    factory: sessionmaker[Session], book: Book, rules: TariffRules, person: Person
) -> None:
    me = Customer(person, "telegram")
    ahead, started = book(), book(start_at=START + timedelta(days=1))
    with factory() as session:
        preview = cancellation_preview(
            session, me, ahead.id, now=START - timedelta(days=2), rules=rules
        )
    assert (preview.charged_minutes, preview.amount) == (0, Decimal("0.00"))
    with unit_of_work(factory) as session:
        done = cancel_by_customer(
            session,
            me,
            ahead.id,
            now=START - timedelta(days=2),
            rules=rules,
            confirmed=Decimal("0.00"),
        )
    assert done.plantao.state == "cancelled"
    event = history(factory, ahead.id)[-1]
    assert (event.actor_role, event.actor_person_id, event.note) == (
        "customer",
        person.id,
        "cancelado pelo cliente",
    )
    with pytest.raises(AlreadyStarted), unit_of_work(factory) as session:
        cancel_by_customer(
            session, me, started.id, now=started.start_at, rules=rules, confirmed=None
        )
    with pytest.raises(StateConflict) as caught, unit_of_work(factory) as session:
        cancel_by_customer(
            session, me, ahead.id, now=START - timedelta(days=1), rules=rules, confirmed=None
        )
    assert caught.value.state == "cancelled"


def test_a_running_plantao_is_started_for_staff_and_in_progress_for_its_customer(
    factory: sessionmaker[Session], book: Book, rules: TariffRules, staff: Staff, person: Person
) -> None:
    plantao = confirmed(factory, book)
    with unit_of_work(factory) as session:
        advance(session, START, rules)
    now = START + timedelta(hours=1)
    with pytest.raises(AlreadyStarted), unit_of_work(factory) as session:
        cancel_by_staff(
            session, staff, plantao.id, **staff_cancel(now, CancelReason.NO_SPECIALIST, None, rules)
        )
    customer = Customer(person, "telegram")
    with pytest.raises(StateConflict) as caught, factory() as session:
        cancellation_preview(session, customer, plantao.id, now=now, rules=rules)
    assert caught.value.state == "in_progress"


def test_amounts_weigh_the_alternative_to_the_current_state(
    factory: sessionmaker[Session], book: Book, rules: TariffRules, staff: Staff
) -> None:
    plantao = confirmed(factory, book)
    with factory() as session:
        ahead = amounts(session, staff, plantao.id, now=START - timedelta(days=2), rules=rules)
    assert ahead.current.charged_minutes == 600 and ahead.if_run_to_end is None
    assert ahead.if_cancelled_now is not None and ahead.if_cancelled_now.charged_minutes == 0
    with unit_of_work(factory) as session:
        advance(session, START, rules)
    with factory() as session:
        running = amounts(session, staff, plantao.id, now=START + timedelta(hours=1), rules=rules)
    assert (running.current.charged_minutes, running.if_cancelled_now) == (240, None)
    assert running.if_run_to_end is not None and running.if_run_to_end.charged_minutes == 600

"""Consultoria Técnica appointments on SQLite and PostgreSQL: requested only with the acceptance
of the Técnica Term that names them, seen and cancelled only by their customer, confirmed by
staff with a slot ahead and in business hours, one of two concurrent changes winning, and each
change in the append-only history and the outbox."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consultoria.db import (
    Appointment,
    AppointmentEvent,
    Notification,
    Person,
    TermAcceptance,
    load_price_table,
    sync_config_prices,
    unit_of_work,
)
from consultoria.services import appointments, privacy
from consultoria.services.actors import Customer, Staff
from consultoria.services.people import remember_person, staff_person
from consultoria.services.reports import acceptances_between
from consultoria.services.terms import sync_term
from consultoria.settings import Settings
from consultoria.tariff import Modality, PriceTable, PriceVersion
from consultoria.textparse import SAO_PAULO
from tests.support.races import race

TUESDAY = date(2030, 6, 4)
NOW = datetime(2030, 5, 30, 15, 0, tzinfo=timezone.utc)
# Tuesday 14:00 in São Paulo, and 17:30 (a 60-minute slot then ends after 18:00).
AT_TWO = datetime(2030, 6, 4, 14, 0, tzinfo=SAO_PAULO)
LATE = datetime(2030, 6, 4, 17, 30, tzinfo=SAO_PAULO)


def _details(**fields: Any) -> appointments.AppointmentRequest:
    values: dict[str, Any] = {
        "subject": "Revisão do fechamento fiscal",
        "system": "Protheus",
        "preference": appointments.Preference(TUESDAY, "tarde", None),
        "estimated_minutes": None,
        "contact_phone": "(11) 91234-5678",
        **fields,
    }
    return appointments.AppointmentRequest(**values)


def _request(
    factory: sessionmaker[Session],
    settings: Settings,
    person: Person,
    modality: str = "tecnica",
    key: str | None = None,
    **fields: Any,
) -> int:
    with unit_of_work(factory) as session:
        sync_config_prices(session, settings.prices)
        term = sync_term(session, modality, "Termo", f"Termo de {modality}")
        accepted = appointments.TermAccepted(term, term.sha256, "m-1")
        found, _ = appointments.request(
            session,
            Customer(person, "telegram"),
            _details(**fields),
            accepted,
            request_key=key,
            prices=load_price_table(session),
            rules=settings.tariff,
        )
        return found.id


def _staff(session: Session) -> Staff:
    return Staff(staff_person(session, "telegram", "900", "Carla Equipe"), "telegram")


def _confirm(
    factory: sessionmaker[Session], settings: Settings, appointment_id: int, start: datetime
) -> Appointment:
    with unit_of_work(factory) as session:
        return appointments.confirm(
            session,
            _staff(session),
            appointment_id,
            start_at=start,
            now=NOW,
            rules=settings.tariff,
            default_minutes=settings.tecnica_default_minutes,
        )


def _cancel(factory: sessionmaker[Session], person: Person, appointment_id: int) -> Appointment:
    with unit_of_work(factory) as session:
        return appointments.cancel_by_customer(
            session, Customer(person, "telegram"), appointment_id, now=NOW
        )


def _kinds(factory: sessionmaker[Session]) -> list[str]:
    with unit_of_work(factory) as session:
        return list(session.scalars(select(Notification.kind).order_by(Notification.id)))


def test_a_request_records_its_acceptance_history_and_staff_notice(
    factory: sessionmaker[Session], settings: Settings, person: Person
) -> None:
    appointment_id = _request(factory, settings, person, estimated_minutes=5)
    with unit_of_work(factory) as session:
        found = session.get_one(Appointment, appointment_id)
        answer = session.scalars(select(TermAcceptance)).one()
        events = session.scalars(select(AppointmentEvent)).all()
        report = acceptances_between(session, TUESDAY.replace(year=2020), TUESDAY, SAO_PAULO)
    assert (found.ref, found.state, found.period, found.bill_to) == (
        f"T-{appointment_id:04d}",
        "requested",
        "tarde",
        "customer",
    )
    # Five minutes estimated: the engine's 10-minute minimum, at a rate "as in the Term".
    assert (found.quoted_minutes, found.quoted_amount) == (10, None)
    assert (answer.modality, answer.accepted, answer.appointment_id) == ("tecnica", True, found.id)
    assert [(e.from_state, e.to_state, e.actor_role) for e in events] == [
        (None, "requested", "customer")
    ]
    assert [row.subject for row in report] == [found.ref]
    assert _kinds(factory) == [appointments.REQUESTED_KIND]


def test_only_the_tecnica_term_requests_an_appointment(
    factory: sessionmaker[Session], settings: Settings, person: Person
) -> None:
    with pytest.raises(ValueError, match="plantao"):
        _request(factory, settings, person, modality="plantao")
    with unit_of_work(factory) as session:
        assert session.scalars(select(Appointment)).all() == []
        assert session.scalars(select(TermAcceptance)).all() == []


def test_a_consultant_requests_for_the_unit(
    factory: sessionmaker[Session], settings: Settings, person: Person
) -> None:
    with unit_of_work(factory) as session:
        consultant = remember_person(
            session, "telegram", "1001", "Ana Cliente", role="consultant", unit="Unidade Sul"
        )
    appointment_id = _request(factory, settings, consultant)
    with unit_of_work(factory) as session:
        found = session.get_one(Appointment, appointment_id)
        assert (found.bill_to, found.bill_to_unit) == ("consultant_unit", "Unidade Sul")


def test_the_same_request_delivered_twice_is_one_appointment(
    factory: sessionmaker[Session], settings: Settings, person: Person
) -> None:
    first = _request(factory, settings, person, key="k-1")
    assert _request(factory, settings, person, key="k-1") == first
    with unit_of_work(factory) as session:
        assert len(session.scalars(select(TermAcceptance)).all()) == 1


def test_a_customer_sees_and_cancels_only_their_own(
    factory: sessionmaker[Session], settings: Settings, person: Person, other_person: Person
) -> None:
    mine = _request(factory, settings, person)
    theirs = _request(factory, settings, other_person)
    with unit_of_work(factory) as session:
        listed = appointments.list_for_customer(session, Customer(person, "telegram"))
        assert [a.id for a in listed] == [mine]
    with pytest.raises(appointments.AppointmentNotFound):
        _cancel(factory, person, theirs)
    assert _cancel(factory, person, mine).state == "cancelled"
    with pytest.raises(appointments.StateConflict):
        _cancel(factory, person, mine)
    assert _kinds(factory)[-1] == appointments.CANCELLED_KIND


def test_staff_confirm_a_slot_in_business_hours_ahead(
    factory: sessionmaker[Session], settings: Settings, person: Person
) -> None:
    appointment_id = _request(factory, settings, person, estimated_minutes=90)
    with pytest.raises(appointments.SlotRefused) as closed:
        _confirm(factory, settings, appointment_id, LATE)  # 17:30 + 90 min passes 18:00
    assert not closed.value.passed
    saturday = datetime(2030, 6, 1, 10, 0, tzinfo=SAO_PAULO)
    with pytest.raises(appointments.SlotRefused):
        _confirm(factory, settings, appointment_id, saturday)
    with pytest.raises(appointments.SlotRefused) as passed:
        _confirm(factory, settings, appointment_id, datetime(2030, 5, 30, 9, tzinfo=SAO_PAULO))
    assert passed.value.passed
    confirmed = _confirm(factory, settings, appointment_id, AT_TWO)
    assert (confirmed.state, confirmed.slot_start_at, confirmed.version) == ("confirmed", AT_TWO, 2)
    assert confirmed.slot_end_at == datetime(2030, 6, 4, 15, 30, tzinfo=SAO_PAULO)
    assert _kinds(factory) == [appointments.REQUESTED_KIND, appointments.CONFIRMED_KIND]
    with pytest.raises(appointments.StateConflict):
        _confirm(factory, settings, appointment_id, AT_TWO)


def test_a_confirmed_slot_lasts_the_default_without_an_estimate(
    factory: sessionmaker[Session], settings: Settings, person: Person
) -> None:
    appointment_id = _request(factory, settings, person)
    confirmed = _confirm(factory, settings, appointment_id, AT_TWO)
    minutes = (confirmed.slot_end_at - confirmed.slot_start_at).total_seconds() / 60  # type: ignore[operator]
    assert minutes == settings.tecnica_default_minutes


def test_a_confirmed_appointment_is_cancelled_only_before_its_slot(
    factory: sessionmaker[Session], settings: Settings, person: Person
) -> None:
    appointment_id = _request(factory, settings, person)
    _confirm(factory, settings, appointment_id, AT_TWO)
    with unit_of_work(factory) as session:
        customer = Customer(person, "telegram")
        assert [a.id for a in appointments.open_for_customer(session, customer, NOW)] == [
            appointment_id
        ]
        after = datetime(2030, 6, 4, 14, 5, tzinfo=SAO_PAULO)
        assert appointments.open_for_customer(session, customer, after) == []
        with pytest.raises(appointments.SlotStarted):
            appointments.cancel_by_customer(session, customer, appointment_id, now=after)
    assert _cancel(factory, person, appointment_id).state == "cancelled"


def test_of_a_confirmation_and_a_cancellation_at_once_one_wins(
    factory: sessionmaker[Session], settings: Settings, person: Person
) -> None:
    appointment_id = _request(factory, settings, person)
    outcomes = race(
        lambda: _confirm(factory, settings, appointment_id, AT_TWO).state,
        lambda: _cancel(factory, person, appointment_id).state,
    )
    won = [o for o in outcomes if isinstance(o, str)]
    assert len(won) == 1 and any(isinstance(o, appointments.AppointmentError) for o in outcomes)
    with unit_of_work(factory) as session:
        events = session.scalars(select(AppointmentEvent).order_by(AppointmentEvent.id)).all()
        found = session.get_one(Appointment, appointment_id)
    assert [e.to_state for e in events] == ["requested", found.state]
    assert found.version == 2 and found.state == won[0]


def test_a_quote_with_a_configured_rate(settings: Settings) -> None:
    table = PriceTable.of((PriceVersion(Modality.TECNICA, Decimal("5.00"), date(2026, 1, 1)),))
    quote = appointments.estimate_quote(45, TUESDAY, table, settings.tariff, consultant=True)
    assert (quote.charged_minutes, quote.amount) == (45, Decimal("225.00"))
    assert quote.bill_to.value == "consultant_unit"


def test_a_copy_of_the_data_lists_them_and_erasure_forgets_cancelled_phones(
    factory: sessionmaker[Session], settings: Settings, person: Person
) -> None:
    kept = _request(factory, settings, person)
    cancelled = _cancel(factory, person, _request(factory, settings, person)).id
    with unit_of_work(factory) as session:
        copy = privacy.export_personal_data(session, "telegram", "1001")
        assert copy is not None and [a.id for a in copy.appointments] == [kept, cancelled]
        erased = privacy.erase_personal_data(session, "telegram", "1001")
    assert erased.appointment_phones_erased == 1
    with unit_of_work(factory) as session:
        phones = {a.id: a.contact_phone for a in session.scalars(select(Appointment))}
    assert phones == {kept: "(11) 91234-5678", cancelled: ""}

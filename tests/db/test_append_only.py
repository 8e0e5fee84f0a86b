"""Audit tables reject UPDATE and DELETE in the database itself, whatever the client."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from consultoria.db import (
    Appointment,
    AppointmentEvent,
    Base,
    HourBankEntry,
    Person,
    PriceVersionRow,
    TermText,
    TicketOutcomeRow,
    unit_of_work,
)
from consultoria.db.append_only import APPEND_ONLY_TABLES
from tests.support.databases import Book, postgres_only
from tests.support.terms import answer, term_version


@pytest.fixture
def seeded(factory: sessionmaker[Session], person: Person, book: Book) -> None:
    """One row in each append-only table (the booking adds its `requested` event, the
    appointment gets one written here)."""
    book()
    with unit_of_work(factory) as session:
        price = PriceVersionRow(
            modality="plantao",
            per_minute=Decimal("4.00"),
            effective=date(2026, 1, 1),
            source="config",
        )
        session.add(price)
        term = term_version(session)
        session.add(TermText(term_version_id=term.id, text=term.text))
        accepted = answer(person.id, term, price_version_id=price.id, ticket="18234567")
        session.add(accepted)
        session.flush()
        session.add(HourBankEntry(person_id=person.id, kind="credit", minutes=600))
        appointment = Appointment(
            person_id=person.id,
            bill_to="customer",
            subject="Revisão do fechamento",
            system="Protheus",
            preferred_day=date(2030, 6, 4),
            period="manha",
            contact_phone="(11) 91234-5678",
        )
        session.add(appointment)
        session.flush()
        session.add(
            AppointmentEvent(
                appointment_id=appointment.id,
                to_state="requested",
                actor_role="customer",
                channel="telegram",
            )
        )
        session.add(
            TicketOutcomeRow(
                acceptance_id=accepted.id,
                outcome="published",
                staff_person_id=person.id,
                channel="telegram",
            )
        )


def test_the_list_covers_the_audit_tables() -> None:
    assert set(APPEND_ONLY_TABLES) <= set(Base.metadata.tables)
    assert set(APPEND_ONLY_TABLES) == {
        "price_versions",
        "term_acceptances",
        "plantao_events",
        "term_texts",
        "hour_bank_entries",
        "appointment_events",
        "ticket_outcomes",
    }


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(text(table))) or 0


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
@pytest.mark.parametrize("statement", ["UPDATE {table} SET id = id", "DELETE FROM {table}"])
def test_update_and_delete_abort(engine: Engine, table: str, statement: str) -> None:
    assert _count(engine, table) == 1
    with pytest.raises(IntegrityError, match="append-only"), engine.begin() as connection:
        connection.exec_driver_sql(statement.format(table=table))
    assert _count(engine, table) == 1


@postgres_only
@pytest.mark.usefixtures("seeded")
def test_postgres_truncate_aborts(engine: Engine) -> None:
    for table in APPEND_ONLY_TABLES:
        with pytest.raises(IntegrityError, match="append-only"), engine.begin() as connection:
            connection.exec_driver_sql(f"TRUNCATE {table} CASCADE")
        assert _count(engine, table) == 1


@pytest.mark.usefixtures("seeded")
def test_other_tables_stay_mutable(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE persons SET unit = 'Unidade Centro'")
        connection.exec_driver_sql("UPDATE plantoes SET state = 'confirmed'")

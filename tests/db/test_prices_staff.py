"""Price versions synced from the configuration, the staff roster and the roles people declare."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consultoria.db import (
    PriceConflict,
    PriceVersionRow,
    StaffMember,
    add_readjustment,
    load_price_table,
    sync_config_prices,
    unit_of_work,
)
from consultoria.services.people import is_staff, remember_person, staff_actor, sync_staff
from consultoria.settings import Settings, StaffSeed
from consultoria.tariff import Modality, PriceVersion


def test_sync_config_prices_is_idempotent(
    factory: sessionmaker[Session], settings: Settings
) -> None:
    with unit_of_work(factory) as session:
        assert sync_config_prices(session, settings.prices) == settings.prices
    with unit_of_work(factory) as session:
        assert sync_config_prices(session, settings.prices) == ()
        rows = session.scalars(select(PriceVersionRow)).all()
        table = load_price_table(session)
    assert len(rows) == len(settings.prices)
    assert {r.source for r in rows} == {"config"}
    assert table == settings.price_table


def test_unset_rate_round_trips(factory: sessionmaker[Session]) -> None:
    unset = PriceVersion(Modality.TECNICA, None, date(2026, 1, 1))
    with unit_of_work(factory) as session:
        sync_config_prices(session, [unset])
    with factory() as session:
        assert load_price_table(session).price_on(Modality.TECNICA, date(2026, 5, 1)) == unset


def test_readjustment_is_appended(factory: sessionmaker[Session], settings: Settings) -> None:
    readjusted = PriceVersion(Modality.PLANTAO, Decimal("4.21"), date(2027, 1, 1), Decimal("5.25"))
    with unit_of_work(factory) as session:
        sync_config_prices(session, settings.prices)
        row = add_readjustment(session, readjusted)
        assert row.source == "readjustment"
    with unit_of_work(factory) as session:
        # The configuration does not list the readjustment; syncing keeps it.
        assert sync_config_prices(session, settings.prices) == ()
        table = load_price_table(session)
    assert table.price_on(Modality.PLANTAO, date(2027, 3, 1)) == readjusted
    assert table.price_on(Modality.PLANTAO, date(2026, 12, 31)) == PriceVersion(
        Modality.PLANTAO, Decimal("4.00"), date(2026, 1, 1)
    )


def test_config_cannot_rewrite_a_recorded_price(
    factory: sessionmaker[Session], settings: Settings
) -> None:
    with unit_of_work(factory) as session:
        sync_config_prices(session, settings.prices)
    changed = PriceVersion(Modality.PLANTAO, Decimal("4.50"), date(2026, 1, 1))
    expected = r"registrado como R\$ 4,00/min, mas a configuração diz R\$ 4,50/min"
    with pytest.raises(PriceConflict, match=expected), unit_of_work(factory) as session:
        sync_config_prices(session, [changed])


def test_staff_roster(factory: sessionmaker[Session]) -> None:
    seeds = (StaffSeed("111", "Carla Suporte"), StaffSeed("222", "Davi Plantão"))
    with unit_of_work(factory) as session:
        sync_staff(session, seeds)
        sync_staff(session, seeds)
    with unit_of_work(factory) as session:
        assert is_staff(session, "telegram", "111")
        assert not is_staff(session, "telegram", "333")
        assert not is_staff(session, "whatsapp", "111")
        member = session.scalars(select(StaffMember).where(StaffMember.channel_user_id == "222"))
        member.one().active = False
    with unit_of_work(factory) as session:
        assert not is_staff(session, "telegram", "222")
        sync_staff(session, [StaffSeed("222", "Davi Santos")])
    with factory() as session:
        members = session.scalars(select(StaffMember).order_by(StaffMember.id)).all()
        assert is_staff(session, "telegram", "222")
    assert [(m.channel_user_id, m.name, m.active) for m in members] == [
        ("111", "Carla Suporte", True),
        ("222", "Davi Santos", True),
    ]


def test_only_the_roster_makes_a_staff_actor(factory: sessionmaker[Session]) -> None:
    with unit_of_work(factory) as session:
        sync_staff(session, [StaffSeed("111", "Carla Suporte")])
        assert staff_actor(session, "telegram", "222", "Intrusa") is None
        staff = staff_actor(session, "telegram", "111", "Carla")
        again = staff_actor(session, "telegram", "111", "Carla")
        assert staff is not None and again is not None
        assert (staff.person.role, staff.channel) == ("staff", "telegram")
        assert again.person.id == staff.person.id


def test_a_declared_role_is_remembered_and_only_a_consultant_bills_a_unit(
    factory: sessionmaker[Session],
) -> None:
    with unit_of_work(factory) as session:
        consultant = remember_person(
            session, "telegram", "5", "Ana", role="consultant", unit="Unidade Joinville"
        )
        assert (consultant.role, consultant.unit) == ("consultant", "Unidade Joinville")
        customer = remember_person(
            session, "telegram", "5", "", role="customer", unit="Unidade Joinville"
        )
        assert customer.id == consultant.id
        assert (customer.role, customer.unit, customer.name) == ("customer", None, "Ana")

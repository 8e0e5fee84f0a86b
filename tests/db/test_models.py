"""Models round-trip the same values on both databases; constraints hold in the database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from consultoria.db import (
    Notification,
    Person,
    Plantao,
    PriceVersionRow,
    StaffMember,
    TermAcceptance,
    TermVersion,
    format_ref,
    parse_ref,
    text_sha256,
    unit_of_work,
)
from tests.support.databases import SATURDAY, Book
from tests.support.terms import answer, term_version

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


@pytest.mark.parametrize(
    ("text", "expected"), [("P-0042", 42), ("p-42", 42), ("P42", 42), (" p0007 ", 7)]
)
def test_parse_ref(text: str, expected: int) -> None:
    assert parse_ref(text) == expected


@pytest.mark.parametrize("text", ["42", "P-", "PP-1", "P-4a", "Q-42", "P 42", ""])
def test_parse_ref_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="P-0042"):
        parse_ref(text)


def test_ref_round_trip() -> None:
    assert format_ref(42) == "P-0042"
    assert format_ref(12345) == "P-12345"
    assert parse_ref(format_ref(12345)) == 12345


def test_money_and_instants_round_trip(
    factory: sessionmaker[Session], person: Person, book: Book
) -> None:
    local_start = datetime(2030, 6, 1, 8, 0, tzinfo=SAO_PAULO)
    plantao = book(start_at=local_start)
    with unit_of_work(factory) as session:
        session.add(
            PriceVersionRow(
                modality="telefonica",
                per_minute=Decimal("12345678.99"),
                effective=date(2030, 1, 1),
                source="config",
            )
        )
    with factory() as session:
        loaded = session.get_one(Plantao, plantao.id)
        price = session.scalars(select(PriceVersionRow)).one()
    assert loaded.start_at == local_start
    assert loaded.start_at.tzinfo == timezone.utc
    assert loaded.start_at.hour == 11  # 08:00 in São Paulo (UTC-3)
    assert loaded.quoted_amount == Decimal("2400.00")
    assert isinstance(loaded.quoted_amount, Decimal)
    assert loaded.ref == "P-0001"
    assert price.per_minute == Decimal("12345678.99")
    assert loaded.end_at.utcoffset() == timedelta(0)


def test_naive_datetime_is_rejected(factory: sessionmaker[Session], person: Person) -> None:
    with pytest.raises(StatementError, match="naive datetime"), unit_of_work(factory) as session:
        session.add(
            TermVersion(
                modality="plantao",
                version=1,
                title="T",
                text="x",
                effective_at=datetime(2030, 1, 1),
            )
        )


def test_queries_compare_instants_in_utc(factory: sessionmaker[Session], book: Book) -> None:
    plantao = book(start_at=SATURDAY)
    with factory() as session:
        found = session.scalars(
            select(Plantao).where(Plantao.start_at == SATURDAY.astimezone(SAO_PAULO))
        ).all()
    assert [p.id for p in found] == [plantao.id]


def test_term_version_hashes_the_exact_text(factory: sessionmaker[Session]) -> None:
    text = "Termo do Plantão 24x7 — cobrança mínima diária.\n"
    with unit_of_work(factory) as session:
        term = TermVersion(
            modality="plantao", version=1, title="Plantão", text=text, effective_at=SATURDAY
        )
        session.add(term)
    assert term.sha256 == text_sha256(text)
    assert len(term.sha256) == 64
    assert text_sha256(text) != text_sha256(text.strip())


def test_acceptance_keeps_the_quote_shown(factory: sessionmaker[Session], person: Person) -> None:
    quote = {"amount": Decimal("960.00"), "lines": ["Mínimo diário: 240 min"], "days": []}
    with unit_of_work(factory) as session:
        term = term_version(session)
        for accepted in (False, True):
            session.add(
                answer(person.id, term, accepted=accepted, quote_json=quote, message_id="345")
            )
    with factory() as session:
        rows = session.scalars(select(TermAcceptance).order_by(TermAcceptance.id)).all()
    assert [r.accepted for r in rows] == [False, True]
    assert rows[1].quote_json == {
        "amount": "960.00",
        "days": [],
        "lines": ["Mínimo diário: 240 min"],
    }
    assert rows[1].created_at.tzinfo == timezone.utc


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(
            lambda p: [
                Person(channel="telegram", channel_user_id="1001", name="Outra"),
            ],
            id="person-channel-user",
        ),
        pytest.param(
            lambda p: [
                StaffMember(channel="telegram", channel_user_id="9", name="A"),
                StaffMember(channel="telegram", channel_user_id="9", name="B"),
            ],
            id="staff-channel-user",
        ),
        pytest.param(
            lambda p: [
                PriceVersionRow(
                    modality="plantao", per_minute=Decimal(4), effective=date(2026, 1, 1), source=s
                )
                for s in ("config", "readjustment")
            ],
            id="price-modality-effective",
        ),
        pytest.param(
            lambda p: [
                TermVersion(modality="tecnica", version=1, title="T", text=t, effective_at=SATURDAY)
                for t in ("a", "b")
            ],
            id="term-modality-version",
        ),
        pytest.param(
            lambda p: [
                Notification(kind="plantao_requested", payload={}, dedupe_key="k"),
                Notification(kind="plantao_requested", payload={}, dedupe_key="k"),
            ],
            id="notification-dedupe",
        ),
    ],
)
def test_unique_constraints(
    factory: sessionmaker[Session], person: Person, rows: Callable[[Person], list[object]]
) -> None:
    with pytest.raises(IntegrityError), unit_of_work(factory) as session:
        for row in rows(person):
            session.add(row)
            session.flush()


def test_check_constraints(factory: sessionmaker[Session], person: Person, book: Book) -> None:
    plantao = book()
    with pytest.raises(IntegrityError), unit_of_work(factory) as session:
        session.get_one(Plantao, plantao.id).charged_minutes = -1
    with pytest.raises(IntegrityError):
        book(hours=0)  # end_at must be after start_at
    with pytest.raises(IntegrityError), unit_of_work(factory) as session:
        session.add(
            PriceVersionRow(
                modality="plantao",
                per_minute=Decimal(0),
                effective=SATURDAY.date(),
                source="config",
            )
        )
    with pytest.raises(IntegrityError), unit_of_work(factory) as session:
        session.add(Person(channel="telegram", channel_user_id="5", name="X", role="admin"))

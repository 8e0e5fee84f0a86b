"""A month of plantões in every state the reports tell apart (SPEC §10), seeded through the
services: June 2030, with a plantão run in full, one ended early, a late and a free
cancellation, an expiry, one starting on the eve (May 31st), one late on the last day and one
still running."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from consultoria.db import Plantao, TermVersion
from consultoria.services import plantoes
from consultoria.services.actors import Customer, Staff
from consultoria.services.people import remember_person, staff_person
from consultoria.services.terms import record_answer
from consultoria.settings import Settings
from tests.support.terms import answer, term_version

SP = ZoneInfo("America/Sao_Paulo")


def sp(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SP)


def _book(session: Session, who: Customer, start: str, hours: int, specialists: int = 1) -> Plantao:
    begin = sp(start)
    plantao, _ = plantoes.request_plantao(
        session,
        who,
        start_at=begin,
        end_at=begin + timedelta(hours=hours),
        specialists=specialists,
        reason="Fechamento do mês",
        contact_phone="(11) 91234-5678",
        request_key=None,
        price_version_id=None,
        quoted_minutes=hours * 60 * specialists,
        quoted_amount=None,
    )
    return plantao


def _confirm(session: Session, staff: Staff, plantao: Plantao, settings: Settings) -> None:
    before = plantao.start_at - timedelta(days=3)
    plantoes.confirm(
        session, staff, plantao.id, specialist="Dani", now=before, rules=settings.tariff
    )


def _accept(session: Session, who: Customer, term: TermVersion, sha: str, plantao: Plantao) -> None:
    record_answer(
        session,
        who,
        term=term,
        accepted=True,
        shown_sha256=sha,
        price_version_id=None,
        quote=None,
        message_id=f"m-{plantao.id}",
        plantao_id=plantao.id,
    )


def _accepted_before_0005(session: Session, who: Customer) -> None:
    """An acceptance of another version, linked to no plantão (as revision 0005 found them)."""
    session.add(answer(who.person_id, term_version(session, 9, "Termo antigo")))
    session.flush()


def seed_june_2030(
    session: Session, settings: Settings, term: TermVersion, sha: str
) -> dict[str, str]:
    rules = settings.tariff
    ana = Customer(
        remember_person(session, "telegram", "1001", "Ana Cliente", role="customer", unit=None),
        "telegram",
    )
    bia_person = remember_person(
        session, "rest", "bia", "Bia Consultora", role="consultant", unit="Unidade Campinas"
    )
    bia = Customer(bia_person, "rest")
    staff = Staff(staff_person(session, "telegram", "900", "Equipe"), "telegram")
    _accepted_before_0005(session, ana)
    made = {"full": _book(session, ana, "2030-06-01T08:00", 10)}
    _accept(session, ana, term, sha, made["full"])
    made["early"] = _book(session, bia, "2030-06-08T08:00", 10, specialists=2)
    _accept(session, bia, term, sha, made["early"])
    made |= {
        "late_cancel": _book(session, ana, "2030-06-15T08:00", 10),
        "free_cancel": _book(session, ana, "2030-06-22T08:00", 10),
        "expired": _book(session, ana, "2030-06-29T08:00", 4),
        "may_eve": _book(session, ana, "2030-05-31T22:00", 4),
        "june_last": _book(session, ana, "2030-06-30T23:00", 4),
        "running": _book(session, ana, "2030-06-30T20:00", 10),
    }
    for name in ("full", "early", "may_eve", "june_last", "running"):
        _confirm(session, staff, made[name], settings)
    ended, early = sp("2030-06-08T10:00"), made["early"].id
    due = plantoes.end_preview(session, staff, early, at=ended, rules=rules).amount
    plantoes.end_early(session, staff, early, at=ended, now=ended, rules=rules, confirmed=due)
    for name in ("late_cancel", "free_cancel"):
        moment = made[name].start_at - timedelta(hours=12 if name == "late_cancel" else 120)
        due = plantoes.cancellation_preview(session, ana, made[name].id, now=moment, rules=rules)
        plantoes.cancel_by_customer(
            session, ana, made[name].id, now=moment, rules=rules, confirmed=due.amount
        )
    # In the order time passes: "running" has started, not ended, when the last one ends.
    for name in ("may_eve", "full", "expired", "june_last"):
        plantoes.advance(session, made[name].end_at, rules)
    return {name: plantao.ref for name, plantao in made.items()}

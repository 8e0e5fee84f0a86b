"""Plantões booked directly through the service (`request`, also behind the persistence tests'
`book`), and in the action server's own database (`runtime.sessions()`): booked, then read
back with their events and the rows they caused."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from consultoria import db, runtime
from consultoria.db import Person, Plantao, PlantaoEvent
from consultoria.services import plantoes
from consultoria.services.actors import Customer

# A Saturday, 08:00 in São Paulo, far ahead of any clock the tests run at.
FAR = datetime(2037, 6, 6, 11, 0, tzinfo=timezone.utc)

# The booking form's slots once every question is answered: FAR's day from 08:00 to 18:00.
BOOKING_FORM: dict[str, Any] = {
    "reserva_data": "2037-06-06",
    "reserva_inicio": "2037-06-06T08:00:00-03:00",
    "reserva_fim": "2037-06-06T18:00:00-03:00",
    "reserva_especialistas": 1.0,
    "reserva_motivo": "Virada de versão do Protheus",
    "reserva_telefone": "(11) 91234-5678",
    "reserva_token": "token-1",
}


def request(
    session: Session,
    customer: Customer,
    start: datetime,
    hours: int,
    *,
    reason: str,
    contact_phone: str,
    request_key: str | None = None,
) -> Plantao:
    """A requested plantão of one specialist, quoted at R$ 4,00 a minute, booked through the
    service directly (bypassing the booking form's checks)."""
    plantao, _ = plantoes.request_plantao(
        session,
        customer,
        start_at=start,
        end_at=start + timedelta(hours=hours),
        specialists=1,
        reason=reason,
        contact_phone=contact_phone,
        request_key=request_key,
        price_version_id=None,
        quoted_minutes=hours * 60,
        quoted_amount=Decimal("4.00") * hours * 60,
    )
    return plantao


def stored_plantao(
    person: Person, start: datetime, hours: int = 10, state: str = "requested"
) -> Plantao:
    """A plantão of `person` in the action server's database, moved to `state` as if by the
    system."""
    with db.unit_of_work(runtime.sessions()) as session:
        customer = Customer(person, "rest")
        plantao = request(
            session,
            customer,
            start,
            hours,
            reason="Virada de versão",
            contact_phone="(11) 91234-5678",
        )
        if state != "requested":
            plantoes.transition(
                session, plantao.id, None, to_state=state, allowed_from={"requested"}
            )
        return plantao


def an_hour_ago() -> datetime:
    """The start of a plantão running now."""
    return runtime.now() - timedelta(hours=1)


def state_of(plantao_id: int) -> str:
    return reload(plantao_id).state


def reload(plantao_id: int) -> Plantao:
    with db.unit_of_work(runtime.sessions()) as session:
        return session.get_one(Plantao, plantao_id)


def events_of(plantao_id: int) -> list[PlantaoEvent]:
    with db.unit_of_work(runtime.sessions()) as session:
        query = select(PlantaoEvent).where(PlantaoEvent.plantao_id == plantao_id)
        return list(session.scalars(query.order_by(PlantaoEvent.id)))


def count(model: type[Any], *where: Any) -> int:
    """The rows of `model` (matching `where`) in the action server's database: plantões, and the
    acceptances, notifications and people they bring."""
    with db.unit_of_work(runtime.sessions()) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def next_saturday() -> str:
    """The next Saturday after today on the process clock (ISO date): a day outside business
    hours for plantão quotes."""
    today = runtime.now().date()
    return (today + timedelta(days=(5 - today.weekday()) % 7 or 7)).isoformat()


def quoted_plantao(day: str) -> dict[str, Any]:
    """The quote form's slots after quoting a plantão on `day` (ISO date) from 8h to 18h."""
    return {
        "modalidade": "plantao",
        "janela": "das 8 às 18",
        "plantao_inicio": f"{day}T08:00:00-03:00",
        "plantao_fim": f"{day}T18:00:00-03:00",
    }

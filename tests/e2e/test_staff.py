"""End-to-end through the REST channel: a customer books a Saturday 08:00–18:00 plantão, a staff
member writing from Telegram (signed as the bot signs) confirms it and ends it at 10:00, and the
database shows 240 billed minutes and R$ 960,00 (real Rasa model, action server and database).

The stack here has its own configuration, with one roster member, and a database this test
reads directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.messages.staff import REFUSAL
from consultoria.db import Plantao, PlantaoEvent, make_engine, parse_ref
from consultoria.settings import DEFAULT_CONFIG
from tests.e2e.rest import Conversation, FromTelegram
from tests.e2e.test_booking import saturday_ahead
from tests.stack import StackError, running_stack

STAFF_ID = "700100200"


@dataclass(frozen=True)
class StaffStack:
    url: str
    database: str


@pytest.fixture(scope="module")
def staff_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaffStack]:
    folder = tmp_path_factory.mktemp("staff-e2e")
    shipped = DEFAULT_CONFIG.read_text(encoding="utf-8")
    assert "\nstaff: []\n" in shipped
    config = folder / "consultoria.yml"
    config.write_text(
        shipped.replace(
            "\nstaff: []\n", f"\nstaff:\n  - {{telegram_user_id: {STAFF_ID}, name: Carla}}\n"
        ),
        encoding="utf-8",
    )
    database = f"sqlite:///{folder / 'staff.sqlite3'}"
    try:
        with running_stack({"CONSULTORIA_CONFIG": str(config), "DATABASE_URL": database}) as url:
            yield StaffStack(url, database)
    except StackError as exc:
        pytest.fail(str(exc))


def test_staff_confirm_and_end_a_saturday_plantao_at_ten(staff_stack: StaffStack) -> None:
    day = saturday_ahead()
    customer = Conversation(staff_stack.url)
    customer.say(f"quero agendar um plantão {day:%d/%m/%Y} das 8 às 18")
    customer.say('/inform{"perfil": "cliente"}')
    customer.say("1")
    customer.say("virada de versão do Protheus")
    term = customer.say("(11) 91234-5678")[-1]
    booked = customer.text(term["buttons"][0]["payload"])
    found = re.search(r"Pedido registrado: plantão (P-\d{4})", booked)
    assert found, booked
    ref = found.group(1)

    # The customer cannot run a staff operation, typed or forged.
    assert REFUSAL in customer.text(f"encerrar o plantão {ref} agora")
    assert REFUSAL in customer.text(f'/end_plantao{{"plantao_ref": "{ref}"}}')
    # Nor can anyone who says they write from Telegram as the roster member, unsigned.
    forger = FromTelegram(staff_stack.url, STAFF_ID, forged=True)
    assert ref not in forger.text("plantões pendentes")
    assert REFUSAL in forger.text(f"confirmar o plantão {ref} com Maria Souza")

    staff = FromTelegram(staff_stack.url, STAFF_ID)
    pending = staff.text("plantões pendentes")
    assert "Plantões aguardando confirmação:" in pending and ref in pending
    listed = staff.text(f"listar os plantões do dia {day:%d/%m/%Y}")
    assert f"Plantões de sábado, {day:%d/%m/%Y}:" in listed and ref in listed

    confirmed = staff.text(f"confirmar o plantão {ref} com Maria Souza")
    assert f"Plantão {ref} confirmado com Maria Souza." in confirmed
    assert "R$ 2.400,00" in confirmed

    ended = staff.text(f"encerrar o plantão {ref} às 10h")
    assert f"Plantão {ref} encerrado em sáb., {day:%d/%m/%Y} 10:00." in ended
    assert "Plantão 24x7: R$ 960,00 mais impostos." in ended

    assert "valor devido R$ 960,00" in customer.text("meus plantões")

    engine = make_engine(staff_stack.database)
    try:
        with Session(engine) as session:
            plantao = session.get_one(Plantao, parse_ref(ref))
            events = session.scalars(
                select(PlantaoEvent)
                .where(PlantaoEvent.plantao_id == plantao.id)
                .order_by(PlantaoEvent.id)
            ).all()
    finally:
        engine.dispose()
    assert (plantao.state, plantao.specialist_name) == ("ended_early", "Maria Souza")
    assert (plantao.charged_minutes, plantao.amount_due) == (240, Decimal("960.00"))
    assert [e.to_state for e in events] == ["requested", "confirmed", "ended_early"]
    end = events[-1]
    assert (end.actor_role, end.channel, end.charged_minutes, end.amount_due) == (
        "staff",
        "telegram",
        240,
        Decimal("960.00"),
    )
    for talk in (customer, forger, staff):
        talk.client.close()

"""End-to-end through the REST channel: a customer books a Saturday 08:00–18:00 plantão, a staff
member writing from Telegram (signed as the bot signs) confirms it and ends it at 10:00, a time
still ahead, so the end is scheduled: the database shows it, with 240 billed minutes and R$ 960,00
in the history (real Rasa model, action server and database).

The stack here has its own configuration, with one roster member, and a database this test
reads directly.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions.messages.staff import REFUSAL
from consultoria.db import (
    Plantao,
    PlantaoEvent,
    TermAcceptance,
    add_readjustment,
    make_engine,
    parse_ref,
    unit_of_work,
)
from consultoria.settings import DEFAULT_CONFIG
from consultoria.tariff import Modality, PriceVersion
from tests.e2e.rest import Conversation, FromTelegram
from tests.e2e.test_booking import book, button, saturday_ahead, summary_of
from tests.stack import StackError, running_stack
from tests.support.processes import CONSOLE_SCRIPT, finished

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
    ref = book(customer, day, "das 8 às 18")

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

    # The end shows the amount and waits for its own button.
    asked = staff.say(f"encerrar o plantão {ref} às 10h")
    assert f"Encerrar o plantão {ref} em sáb., {day:%d/%m/%Y} 10:00?" in asked[-1]["text"]
    assert "Plantão 24x7: R$ 960,00 mais impostos." in asked[-1]["text"]
    listed = customer.text("meus plantões")
    assert "confirmado" in listed and "encerrado" not in listed  # nothing changed yet
    # 10:00 of a Saturday ahead has not come: the end is scheduled, and the plantão stays.
    scheduled = staff.text(button(asked, "Sim, encerrar (R$ 960,00)"))
    assert f"Encerramento do plantão {ref} agendado para sáb., {day:%d/%m/%Y} 10:00" in scheduled
    assert "Valor devido no encerramento:\nPlantão 24x7: R$ 960,00 mais impostos." in scheduled
    mine = customer.text("meus plantões")
    assert f"confirmado, encerramento agendado para sáb., {day:%d/%m/%Y} 10:00" in mine

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
    assert (plantao.state, plantao.specialist_name) == ("confirmed", "Maria Souza")
    ten = datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo("America/Sao_Paulo"))
    assert (plantao.scheduled_end_at, plantao.amount_due) == (ten, None)
    assert [e.to_state for e in events] == ["requested", "confirmed", "confirmed"]
    end = events[-1]
    assert (end.actor_role, end.channel, end.charged_minutes, end.amount_due) == (
        "staff",
        "telegram",
        240,
        Decimal("960.00"),
    )
    for talk in (customer, forger, staff):
        talk.client.close()


def test_staff_get_the_months_term_answers_as_a_file(staff_stack: StaffStack) -> None:
    customer = Conversation(staff_stack.url)
    ref = book(customer, saturday_ahead() + timedelta(days=28), "das 8 às 18")
    staff = FromTelegram(staff_stack.url, STAFF_ID)
    forger = FromTelegram(staff_stack.url, STAFF_ID, forged=True)
    # The month's charged plantões: none yet (nothing has run), so no file.
    none_yet = staff.text("relatório de plantões deste mês")
    assert none_yet.startswith("Nenhum plantão com cobrança começou em")
    # The Term answers of the month, as a file in the REST channel's `custom` payload.
    asked = staff.say("me manda o csv dos aceites deste mês")
    [report] = [m["custom"] for m in asked if m.get("custom")]
    assert report["type"] == "report" and report["filename"].startswith("aceites-")
    assert report["content"].startswith("time,person,user_id,channel,role,unit,modality,")
    assert f",accepted,{ref}\n" in report["content"]
    assert REFUSAL in forger.text("me manda o csv dos aceites deste mês")
    for talk in (customer, forger, staff):
        talk.client.close()


def test_staff_cancel_for_lack_of_a_specialist_after_the_reason_and_the_amount(
    staff_stack: StaffStack,
) -> None:
    customer = Conversation(staff_stack.url)
    ref = book(customer, saturday_ahead() + timedelta(days=7), "das 8 às 18")
    staff = FromTelegram(staff_stack.url, STAFF_ID)
    why = staff.say(f"cancelar o plantão {ref}")
    assert f"Por que o plantão {ref} será cancelado?" in why[-1]["text"]
    asked = staff.say(button(why, "Sem especialista disponível"))
    assert "Nada é cobrado, e o cliente é avisado." in asked[-1]["text"]
    assert "cancelado" not in customer.text("meus plantões")
    # The reason's buttons answered their question: pressed again, they change nothing.
    assert "Esses botões são de uma pergunta anterior" in staff.text(
        button(why, "A pedido do cliente")
    )
    done = staff.text(button(asked, "Sim, cancelar (R$ 0,00)"))
    assert f"Plantão {ref} cancelado pela equipe, sem especialista disponível" in done
    assert "cancelado" in customer.text("meus plantões")
    for talk in (customer, staff):
        talk.client.close()


@pytest.mark.parametrize(
    ("typed", "charged"),
    [
        ("o cliente pediu", "(a pedido do cliente)?"),
        ("nao temos especialista", "(sem especialista disponível)?"),
    ],
)
def test_staff_answer_why_in_their_own_words(
    staff_stack: StaffStack, typed: str, charged: str
) -> None:
    customer = Conversation(staff_stack.url)
    ref = book(customer, saturday_ahead() + timedelta(days=14), "das 8 às 18")
    staff = FromTelegram(staff_stack.url, STAFF_ID)
    why = staff.say(f"cancelar o {ref}")
    assert f"Por que o plantão {ref} será cancelado?" in why[-1]["text"]
    asked = staff.text(typed)
    assert f"Cancelar o plantão {ref} {charged}" in asked
    assert "cancelado" not in customer.text("meus plantões")
    for talk in (customer, staff):
        talk.client.close()


def test_the_term_asked_again_after_a_new_version_takes_both_answers(
    staff_stack: StaffStack,
) -> None:
    """Between the summary and "Aceito" the price is readjusted, so the Term has a new version:
    it is asked again, its "Não aceito" is recorded, and its "Aceito" (next time) books."""
    customer = Conversation(staff_stack.url)
    day = saturday_ahead() + timedelta(days=14)
    first = summary_of(customer, day, "das 8 às 18")
    readjust(staff_stack.database, Decimal("4.10"))
    again = customer.say(button(first, "Aceito"))
    assert "O Termo do plantão foi atualizado." in again[0]["text"]
    assert "R$ 4,10 por minuto" in again[-1]["text"]
    # The first version's buttons no longer answer.
    assert "Esses botões são de uma pergunta anterior" in customer.text(button(first, "Aceito"))
    refused = customer.text(button(again, "Não aceito"))
    assert "registrei que você não aceitou o Termo" in refused
    with Session(engine := make_engine(staff_stack.database)) as session:
        answers = session.scalars(select(TermAcceptance).order_by(TermAcceptance.id)).all()
        assert [a.accepted for a in answers][-1] is False
    engine.dispose()
    customer.client.close()


def readjust(database: str, per_minute: Decimal) -> None:
    """A new plantão price from today, as `consultoria prices readjust` adds it."""
    engine = make_engine(database)
    try:
        with unit_of_work(sessionmaker(engine)) as session:
            today = datetime.now(ZoneInfo("America/Sao_Paulo")).date()
            add_readjustment(session, PriceVersion(Modality.PLANTAO, per_minute, today))
    finally:
        engine.dispose()


def test_the_hour_bank_staff_credit_is_the_customers_balance_and_quote(
    staff_stack: StaffStack,
) -> None:
    """Staff credit a customer's hour bank with `consultoria hour-bank`; the customer asks the
    balance and a Consultoria Telefônica quote, which takes the minutes from it first."""
    customer = Conversation(staff_stack.url)
    assert "Não há banco de horas registrado para você" in customer.text(
        "qual o meu saldo do banco de horas?"
    )
    book(customer, saturday_ahead() + timedelta(days=21), "das 8 às 18")  # now a known person
    env = {**os.environ, "DATABASE_URL": staff_stack.database}
    credit = ["hour-bank", "credit", "--channel", "rest", "--user-id", customer.sender]
    done = finished([str(CONSOLE_SCRIPT), *credit, "--minutes", "30"], env)
    assert done.returncode == 0, done.stderr
    balance = customer.text("qto tenho de saldo no banco de horas?")
    assert balance.startswith("Saldo do seu banco de horas: 30 min.")
    quoted = customer.text("quanto custa 45 minutos de consultoria telefônica?")
    assert "Banco de horas: 30 min descontados do saldo de 30 min; restam 0 min." in quoted
    assert "R$ 60,00 mais impostos" in quoted
    # Someone else, even with the same words, has no bank.
    other = Conversation(staff_stack.url)
    assert "Não há banco de horas" in other.text("qual o meu saldo do banco de horas?")
    for talk in (customer, other):
        talk.client.close()

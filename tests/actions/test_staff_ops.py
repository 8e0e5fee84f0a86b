"""Staff operations by message, with real trackers, dispatchers and databases (SQLite and
PostgreSQL): every path, and every refusal leaving the plantão as it was."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from rasa_sdk import Action
from rasa_sdk.executor import CollectingDispatcher

from actions.messages.staff import REFUSAL
from actions.staff_ops import (
    ActionPlantaoAmount,
    ActionPreparePlantoes,
    ActionStaffCancelPlantao,
    ActionStaffConfirmPlantao,
    ActionStaffEndPlantao,
    ActionStaffListPlantoes,
)
from consultoria import db, runtime
from consultoria.db import Notification, Person
from tests.support.clock import PinClock
from tests.support.people import STAFF_ID, customer, enroll, from_telegram
from tests.support.plantoes import (
    FAR,
    an_hour_ago,
    count,
    events_of,
    reload,
    state_of,
    stored_plantao,
)
from tests.support.staff import press_yes, staff_asks, staff_confirm, yes_button
from tests.support.trackers import DOMAIN, slots_of, texts, turn

pytestmark = pytest.mark.both_backends


async def run(action: Action, tracker: Any) -> tuple[CollectingDispatcher, dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    return dispatcher, slots_of(events)


async def staff_says(action: Action, text: str, intent: str, **kwargs: Any) -> str:
    dispatcher, _ = await run(action, turn(text, intent, **{**from_telegram(), **kwargs}))
    return texts(dispatcher)


# --- who is staff ----------------------------------------------------------------------------


async def test_the_roster_alone_decides_who_is_staff() -> None:
    enroll()
    from_staff = turn("listar os plantões", "list_plantoes", **from_telegram())
    _, slots = await run(ActionPreparePlantoes(), from_staff)
    assert slots == {"equipe": True}
    _, slots = await run(ActionPreparePlantoes(), turn("listar os plantões", "list_plantoes"))
    assert slots == {"equipe": False}
    # The same id on another channel is someone else.
    other_channel = turn("listar os plantões", "list_plantoes", sender=STAFF_ID)
    assert (await run(ActionPreparePlantoes(), other_channel))[1] == {"equipe": False}


async def test_a_customers_listing_brings_the_plantoes_up_to_date_first() -> None:
    running = stored_plantao(customer(), an_hour_ago(), state="confirmed")
    soon = stored_plantao(customer("someone-else"), runtime.now() + timedelta(minutes=45))
    _, slots = await run(ActionPreparePlantoes(), turn("meus plantões", "list_plantoes"))
    assert slots == {"equipe": False}
    assert state_of(running.id) == "in_progress"
    assert count(Notification, Notification.dedupe_key == f"plantao:{soon.id}:starting") == 1


STAFF_ACTIONS = [
    (ActionStaffListPlantoes(), "/list_plantoes", "list_plantoes"),
    (ActionStaffConfirmPlantao(), '/confirm_plantao{"plantao_ref": "P-0001"}', "confirm_plantao"),
    (ActionStaffEndPlantao(), '/end_plantao{"plantao_ref": "P-0001"}', "end_plantao"),
    (ActionStaffCancelPlantao(), '/cancel_plantao{"plantao_ref": "P-0001"}', "cancel_plantao"),
    (ActionStaffConfirmPlantao(), "confirmar o plantão P-0001 com Maria Souza", "confirm_plantao"),
    (ActionStaffEndPlantao(), "encerrar o plantão P-0001 às 10h", "end_plantao"),
    (ActionStaffCancelPlantao(), "cancelar o plantão P-0001", "cancel_plantao"),
]


@pytest.mark.parametrize(("action", "text", "intent"), STAFF_ACTIONS)
@pytest.mark.parametrize(
    "who",
    [
        pytest.param({"sender": "test-user"}, id="the-customer"),
        pytest.param({"sender": "555", "metadata": {"channel": "telegram"}}, id="unknown"),
        pytest.param({"metadata": {}}, id="staff-id-on-rest"),
        pytest.param({"inactive": True}, id="inactive-member"),
    ],
)
async def test_anyone_outside_the_roster_is_refused_and_nothing_changes(
    action: Action, text: str, intent: str, who: dict[str, Any]
) -> None:
    enroll(active=not who.get("inactive"))
    sender = {key: value for key, value in who.items() if key != "inactive"}
    plantao = stored_plantao(customer(), FAR, state="confirmed")
    before = [(e.id, e.to_state) for e in events_of(plantao.id)]
    entities = [{"entity": "plantao_ref", "value": "P-0001"}] if text.startswith("/") else []
    tracker = turn(text, intent, entities=entities, **{**from_telegram(), **sender})
    dispatcher, slots = await run(action, tracker)
    assert slots == {}
    assert texts(dispatcher) == REFUSAL
    assert dispatcher.messages[0]["buttons"] == [
        {"title": "Meus plantões", "payload": "/list_plantoes"}
    ]
    after = reload(plantao.id)
    assert (after.state, after.specialist_name, after.ended_at) == ("confirmed", None, None)
    assert [(e.id, e.to_state) for e in events_of(plantao.id)] == before
    assert count(Person, Person.role == "staff") == 0


# --- listing -----------------------------------------------------------------------------------


async def test_pending_plantoes_are_listed_with_the_customers_contact() -> None:
    enroll()
    waiting = stored_plantao(customer(), FAR)
    stored_plantao(customer("someone-else"), FAR + timedelta(days=1), state="confirmed")
    said = await staff_says(ActionStaffListPlantoes(), "plantões pendentes", "list_plantoes")
    assert said.startswith("Plantões aguardando confirmação:")
    assert f"{waiting.ref} — sáb., 06/06/2037 08:00 até 18:00" in said
    assert "valor previsto R$ 2.400,00" in said
    assert "Cliente: Ana, tel. (11) 91234-5678. Motivo: Virada de versão." in said
    assert "P-0002" not in said


async def test_the_plantoes_of_a_named_day() -> None:
    enroll()
    first = stored_plantao(customer(), FAR, state="confirmed")
    stored_plantao(customer("someone-else"), FAR + timedelta(days=1))
    said = await staff_says(
        ActionStaffListPlantoes(), "plantões do dia 06/06/2037", "list_plantoes"
    )
    assert said.startswith("Plantões de sábado, 06/06/2037:")
    assert first.ref in said and "confirmado" in said and "P-0002" not in said


async def test_an_empty_day_says_so() -> None:
    enroll()
    said = await staff_says(ActionStaffListPlantoes(), "plantões de amanhã", "list_plantoes")
    tomorrow = runtime.now().date() + timedelta(days=1)
    assert said.endswith(f"{tomorrow:%d/%m/%Y}: nenhum.")


async def test_listing_today_advances_running_plantoes_and_reminds_of_the_next_ones() -> None:
    enroll()
    running = stored_plantao(customer(), an_hour_ago(), state="confirmed")
    soon = stored_plantao(customer("someone-else"), runtime.now() + timedelta(minutes=30))
    said = await staff_says(ActionStaffListPlantoes(), "plantões de hoje", "list_plantoes")
    assert state_of(running.id) == "in_progress"
    assert (
        f"{running.ref} — " in said and "em andamento" in said and "Se encerrado agora: R$" in said
    )
    assert count(Notification, Notification.dedupe_key == f"plantao:{soon.id}:starting") == 1
    advanced = events_of(running.id)[-1]
    assert (advanced.to_state, advanced.actor_role, advanced.channel) == (
        "in_progress",
        "system",
        "system",
    )


# --- confirming ------------------------------------------------------------------------------


async def test_confirming_assigns_the_specialist_shows_the_amount_and_audits() -> None:
    enroll()
    plantao = stored_plantao(customer(), FAR)
    said = await staff_says(
        ActionStaffConfirmPlantao(),
        f"confirmar o plantão {plantao.ref} com Maria Souza",
        "confirm_plantao",
    )
    assert f"Plantão {plantao.ref} confirmado com Maria Souza." in said
    assert "Plantão 24x7: R$ 2.400,00 mais impostos." in said
    saved = reload(plantao.id)
    assert (saved.state, saved.specialist_name) == ("confirmed", "Maria Souza")
    event = events_of(plantao.id)[-1]
    with db.unit_of_work(runtime.sessions()) as session:
        actor = session.get_one(Person, event.actor_person_id)
    assert (actor.channel, actor.channel_user_id, actor.role) == ("telegram", STAFF_ID, "staff")
    assert (event.channel, event.actor_role, event.amount_due) == (
        "telegram",
        "staff",
        Decimal("2400.00"),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("confirmar o plantão com Maria Souza", "Qual plantão? Diga a referência"),
        ("confirmar o plantão P-0001", "diga também o nome do especialista"),
        (
            "confirmar o plantão P-0099 com Maria",
            "Não encontrei o plantão P-0099. Nada foi alterado.",
        ),
    ],
)
async def test_a_confirmation_missing_something_changes_nothing(text: str, expected: str) -> None:
    enroll()
    plantao = stored_plantao(customer(), FAR)
    said = await staff_says(ActionStaffConfirmPlantao(), text, "confirm_plantao")
    assert expected in said
    assert (reload(plantao.id).state, len(events_of(plantao.id))) == ("requested", 1)


async def test_a_plantao_is_confirmed_once() -> None:
    enroll()
    plantao = stored_plantao(customer(), FAR, state="confirmed")
    said = await staff_says(
        ActionStaffConfirmPlantao(), f"confirma o {plantao.ref} com o Bruno", "confirm_plantao"
    )
    assert said == f"O plantão {plantao.ref} já está confirmado. Nada foi alterado."
    assert reload(plantao.id).specialist_name is None


# --- ending ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "entities", "minutes", "amount"),
    [
        ("encerrar o plantão P-0001 às 10h", [], 240, "R$ 960,00"),
        ("finalizar plantão 1 às 13:00", [], 300, "R$ 1.200,00"),
        ("encerrar o P-0001", [{"entity": "encerramento", "value": "15h"}], 420, "R$ 1.680,00"),
    ],
)
async def test_ending_early_bills_per_the_rules(
    text: str, entities: list[dict[str, Any]], minutes: int, amount: str, pin_clock: PinClock
) -> None:
    enroll()
    plantao = stored_plantao(customer(), FAR, state="confirmed")
    pin_clock(FAR + timedelta(hours=9, minutes=30))  # 17:30 of its day: every end time has come
    asked, messages = await staff_asks(
        ActionStaffEndPlantao(), text, "end_plantao", entities=entities
    )
    # Nothing changes before the staff confirm the amount shown, on the button itself too.
    assert f"Encerrar o plantão {plantao.ref} em sáb., 06/06/2037" in asked
    assert "ainda não chegou" not in asked
    assert f"Plantão 24x7: {amount} mais impostos." in asked
    assert yes_button(messages)["title"] == f"Sim, encerrar ({amount})"
    assert (state_of(plantao.id), len(events_of(plantao.id))) == ("in_progress", 3)
    said, _, slots = await press_yes(messages, "action_staff_end_plantao")
    assert slots == {"pendente": None, "plantao_ref": None}
    assert f"Plantão {plantao.ref} encerrado em sáb., 06/06/2037" in said
    assert f"Plantão 24x7: {amount} mais impostos." in said
    saved = reload(plantao.id)
    assert (saved.state, saved.charged_minutes) == ("ended_early", minutes)
    event = events_of(plantao.id)[-1]
    assert (event.from_state, event.to_state, event.charged_minutes) == (
        "in_progress",
        "ended_early",
        minutes,
    )


async def test_ending_a_running_plantao_now() -> None:
    enroll()
    plantao = stored_plantao(customer(), an_hour_ago(), state="confirmed")
    before = runtime.now()
    said = await staff_confirm(
        ActionStaffEndPlantao(), f"encerrar o plantão {plantao.ref} agora", "end_plantao"
    )
    after = runtime.now()
    saved = reload(plantao.id)
    assert saved.state == "ended_early" and saved.ended_at is not None
    assert before <= saved.ended_at <= after
    assert saved.charged_minutes is not None and saved.charged_minutes >= 60
    assert f"Plantão {plantao.ref} encerrado em" in said
    assert [e.to_state for e in events_of(plantao.id)][-2:] == ["in_progress", "ended_early"]


@pytest.mark.parametrize(
    ("state", "text", "expected"),
    [
        ("confirmed", "encerrar o plantão P-0001", "Quando o plantão P-0001 termina?"),
        ("confirmed", "encerrar o plantão P-0001 às 22h", "não é antecipar"),
        ("confirmed", "encerrar o plantão P-0001 agora", "precisa ser depois do início"),
        ("requested", "encerrar o plantão P-0001 às 10h", "ainda aguarda confirmação"),
        ("confirmed", "encerrar o plantão agora", "Qual plantão?"),
    ],
)
async def test_an_end_that_does_not_apply_changes_nothing(
    state: str, text: str, expected: str
) -> None:
    enroll()
    plantao = stored_plantao(customer(), FAR, state=state)
    before = len(events_of(plantao.id))
    said = await staff_says(ActionStaffEndPlantao(), text, "end_plantao")
    assert expected in said
    assert (reload(plantao.id).state, len(events_of(plantao.id))) == (state, before)


# --- cancelling --------------------------------------------------------------------------------


async def test_staff_cancel_a_plantao_and_the_staff_chat_hears_of_it() -> None:
    enroll()
    plantao = stored_plantao(customer(), FAR, state="confirmed")
    said = await staff_confirm(
        ActionStaffCancelPlantao(),
        f"cancelar o {plantao.ref} a pedido do cliente",
        "cancel_plantao",
    )
    assert f"Plantão {plantao.ref} cancelado pela equipe, a pedido do cliente (sem custo)." in said
    assert "sem cobrança" in said
    assert state_of(plantao.id) == "cancelled"
    assert events_of(plantao.id)[-1].note == "cancelado pela equipe: a pedido do cliente"
    assert count(Notification, Notification.dedupe_key == f"plantao:{plantao.id}:cancelled") == 1


async def test_a_late_cancellation_is_due() -> None:
    enroll()
    plantao = stored_plantao(customer(), runtime.now() + timedelta(hours=3))
    said = await staff_confirm(
        ActionStaffCancelPlantao(),
        f"cancela o plantão {plantao.ref}, o cliente desistiu",
        "cancel_plantao",
    )
    assert "cancelado pela equipe, a pedido do cliente (valor devido R$" in said
    assert reload(plantao.id).amount_due


@pytest.mark.parametrize(
    ("state", "expected", "after"),
    [
        ("confirmed", "encerrar o plantão P-0001 agora", "in_progress"),
        # Nobody confirmed it by its start: it expired before the cancellation was read.
        ("requested", "expirou", "expired"),
    ],
)
async def test_a_started_plantao_is_not_cancelled(state: str, expected: str, after: str) -> None:
    enroll()
    plantao = stored_plantao(customer(), an_hour_ago(), state=state)
    said = await staff_says(ActionStaffCancelPlantao(), "cancelar o P-0001", "cancel_plantao")
    assert expected in said and said.endswith("Nada foi alterado.")
    assert state_of(plantao.id) == after
    assert "cancelled" not in [e.to_state for e in events_of(plantao.id)]


# --- amounts -----------------------------------------------------------------------------------


async def test_staff_see_the_amount_of_any_plantao() -> None:
    enroll()
    plantao = stored_plantao(customer(), FAR)
    said = await staff_says(ActionPlantaoAmount(), f"quanto deu o {plantao.ref}?", "plantao_amount")
    assert "Se for cumprido inteiro:\nPlantão 24x7: R$ 2.400,00 mais impostos." in said
    assert "Se for cancelado agora: R$ 0,00." in said


async def test_the_amount_of_an_ended_plantao_is_what_is_due(pin_clock: PinClock) -> None:
    enroll()
    plantao = stored_plantao(customer(), FAR, state="confirmed")
    pin_clock(FAR + timedelta(hours=3))  # 11:00 of its day
    await staff_confirm(ActionStaffEndPlantao(), "encerrar o P-0001 às 10h", "end_plantao")
    said = await staff_says(ActionPlantaoAmount(), "valor do P-0001", "plantao_amount")
    assert "valor devido R$ 960,00" in said
    assert "Valor devido:\nPlantão 24x7: R$ 960,00 mais impostos." in said
    assert state_of(plantao.id) == "ended_early"


async def test_the_amount_of_a_running_plantao_if_ended_now() -> None:
    enroll()
    stored_plantao(customer(), an_hour_ago(), state="confirmed")
    said = await staff_says(ActionPlantaoAmount(), "quanto tá dando o P-0001?", "plantao_amount")
    assert "Se for encerrado agora:" in said and "Se for até o fim: R$ 2.400,00." in said


async def test_customers_see_the_amount_of_their_own_plantoes_only() -> None:
    mine = stored_plantao(customer(), FAR)
    other = stored_plantao(customer("someone-else"), FAR)
    dispatcher, _ = await run(ActionPlantaoAmount(), turn(f"quanto vai ficar o {mine.ref}?"))
    assert "R$ 2.400,00" in texts(dispatcher)
    dispatcher, _ = await run(ActionPlantaoAmount(), turn(f"quanto vai ficar o {other.ref}?"))
    assert texts(dispatcher) == f"Não encontrei o plantão {other.ref} entre os seus."
    dispatcher, _ = await run(ActionPlantaoAmount(), turn("quanto deu o plantão?"))
    assert "De qual plantão?" in texts(dispatcher)


# --- failures ----------------------------------------------------------------------------------


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_a_database_error_apologises_and_writes_nothing(caplog: Any) -> None:
    enroll()
    plantao = stored_plantao(customer(), FAR, state="confirmed")
    with db.unit_of_work(runtime.sessions()) as session:
        session.connection().exec_driver_sql("DROP TABLE notifications")
    said = await staff_confirm(
        ActionStaffCancelPlantao(), "cancelar o P-0001 sem especialista", "cancel_plantao"
    )
    assert "nada foi alterado" in said and "Traceback" not in said
    assert state_of(plantao.id) == "confirmed"
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "database error ref=" in logged and STAFF_ID not in logged


def test_the_fixture_saturday_is_in_the_future() -> None:
    assert runtime.now() < FAR

"""Consultoria Técnica by appointment (SPEC §5, issue #14) through the actions: the form reads
the day with the period or time and refuses what business hours do not allow, "não sei" skips
the estimate, the summary quotes it and asks the Técnica Term with bound buttons, "Aceito"
requests the appointment with its acceptance, "Não aceito" requests nothing, the customer sees
and cancels only their own, and only a roster member confirms a slot in business hours."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Action
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.messages.staff import REFUSAL
from actions.privacy import ActionMyData
from actions.tecnica import (
    ActionAcceptTecnicaTerm,
    ActionCancelTecnica,
    ActionRefuseTecnicaTerm,
    ActionStaffConfirmTecnica,
    ActionStaffListTecnica,
    ActionTecnicaSummary,
    ValidateTecnicaForm,
)
from actions.tickets import ActionListMyRequests
from consultoria import db, runtime
from consultoria.db import Appointment, Notification, TermAcceptance
from consultoria.services import appointments
from tests.support.people import customer, enroll, from_telegram
from tests.support.trackers import DOMAIN, press, slots_of, texts, turn

pytestmark = pytest.mark.both_backends

# The clock is Wednesday 02/12/2026, 10:00 in São Paulo.
GATHERED = {
    "tecnica_assunto": "Revisão do cálculo da folha",
    "tecnica_sistema": "Protheus",
    "tecnica_dia": "2026-12-03",
    "tecnica_horario": "manha",
    "tecnica_duracao": 90.0,
    "tecnica_telefone": "(11) 91234-5678",
    "tecnica_token": "t-1",
}


async def form(dispatcher: CollectingDispatcher, text: str, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("active_loop", "tecnica_form")
    events = await ValidateTecnicaForm().run(dispatcher, turn(text, **kwargs), DOMAIN)
    return slots_of(events)


async def run(action: Action, text: str, intent: str = "inform", **kwargs: Any) -> str:
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, turn(text, intent, **kwargs), DOMAIN)
    return texts(dispatcher)


async def summary(**slots: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    said = CollectingDispatcher()
    events = await ActionTecnicaSummary().run(said, turn("", slots={**GATHERED, **slots}), DOMAIN)
    return said.messages, slots_of(events)


def button(messages: list[dict[str, Any]], title: str) -> dict[str, Any]:
    return next(b for m in messages for b in m.get("buttons") or [] if b["title"] == title)


async def requested_appointment(sender: str = "test-user") -> str:
    """The customer's form answers, the summary and "Aceito": the reply."""
    asked, slots = await summary()
    said = CollectingDispatcher()
    tracker = press(
        button(asked, "Aceito"), asked_by="action_tecnica_summary", asked=asked, sender=sender
    )
    tracker.slots.update({k: slots[k] for k in ("termo_versao", "termo_hash")})
    await ActionAcceptTecnicaTerm().run(said, tracker, DOMAIN)
    return texts(said)


def stored() -> list[Appointment]:
    with db.unit_of_work(runtime.sessions()) as session:
        return list(session.scalars(select(Appointment).order_by(Appointment.id)))


def kinds() -> list[str]:
    with db.unit_of_work(runtime.sessions()) as session:
        return list(session.scalars(select(Notification.kind).order_by(Notification.id)))


async def test_the_first_message_gives_the_day_and_the_period(
    dispatcher: CollectingDispatcher,
) -> None:
    customer()
    text = "preciso agendar uma consultoria técnica para quinta de manhã"
    result = await form(dispatcher, text, intent="schedule_tecnica")
    assert (result["tecnica_dia"], result["tecnica_horario"]) == ("2026-12-03", "manha")
    assert result["requested_slot"] == "tecnica_assunto" and result["tecnica_token"]


async def test_an_unknown_person_is_asked_who_they_are_first(
    dispatcher: CollectingDispatcher,
) -> None:
    result = await form(dispatcher, "agendar consultoria técnica", intent="schedule_tecnica")
    assert result["requested_slot"] == "perfil"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("sábado", "é sábado"),
        ("25/12", "é feriado"),
        ("ontem", "Esse dia já passou"),
        ("quinta às 19h", "fora do horário comercial"),
        ("hoje às 9h", "Esse horário de hoje já passou"),
        ("semana que vem, talvez", "Não entendi o dia"),
    ],
)
async def test_a_day_or_time_outside_business_hours_is_refused(
    dispatcher: CollectingDispatcher, text: str, problem: str
) -> None:
    customer()
    result = await form(
        dispatcher,
        text,
        slots={
            **GATHERED,
            "tecnica_dia": None,
            "tecnica_horario": None,
            "requested_slot": "tecnica_dia",
        },
    )
    assert problem in texts(dispatcher) and result["tecnica_falhas"] == 1.0
    assert result.get("tecnica_horario") is None


async def test_a_time_fills_the_preference(dispatcher: CollectingDispatcher) -> None:
    customer()
    slots = {**GATHERED, "tecnica_horario": None, "requested_slot": "tecnica_horario"}
    assert (await form(dispatcher, "às 2 da tarde", slots=slots))["tecnica_horario"] == "14:00"


@pytest.mark.parametrize(("text", "minutes"), [("não sei", 0.0), ("1h30", 90.0), ("45", 45.0)])
async def test_the_estimate_or_not_knowing_it(
    dispatcher: CollectingDispatcher, text: str, minutes: float
) -> None:
    customer()
    slots = {**GATHERED, "tecnica_duracao": None, "requested_slot": "tecnica_duracao"}
    assert (await form(dispatcher, text, slots=slots))["tecnica_duracao"] == minutes


@pytest.mark.parametrize(("text", "again"), [("20 horas", "até 600 min (10h)"), ("123", "DDD")])
async def test_a_wrong_duration_or_phone_is_asked_again(
    dispatcher: CollectingDispatcher, text: str, again: str
) -> None:
    customer()
    slot = "tecnica_duracao" if "h" in again else "tecnica_telefone"
    result = await form(dispatcher, text, slots={**GATHERED, slot: None, "requested_slot": slot})
    assert again in texts(dispatcher) and slot not in result


async def test_the_summary_quotes_the_estimate_and_asks_the_term() -> None:
    customer()
    said, slots = await summary()
    assert "Preferência: quinta, 03/12/2026, de manhã" in said[0]["text"]
    assert "Consultoria Técnica: 90 min (1h30) a cobrar, pela tarifa do Termo." in said[0]["text"]
    prompt = said[-1]
    assert prompt["text"].startswith("Termo de Aceite da Consultoria Técnica (versão 1)")
    assert [b["title"] for b in prompt["buttons"]] == [
        "Aceito",
        "Não aceito",
        "Ler o Termo completo",
    ]
    assert slots["pendente"] == "termo_tecnica" and slots["tecnica_assunto"] is None


async def test_without_an_estimate_the_summary_says_so() -> None:
    customer()
    said, _ = await summary(tecnica_duracao=0.0)
    assert (
        "Duração: sem estimativa; a cobrança é por minuto, pela tarifa do Termo." in said[0]["text"]
    )


async def test_aceito_requests_the_appointment_with_its_acceptance() -> None:
    customer()
    reply = await requested_appointment()
    assert "Pedido registrado: Consultoria Técnica T-0001, preferência quinta, 03/12/2026" in reply
    [appointment] = stored()
    assert (appointment.state, appointment.quoted_minutes, appointment.period) == (
        "requested",
        90,
        "manha",
    )
    with db.unit_of_work(runtime.sessions()) as session:
        answer_row = session.scalars(select(TermAcceptance)).one()
    assert (answer_row.modality, answer_row.appointment_id) == ("tecnica", appointment.id)
    assert kinds() == [appointments.REQUESTED_KIND]
    # The same "Aceito" delivered again requests nothing more.
    assert "já estava registrado: Consultoria Técnica T-0001" in await requested_appointment()
    assert len(stored()) == 1


async def test_nao_aceito_requests_nothing() -> None:
    customer()
    asked, slots = await summary()
    said = CollectingDispatcher()
    tracker = press(button(asked, "Não aceito"), asked_by="action_tecnica_summary", asked=asked)
    tracker.slots.update({k: slots[k] for k in ("termo_versao", "termo_hash")})
    await ActionRefuseTecnicaTerm().run(said, tracker, DOMAIN)
    assert "não aceitou o Termo" in texts(said) and stored() == []
    with db.unit_of_work(runtime.sessions()) as session:
        assert [a.accepted for a in session.scalars(select(TermAcceptance))] == [False]


async def test_my_requests_list_the_appointment_with_its_state_and_estimate() -> None:
    customer()
    await requested_appointment()
    listed = await run(ActionListMyRequests(), "minhas solicitações", "list_my_requests")
    assert "Consultorias técnicas:" in listed
    assert "T-0001 — Revisão do cálculo da folha (Protheus), preferência qui., 03/12/2026" in listed
    assert "aguardando confirmação do horário; estimativa 90 min (1h30)." in listed
    assert "T-0001" not in await run(
        ActionListMyRequests(), "minhas solicitações", "list_my_requests", sender="other"
    )


async def test_only_the_customer_cancels_their_appointment() -> None:
    customer()
    customer("other")
    await requested_appointment()
    other = await run(ActionCancelTecnica(), "cancela o T-0001", "cancel_tecnica", sender="other")
    assert "Não encontrei a Consultoria Técnica T-0001. Nada foi alterado." in other
    done = await run(ActionCancelTecnica(), "cancelar a consultoria técnica", "cancel_tecnica")
    assert "Consultoria Técnica T-0001 cancelada, sem custo." in done
    assert stored()[0].state == "cancelled"
    assert kinds() == [appointments.REQUESTED_KIND, appointments.CANCELLED_KIND]
    assert "não tem consultoria técnica" in await run(
        ActionCancelTecnica(), "cancela", "cancel_tecnica"
    )


async def test_only_a_roster_member_confirms_a_slot_in_business_hours() -> None:
    customer()
    enroll()
    await requested_appointment()
    typed = "confirmar T-0001 dia 03/12 às 14h"
    assert REFUSAL in await run(ActionStaffConfirmTecnica(), typed, "confirm_tecnica")
    assert stored()[0].state == "requested"
    late = await run(
        ActionStaffConfirmTecnica(),
        "confirmar T-0001 dia 03/12 às 17h",
        "confirm_tecnica",
        **from_telegram(),
    )
    assert "não cabe no horário comercial" in late
    pending = await run(
        ActionStaffListTecnica(), "técnicas pendentes", "list_tecnica_pending", **from_telegram()
    )
    assert "T-0001" in pending and "(11) 91234-5678" in pending
    done = await run(ActionStaffConfirmTecnica(), typed, "confirm_tecnica", **from_telegram())
    assert "Consultoria Técnica T-0001 confirmada: qui., 03/12/2026 14:00 até 15:30." in done
    assert stored()[0].state == "confirmed"
    assert kinds()[-1] == appointments.CONFIRMED_KIND


async def test_cancelling_a_confirmed_appointment_sends_the_cancel_file() -> None:
    customer()
    enroll()
    await requested_appointment()
    await run(
        ActionStaffConfirmTecnica(), "T-0001 às 10h de quinta", "confirm_tecnica", **from_telegram()
    )
    dispatcher = CollectingDispatcher()
    await ActionCancelTecnica().run(dispatcher, turn("cancela o T-0001", "cancel_tecnica"), DOMAIN)
    [calendar] = [m["custom"] for m in dispatcher.messages if m.get("custom")]
    assert calendar["filename"] == "T-0001.ics"
    assert "METHOD:CANCEL" in calendar["content"]
    assert "UID:T-0001@assistente-consultoria" in calendar["content"]


async def test_a_copy_of_my_data_shows_the_appointment_and_its_acceptance() -> None:
    customer()
    await requested_appointment()
    copy = await run(ActionMyData(), "quero meus dados", "my_data")
    assert "Consultorias técnicas:\n• T-0001 — Revisão do cálculo da folha (Protheus)" in copy
    assert "Telefone: (11) 91234-5678." in copy
    assert "Consultoria Técnica versão 1, consultoria T-0001: aceito em" in copy


async def test_giving_up_at_the_subject_stops_the_form(dispatcher: CollectingDispatcher) -> None:
    result = await form(
        dispatcher, "esquece, outra hora eu vejo", slots={"requested_slot": "tecnica_assunto"}
    )
    assert result == {"tecnica_parada": "desistiu", "requested_slot": None}
    assert [m.get("response") for m in dispatcher.messages] == ["utter_stop"]

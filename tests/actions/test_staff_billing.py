"""Staff actions bill what really happened (SPEC §4): the end time staff give on a long plantão,
an end time still ahead, which schedules the end, and requests nobody confirmed before their
start. Real trackers, dispatchers and databases."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from rasa_sdk import Action
from rasa_sdk.executor import CollectingDispatcher

from actions.messages.staff import refusal
from actions.my_plantoes import ActionListMyPlantoes
from actions.staff_ops import (
    ActionPlantaoAmount,
    ActionPreparePlantoes,
    ActionStaffConfirmPlantao,
    ActionStaffEndPlantao,
    ActionStaffListPlantoes,
)
from consultoria import db, runtime
from consultoria.db import Notification, Plantao
from consultoria.services import people, plantoes
from consultoria.services.actors import Staff
from consultoria.services.plantoes import SCHEDULED_END_KIND, StartPassed
from consultoria.textparse import SAO_PAULO
from tests.support.clock import PinClock
from tests.support.people import STAFF_ID, customer, enroll, from_telegram
from tests.support.plantoes import count, events_of, reload, state_of, stored_plantao
from tests.support.staff import staff_confirm
from tests.support.trackers import DOMAIN, texts, turn

pytestmark = pytest.mark.both_backends


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SAO_PAULO)


async def staff_says(action: Action, text: str, intent: str) -> str:
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, turn(text, intent, **from_telegram()), DOMAIN)
    return texts(dispatcher)


# Tuesday 01/12/2026 08:00 for three days; staff end it on Thursday, the third day, at 15:00.
DAY_ONE = local("2026-12-01 08:00")


async def test_an_end_time_on_the_third_day_is_that_days(pin_clock: PinClock) -> None:
    enroll()
    plantao = stored_plantao(customer(), DAY_ONE, hours=72, state="confirmed")
    pin_clock(local("2026-12-03 15:00"))
    said = await staff_confirm(
        ActionStaffEndPlantao(), f"encerrar o {plantao.ref} às 14h", "end_plantao"
    )
    assert f"Plantão {plantao.ref} encerrado em qui., 03/12/2026 14:00." in said
    saved = reload(plantao.id)
    assert saved.ended_at == local("2026-12-03 14:00")
    # Tuesday 16 h + Wednesday 24 h + Thursday 14 h, all worked.
    assert (saved.state, saved.charged_minutes) == ("ended_early", 54 * 60)
    assert saved.amount_due == Decimal("12960.00")
    assert "Plantão 24x7: R$ 12.960,00 mais impostos." in said
    assert [e.to_state for e in events_of(plantao.id)][-2:] == ["in_progress", "ended_early"]


async def schedule_the_end_at_two(pin_clock: PinClock) -> Plantao:
    """At 10:00 of a Wednesday plantão from 08:00 to 22:00, staff end it "às 14h" and confirm
    the amount shown: the end is scheduled, and the plantão keeps running."""
    enroll()
    pin_clock(local("2026-12-02 10:00"))
    plantao = stored_plantao(customer(), local("2026-12-02 08:00"), hours=14, state="confirmed")
    said = await staff_confirm(
        ActionStaffEndPlantao(), f"encerrar o {plantao.ref} às 14h", "end_plantao"
    )
    assert "Esse horário ainda não chegou: o encerramento fica agendado" in said
    assert f"Encerramento do plantão {plantao.ref} agendado para qua., 02/12/2026 14:00" in said
    # Wednesday 08:00 to 14:00, not a day later nor earlier, shown twice: asked and confirmed.
    assert said.count("Plantão 24x7: R$ 1.440,00 mais impostos.") == 2
    return plantao


async def test_an_end_time_still_ahead_schedules_the_end(pin_clock: PinClock) -> None:
    plantao = await schedule_the_end_at_two(pin_clock)
    saved = reload(plantao.id)
    assert (saved.state, saved.scheduled_end_at, saved.ended_at, saved.amount_due) == (
        "in_progress",
        local("2026-12-02 14:00"),
        None,
        None,
    )
    scheduled = events_of(plantao.id)[-1]
    assert (scheduled.from_state, scheduled.to_state, scheduled.actor_role) == (
        "in_progress",
        "in_progress",
        "staff",
    )
    assert (scheduled.charged_minutes, scheduled.amount_due) == (360, Decimal("1440.00"))
    listing = await staff_says(ActionStaffListPlantoes(), "plantões de hoje", "list_plantoes")
    assert "em andamento, encerramento agendado para qua., 02/12/2026 14:00" in listing
    assert ". Se encerrado agora: R$ " in listing
    assert listing.endswith(". No encerramento agendado: R$ 1.440,00.")
    amount = await staff_says(ActionPlantaoAmount(), f"valor do {plantao.ref}", "plantao_amount")
    assert "Se for até o encerramento agendado: R$ 1.440,00." in amount


async def test_time_ends_the_plantao_at_its_scheduled_end_at_the_amount_confirmed(
    pin_clock: PinClock,
) -> None:
    plantao = await schedule_the_end_at_two(pin_clock)
    pin_clock(local("2026-12-02 13:59"))
    await ActionPreparePlantoes().run(CollectingDispatcher(), turn("meus plantões"), DOMAIN)
    assert state_of(plantao.id) == "in_progress"
    pin_clock(local("2026-12-02 19:00"))  # nobody looked at 14:00
    await ActionPreparePlantoes().run(CollectingDispatcher(), turn("meus plantões"), DOMAIN)
    saved = reload(plantao.id)
    assert (saved.state, saved.ended_at, saved.charged_minutes, saved.amount_due) == (
        "ended_early",
        local("2026-12-02 14:00"),
        360,
        Decimal("1440.00"),
    )
    ended = events_of(plantao.id)[-1]
    assert (ended.from_state, ended.actor_role, ended.amount_due) == (
        "in_progress",
        "system",
        Decimal("1440.00"),
    )
    told = count(Notification, Notification.dedupe_key == f"plantao:{plantao.id}:ended_early")
    assert told == 1
    pin_clock(local("2026-12-02 23:00"))  # after the window: not completed on top
    await ActionPreparePlantoes().run(CollectingDispatcher(), turn("meus plantões"), DOMAIN)
    assert [e.to_state for e in events_of(plantao.id)][-2:] == ["in_progress", "ended_early"]


async def test_staff_end_a_scheduled_plantao_earlier(pin_clock: PinClock) -> None:
    plantao = await schedule_the_end_at_two(pin_clock)
    pin_clock(local("2026-12-02 11:05"))
    said = await staff_confirm(
        ActionStaffEndPlantao(), f"encerrar o {plantao.ref} às 11h", "end_plantao"
    )
    assert f"Plantão {plantao.ref} encerrado em qua., 02/12/2026 11:00." in said
    assert "Plantão 24x7: R$ 720,00 mais impostos." in said  # 3 h worked
    pin_clock(local("2026-12-02 15:00"))
    await ActionPreparePlantoes().run(CollectingDispatcher(), turn("meus plantões"), DOMAIN)
    saved = reload(plantao.id)
    assert (saved.state, saved.ended_at, saved.amount_due) == (
        "ended_early",
        local("2026-12-02 11:00"),
        Decimal("720.00"),
    )
    assert count(Notification, Notification.kind == SCHEDULED_END_KIND) == 0


# --- requests nobody confirmed by their start ---------------------------------------------


async def test_a_request_not_confirmed_by_its_start_expires_at_no_cost(
    pin_clock: PinClock,
) -> None:
    pin_clock(local("2026-12-02 07:00"))
    plantao = stored_plantao(customer(), local("2026-12-02 08:00"), hours=10)
    pin_clock(local("2026-12-02 08:01"))
    await ActionPreparePlantoes().run(CollectingDispatcher(), turn("meus plantões"), DOMAIN)
    saved = reload(plantao.id)
    assert (saved.state, saved.charged_minutes, saved.amount_due) == (
        "expired",
        0,
        Decimal("0.00"),
    )
    expiry = events_of(plantao.id)[-1]
    assert (expiry.from_state, expiry.actor_role, expiry.amount_due) == (
        "requested",
        "system",
        Decimal("0.00"),
    )
    told = count(Notification, Notification.dedupe_key == f"plantao:{plantao.id}:expired")
    assert told == 1
    dispatcher = CollectingDispatcher()
    await ActionListMyPlantoes().run(dispatcher, turn("meus plantões"), DOMAIN)
    assert f"{plantao.ref} — " in texts(dispatcher) and "expirado" in texts(dispatcher)


async def test_staff_confirm_only_before_the_start(pin_clock: PinClock) -> None:
    enroll()
    pin_clock(local("2026-12-02 07:00"))
    plantao = stored_plantao(customer(), local("2026-12-02 08:00"), hours=10)
    pin_clock(local("2026-12-02 08:30"))
    said = await staff_says(
        ActionStaffConfirmPlantao(), f"confirmar o {plantao.ref} com Maria Souza", "confirm_plantao"
    )
    assert said == (
        f"O plantão {plantao.ref} expirou: não foi confirmado até o início, e nada é cobrado. "
        "Nada foi alterado."
    )
    assert (reload(plantao.id).state, reload(plantao.id).specialist_name) == ("expired", None)


async def test_a_confirmation_racing_the_start_is_refused(pin_clock: PinClock) -> None:
    """Without the states advanced first, the service itself refuses a late confirmation."""
    pin_clock(local("2026-12-02 07:00"))
    plantao = stored_plantao(customer(), local("2026-12-02 08:00"), hours=10)
    ctx = runtime.context()
    with pytest.raises(StartPassed), db.unit_of_work(ctx.sessions) as session:
        staff = Staff(people.staff_person(session, "telegram", STAFF_ID, "Carla"), "telegram")
        plantoes.confirm(
            session,
            staff,
            plantao.id,
            specialist="Maria Souza",
            now=local("2026-12-02 08:00"),
            rules=ctx.settings.tariff,
        )
    assert state_of(plantao.id) == "requested"
    assert refusal(StartPassed(plantao.id, plantao.start_at), SAO_PAULO) == (
        f"O plantão {plantao.ref} começava em qua., 02/12/2026 08:00 e não foi confirmado a "
        "tempo: um plantão só pode ser confirmado antes do início. Ele expira sem custo, e o "
        "cliente é avisado. Nada foi alterado."
    )

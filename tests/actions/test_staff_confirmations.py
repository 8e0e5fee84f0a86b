"""Staff confirm final changes at the amount shown (SPEC §4): an early end or a cancellation
shows the amount the engine gives and changes nothing until its own "Sim" button; a changed
amount is shown and asked again. A staff cancellation says why: at the customer's request (the
customer's rule) or for lack of a specialist (nothing charged, the customer told)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from rasa_sdk import Action
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.pending import ActionDeclinePending
from actions.staff_ops import ActionStaffCancelPlantao, ActionStaffConfirmEnd, ActionStaffEndPlantao
from consultoria import db, runtime
from consultoria.db import Notification, Plantao
from consultoria.tariff import Modality, PriceVersion, format_brl
from tests.support.clock import WEDNESDAY_MORNING, PinClock
from tests.support.people import customer, enroll, from_telegram
from tests.support.plantoes import FAR, events_of, reload, state_of, stored_plantao
from tests.support.staff import press_yes, staff_asks, yes_button
from tests.support.trackers import DOMAIN, press, slots_of, texts, turn

pytestmark = pytest.mark.both_backends
STALE = "Esses botões são de uma pergunta anterior"
# Thursday 10:05: free to cancel until Wednesday 10:05, five minutes after the pinned clock.
SOON = WEDNESDAY_MORNING + timedelta(days=1, minutes=5)


def no_button(asked: list[dict]) -> dict:
    return next(b for m in asked for b in m.get("buttons") or [] if "/deny" in b["payload"])


async def staff_answer(
    answering: Action, asked: list[dict], asked_by: str, button: dict | None = None
) -> tuple[str, dict]:
    """The roster member's answer to the question among `asked`: `button` pressed, or a typed
    "sim". What `answering` said, and the slots it set."""
    context = {"asked_by": asked_by, "asked": asked, **from_telegram()}
    tracker = turn("sim", "affirm", **context) if button is None else press(button, **context)
    dispatcher = CollectingDispatcher()
    slots = slots_of(await answering.run(dispatcher, tracker, DOMAIN))
    return texts(dispatcher), slots


async def test_a_no_to_an_end_changes_nothing() -> None:
    enroll()
    plantao = stored_plantao(customer(), FAR, state="confirmed")
    _, asked = await staff_asks(
        ActionStaffEndPlantao(), f"encerrar o {plantao.ref} às 13h", "end_plantao"
    )
    said, slots = await staff_answer(
        ActionDeclinePending(), asked, "action_staff_end_plantao", no_button(asked)
    )
    assert "não encerrei o plantão" in said
    assert slots["pendente"] is None
    assert (state_of(plantao.id), len(events_of(plantao.id))) == ("confirmed", 2)


async def test_an_end_whose_amount_changed_is_asked_again(pin_clock: PinClock) -> None:
    enroll()
    plantao = stored_plantao(customer(), FAR, state="confirmed")
    pin_clock(FAR + timedelta(hours=6))  # 14:00 of its day: the end at 13:00 has come
    shown, asked = await staff_asks(
        ActionStaffEndPlantao(), f"encerrar o {plantao.ref} às 13h", "end_plantao"
    )
    assert "Plantão 24x7: R$ 1.200,00 mais impostos." in shown
    with db.unit_of_work(runtime.sessions()) as session:  # a readjustment before the "Sim"
        db.add_readjustment(
            session, PriceVersion(Modality.PLANTAO, Decimal("4.40"), runtime.now().date())
        )
    said, again, slots = await press_yes(asked, "action_staff_end_plantao")
    assert said.startswith(f"Nada foi alterado no plantão {plantao.ref}")
    assert "Plantão 24x7: R$ 1.320,00 mais impostos." in said
    assert slots["pendente"] == "confirmar_encerramento"
    assert state_of(plantao.id) == "in_progress"
    said, _, _ = await press_yes(again, "action_staff_confirm_end")
    assert f"Plantão {plantao.ref} encerrado em" in said
    assert (reload(plantao.id).state, reload(plantao.id).amount_due) == (
        "ended_early",
        Decimal("1320.00"),
    )


async def old_button_under_the_second(
    asking: Action, text: str, intent: str, pick: Callable[[list[dict]], dict], answering: Action
) -> tuple[str, Plantao, Plantao]:
    """Staff ask `text` (naming `{ref}`) of two confirmed plantões, then press the button
    `pick` finds under the first question while the second is open: what `answering` said."""
    enroll()
    person = customer()
    first = stored_plantao(person, FAR, state="confirmed")
    second = stored_plantao(person, FAR + timedelta(days=7), state="confirmed")
    _, asked_first = await staff_asks(asking, text.format(ref=first.ref), intent)
    _, asked_second = await staff_asks(asking, text.format(ref=second.ref), intent)
    old = press(pick(asked_first), asked_by=asking.name(), asked=asked_second, **from_telegram())
    dispatcher = CollectingDispatcher()
    await answering.run(dispatcher, old, DOMAIN)
    return texts(dispatcher), first, second


async def test_an_old_end_button_under_another_plantao_ends_neither() -> None:
    said, first, second = await old_button_under_the_second(
        ActionStaffEndPlantao(),
        "encerrar o {ref} às 13h",
        "end_plantao",
        yes_button,
        ActionStaffConfirmEnd(),
    )
    assert said.startswith(STALE) and f"Encerrar o plantão {second.ref}" in said
    assert (state_of(first.id), state_of(second.id)) == ("confirmed", "confirmed")


async def test_a_customer_pressing_a_staff_yes_is_refused() -> None:
    enroll()
    plantao = stored_plantao(customer(), FAR, state="confirmed")
    _, asked = await staff_asks(
        ActionStaffEndPlantao(), f"encerrar o {plantao.ref} às 13h", "end_plantao"
    )
    forged = press(yes_button(asked), asked_by="action_staff_end_plantao", asked=asked)
    dispatcher = CollectingDispatcher()
    await ActionStaffConfirmEnd().run(dispatcher, forged, DOMAIN)
    assert "exclusiva da equipe" in texts(dispatcher)
    assert state_of(plantao.id) == "confirmed"


# --- why staff cancel --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["cancelar o P-0001", "cancela o plantão 1 por favor", "cancelar P-0001 hoje"],
)
async def test_a_cancellation_without_a_reason_asks_with_two_buttons(text: str) -> None:
    enroll()
    plantao = stored_plantao(customer(), FAR, state="confirmed")
    said, asked = await staff_asks(ActionStaffCancelPlantao(), text, "cancel_plantao")
    assert f"Por que o plantão {plantao.ref} será cancelado?" in said
    titles = [b["title"] for b in asked[-1]["buttons"]]
    assert titles == ["A pedido do cliente", "Sem especialista disponível"]
    assert all('"pergunta"' in b["payload"] for b in asked[-1]["buttons"])
    assert (state_of(plantao.id), len(events_of(plantao.id))) == ("confirmed", 2)


async def reason_pressed(ref: str, title: str) -> tuple[str, list[dict]]:
    """ "cancelar o `ref`", then the reason button titled `title`: what it asked."""
    _, asked = await staff_asks(ActionStaffCancelPlantao(), f"cancelar o {ref}", "cancel_plantao")
    button = next(b for b in asked[-1]["buttons"] if b["title"] == title)
    tracker = press(button, asked_by="action_staff_cancel_plantao", asked=asked, **from_telegram())
    dispatcher = CollectingDispatcher()
    await ActionStaffCancelPlantao().run(dispatcher, tracker, DOMAIN)
    return texts(dispatcher), dispatcher.messages


async def test_no_specialist_charges_nothing_even_late_and_tells_the_customer() -> None:
    enroll()
    plantao = stored_plantao(customer(), runtime.now() + timedelta(hours=3))
    asked_text, asked = await reason_pressed(plantao.ref, "Sem especialista disponível")
    assert "Nada é cobrado, e o cliente é avisado." in asked_text
    assert yes_button(asked)["title"] == "Sim, cancelar (R$ 0,00)"
    assert state_of(plantao.id) == "requested"
    said, _, _ = await press_yes(asked, "action_staff_cancel_plantao")
    assert f"Plantão {plantao.ref} cancelado pela equipe, sem especialista disponível" in said
    saved = reload(plantao.id)
    assert (saved.state, saved.amount_due, saved.charged_minutes) == (
        "cancelled",
        Decimal("0.00"),
        0,
    )
    assert events_of(plantao.id)[-1].note == "cancelado pela equipe: sem especialista disponível"
    with db.unit_of_work(runtime.sessions()) as session:
        announced = session.scalars(
            select(Notification).where(Notification.kind == "plantao_cancelled")
        ).one()
        assert announced.payload["reason"] == "no_specialist"


async def test_at_the_customers_request_a_late_cancellation_charges_the_customers_rule() -> None:
    enroll()
    plantao = stored_plantao(customer(), runtime.now() + timedelta(hours=3))
    asked_text, asked = await reason_pressed(plantao.ref, "A pedido do cliente")
    assert "Valor devido se cancelar agora:" in asked_text
    assert "R$ 0,00" not in yes_button(asked)["title"]
    said, _, _ = await press_yes(asked, "action_staff_cancel_plantao")
    assert "a pedido do cliente (valor devido R$" in said
    assert reload(plantao.id).amount_due and reload(plantao.id).amount_due > 0


async def test_a_staff_cancellation_whose_free_deadline_passed_is_asked_again(
    pin_clock: PinClock,
) -> None:
    enroll()
    plantao = stored_plantao(customer(), SOON)
    _, asked = await staff_asks(
        ActionStaffCancelPlantao(), f"cancelar {plantao.ref} a pedido do cliente", "cancel_plantao"
    )
    assert yes_button(asked)["title"] == "Sim, cancelar (R$ 0,00)"
    pin_clock(WEDNESDAY_MORNING + timedelta(minutes=10))  # the free deadline passed
    said, again, slots = await press_yes(asked, "action_staff_cancel_plantao")
    assert said.startswith(f"Nada foi alterado no plantão {plantao.ref}")
    assert "R$ 480,00" in said and slots["pendente"] == "confirmar_cancelamento_equipe"
    assert state_of(plantao.id) == "requested"
    assert yes_button(again)["title"] == "Sim, cancelar (R$ 480,00)"
    said, _, _ = await press_yes(again, "action_staff_confirm_cancel")
    assert "(valor devido R$ 480,00)" in said
    assert reload(plantao.id).amount_due == Decimal("480.00")


async def test_an_old_reason_button_cancels_nothing() -> None:
    said, first, second = await old_button_under_the_second(
        ActionStaffCancelPlantao(),
        "cancelar o {ref}",
        "cancel_plantao",
        lambda asked: asked[-1]["buttons"][1],
        ActionStaffCancelPlantao(),
    )
    assert said.startswith(STALE) and f"Por que o plantão {second.ref}" in said
    assert (state_of(first.id), state_of(second.id)) == ("confirmed", "confirmed")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("cancelar o P-0001 a pedido do cliente", "a pedido do cliente"),
        ("cancela o p-0001, o cliente desistiu", "a pedido do cliente"),
        ("cancelar P-0001 sem especialista disponível", "sem especialista disponível"),
        ("cancelar o P-0001 pq não temos especialista", "sem especialista disponível"),
        ("cancelar o plantão 1, o especialista ficou doente", "sem especialista disponível"),
        ("o analista está de atestado, cancela o P-0001", "sem especialista disponível"),
        ("cliente adiou a virada, cancela o P-0001", "a pedido do cliente"),
    ],
)
async def test_a_reason_in_the_message_is_not_asked(text: str, reason: str) -> None:
    enroll()
    stored_plantao(customer(), FAR, state="confirmed")
    said, _ = await staff_asks(ActionStaffCancelPlantao(), text, "cancel_plantao")
    assert f"Cancelar o plantão P-0001 ({reason})?" in said
    assert state_of(1) == "confirmed"


async def test_a_typed_yes_after_the_reason_question_cancels_nothing() -> None:
    enroll()
    plantao = stored_plantao(customer(), FAR, state="confirmed")
    _, asked = await staff_asks(
        ActionStaffCancelPlantao(), f"cancelar o {plantao.ref}", "cancel_plantao"
    )
    said, _ = await staff_answer(ActionStaffConfirmEnd(), asked, "action_staff_cancel_plantao")
    assert "Não há nenhuma pergunta" in said
    assert state_of(plantao.id) == "confirmed"


async def reason_typed(ref: str, typed: str) -> tuple[str, list[dict], dict]:
    """ "cancelar o `ref`", then `typed` as the answer to "Por que…?" (the intent the staff's
    cancellation rule routes): what the cancellation action said, its messages and slots."""
    _, asked = await staff_asks(ActionStaffCancelPlantao(), f"cancelar o {ref}", "cancel_plantao")
    context = {"asked_by": "action_staff_cancel_plantao", "asked": asked, **from_telegram()}
    dispatcher = CollectingDispatcher()
    events = await ActionStaffCancelPlantao().run(
        dispatcher, turn(typed, "cancel_plantao", **context), DOMAIN
    )
    return texts(dispatcher), dispatcher.messages, slots_of(events)


@pytest.mark.parametrize(
    ("typed", "reason", "amount"),
    [
        ("o cliente pediu", "a pedido do cliente", "R$ 480,00"),
        ("cliente desistiu", "a pedido do cliente", "R$ 480,00"),
        ("não temos especialista", "sem especialista disponível", "R$ 0,00"),
        ("falta de especialista disponível", "sem especialista disponível", "R$ 0,00"),
        ("nao tem ngm", "sem especialista disponível", "R$ 0,00"),
    ],
)
async def test_a_typed_reason_answers_why(typed: str, reason: str, amount: str) -> None:
    enroll()
    plantao = stored_plantao(customer(), runtime.now() + timedelta(hours=3))
    said, asked, slots = await reason_typed(plantao.ref, typed)
    assert f"Cancelar o plantão {plantao.ref} ({reason})?" in said
    assert slots["pendente"] == "confirmar_cancelamento_equipe"
    assert yes_button(asked)["title"] == f"Sim, cancelar ({amount})"
    assert state_of(plantao.id) == "requested"
    said, _, _ = await press_yes(asked, "action_staff_cancel_plantao")
    assert f"Plantão {plantao.ref} cancelado pela equipe" in said
    saved = reload(plantao.id)
    assert saved.state == "cancelled" and saved.amount_due is not None
    assert format_brl(saved.amount_due) == amount
    assert events_of(plantao.id)[-1].note == f"cancelado pela equipe: {reason}"


async def test_a_typed_answer_without_a_reason_asks_again() -> None:
    enroll()
    plantao = stored_plantao(customer(), FAR, state="confirmed")
    said, asked, slots = await reason_typed(plantao.ref, "sei lá, vê aí")
    assert said.startswith("Não entendi o motivo.")
    assert f"Por que o plantão {plantao.ref} será cancelado?" in said
    assert slots["pendente"] == "motivo_cancelamento"
    assert [b["title"] for b in asked[-1]["buttons"]] == [
        "A pedido do cliente",
        "Sem especialista disponível",
    ]
    assert (state_of(plantao.id), len(events_of(plantao.id))) == ("confirmed", 2)


async def test_a_typed_reason_naming_another_plantao_is_about_that_one() -> None:
    enroll()
    person = customer()
    first = stored_plantao(person, FAR, state="confirmed")
    second = stored_plantao(person, FAR + timedelta(days=7), state="confirmed")
    said, _, _ = await reason_typed(first.ref, f"cancelar o {second.ref}, o cliente pediu")
    assert f"Cancelar o plantão {second.ref} (a pedido do cliente)?" in said
    assert first.ref not in said


async def test_a_typed_reason_with_no_question_open_asks_which_plantao() -> None:
    enroll()
    stored_plantao(customer(), FAR, state="confirmed")
    said, _ = await staff_asks(ActionStaffCancelPlantao(), "o cliente pediu", "cancel_plantao")
    assert said.startswith("Qual plantão?")
    assert state_of(1) == "confirmed"

"""Listing and cancelling one's own plantões: amounts from the engine, others' plantões unseen."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.my_plantoes import (
    ActionCancelRequest,
    ActionConfirmCancellation,
    ActionListMyPlantoes,
)
from actions.pending import ActionDeclinePending
from consultoria import db, runtime
from consultoria.db import Notification, Plantao, PlantaoEvent
from consultoria.services import plantoes
from consultoria.services.actors import Staff
from consultoria.services.people import staff_person
from tests.support.cancellations import ask_to_cancel, yes_after
from tests.support.people import customer
from tests.support.plantoes import FAR, stored_plantao
from tests.support.trackers import DOMAIN, question, slots_of, texts, turn


async def cancel(
    dispatcher: CollectingDispatcher,
    text: str,
    sender: str = "test-user",
    listed: list[str] | None = None,
) -> dict:
    """`text` said to cancel, after the plantões `listed` were shown."""
    slots = None if listed is None else {"plantoes_listados": listed}
    tracker = turn(text, "cancel_plantao", sender=sender, slots=slots)
    return slots_of(await ActionCancelRequest().run(dispatcher, tracker, DOMAIN))


async def confirm(
    dispatcher: CollectingDispatcher, ref: str, asked: list[dict[str, Any]] | None = None
) -> dict:
    """ "Sim" to the cancellation question for `ref`: the one `asked`, or one asked just now."""
    tracker = yes_after(await ask_to_cancel(ref) if asked is None else asked, ref)
    return slots_of(await ActionConfirmCancellation().run(dispatcher, tracker, DOMAIN))


async def test_listing_shows_only_own_plantoes_with_state_and_amount(
    dispatcher: CollectingDispatcher,
) -> None:
    mine = stored_plantao(customer(), FAR)
    stored_plantao(customer("someone-else"), FAR + timedelta(days=1))
    await ActionListMyPlantoes().run(dispatcher, turn("meus plantões"), DOMAIN)
    said = texts(dispatcher)
    assert f"{mine.ref} — sáb., 06/06/2037 08:00 até 18:00" in said
    assert "aguardando confirmação; valor previsto R$ 2.400,00" in said
    assert "P-0002" not in said


async def test_listing_without_plantoes_offers_to_book(dispatcher: CollectingDispatcher) -> None:
    await ActionListMyPlantoes().run(dispatcher, turn("meus plantões"), DOMAIN)
    assert "não tem plantões" in texts(dispatcher)
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/book_plantao"


async def test_someone_elses_plantao_is_not_found(dispatcher: CollectingDispatcher) -> None:
    customer()
    other = stored_plantao(customer("someone-else"), FAR)
    result = await cancel(dispatcher, f"cancelar o plantão {other.ref}")
    assert result == {"pendente": None}
    assert f"Não encontrei o plantão {other.ref} entre os seus." in texts(dispatcher)
    # A tracker forged to hold a question about their plantão cancels nothing either.
    forged = CollectingDispatcher()
    asked = question("confirmar_cancelamento", plantao_ref=other.ref, amount="0.00")
    assert (await confirm(forged, other.ref, asked))["pendente"] is None
    assert "Não encontrei" in texts(forged)
    with db.unit_of_work(runtime.sessions()) as session:
        assert session.get(Plantao, other.id).state == "requested"


async def test_cancelling_early_is_free_after_confirmation(
    dispatcher: CollectingDispatcher,
) -> None:
    plantao = stored_plantao(customer(), FAR)
    asked = await cancel(dispatcher, f"quero cancelar o {plantao.ref.lower()}")
    assert asked == {
        "pendente": "confirmar_cancelamento",
        "pergunta": asked["pergunta"],
        "plantao_ref": plantao.ref,
    }
    assert "sem cobrança" in texts(dispatcher)
    done = CollectingDispatcher()
    assert (await confirm(done, plantao.ref, dispatcher.messages))["pendente"] is None
    assert f"Plantão {plantao.ref} cancelado (sem custo)" in texts(done)
    with db.unit_of_work(runtime.sessions()) as session:
        row = session.get(Plantao, plantao.id)
        assert (row.state, row.amount_due, row.charged_minutes) == ("cancelled", Decimal("0.00"), 0)
        event = session.scalars(select(PlantaoEvent).order_by(PlantaoEvent.id.desc())).first()
        assert (event.to_state, event.actor_role) == ("cancelled", "customer")
        kinds = {n.kind for n in session.scalars(select(Notification))}
        assert kinds == {"plantao_requested", "plantao_cancelled"}


async def test_cancelling_late_charges_the_first_days_minimum(
    dispatcher: CollectingDispatcher,
) -> None:
    start = (runtime.now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    plantao = stored_plantao(customer(), start, hours=10)
    await cancel(dispatcher, f"cancelar {plantao.ref}")
    shown = texts(dispatcher)
    assert "menos de 24 h de antecedência" in shown
    done = CollectingDispatcher()
    await confirm(done, plantao.ref, dispatcher.messages)
    ctx = runtime.context()
    expected = plantoes.plantao_quote(plantao, ctx.prices, ctx.settings.tariff, plantao.start_at)
    with db.unit_of_work(runtime.sessions()) as session:
        row = session.get(Plantao, plantao.id)
        assert (row.charged_minutes, row.amount_due) == (expected.charged_minutes, expected.amount)
        assert row.charged_minutes > 0
    assert f"valor devido R$ {row.amount_due:.2f}".replace(".", ",") in texts(done)


async def test_a_plantao_that_is_no_longer_open_cannot_be_cancelled(
    dispatcher: CollectingDispatcher,
) -> None:
    plantao = stored_plantao(customer(), FAR)
    await confirm(CollectingDispatcher(), plantao.ref)
    await cancel(dispatcher, f"cancelar {plantao.ref}")
    assert "está cancelado e não pode ser cancelado" in texts(dispatcher)


async def test_a_cancellation_racing_another_change_records_one_outcome(
    dispatcher: CollectingDispatcher,
) -> None:
    plantao = stored_plantao(customer(), FAR)
    asked = await ask_to_cancel(plantao.ref)
    with db.unit_of_work(runtime.sessions()) as session:
        staff = Staff(staff_person(session, "telegram", "900", "Equipe"), "telegram")
        plantoes.transition(
            session, plantao.id, staff, to_state="cancelled", allowed_from={"requested"}
        )
    await confirm(dispatcher, plantao.ref, asked)
    assert "Não cancelei: O plantão P-0001 já está cancelado." in texts(dispatcher)
    with db.unit_of_work(runtime.sessions()) as session:
        events = session.scalars(select(PlantaoEvent).where(PlantaoEvent.to_state == "cancelled"))
        assert len(list(events)) == 1


async def test_without_a_reference_the_open_plantoes_are_offered(
    dispatcher: CollectingDispatcher,
) -> None:
    plantao = stored_plantao(customer(), FAR)
    stored_plantao(customer(), FAR + timedelta(days=1), state="confirmed")
    result = await cancel(dispatcher, "quero cancelar meu plantão")
    assert result == {"pendente": None, "plantoes_listados": [plantao.ref, "P-0002"]}
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert payloads[0] == f'/cancel_plantao{{"plantao_ref": "{plantao.ref}"}}'
    assert len(payloads) == 2


async def test_without_a_reference_the_only_open_plantao_is_the_one_meant(
    dispatcher: CollectingDispatcher,
) -> None:
    person = customer()
    plantao = stored_plantao(person, FAR)
    stored_plantao(person, FAR + timedelta(days=1), state="cancelled")
    stored_plantao(customer("someone-else"), FAR + timedelta(days=2))
    result = await cancel(dispatcher, "cancelar o plantão")
    assert result["pendente"] == "confirmar_cancelamento"
    assert result["plantao_ref"] == plantao.ref
    assert f"Confirma o cancelamento do plantão {plantao.ref}?" in texts(dispatcher)
    with db.unit_of_work(runtime.sessions()) as session:
        assert session.get_one(Plantao, plantao.id).state == "requested"


async def test_with_nothing_to_cancel_the_cancellation_rule_is_given(
    dispatcher: CollectingDispatcher,
) -> None:
    person = customer()
    stored_plantao(person, FAR, state="cancelled")
    result = await cancel(dispatcher, "posso cancelar um plantão depois de marcar?")
    assert result == {"pendente": None}
    assert texts(dispatcher).startswith("Você não tem plantões que possam ser cancelados.")
    assert dispatcher.messages[-1]["response"] == "utter_faq/plantao_cancelamento"


async def test_a_plantao_that_started_cannot_be_cancelled_by_the_customer(
    dispatcher: CollectingDispatcher,
) -> None:
    plantao = stored_plantao(customer(), runtime.now() - timedelta(hours=1))
    await cancel(dispatcher, f"cancelar {plantao.ref}")
    assert "já começou" in texts(dispatcher)


async def test_no_keeps_the_plantao(dispatcher: CollectingDispatcher) -> None:
    plantao = stored_plantao(customer(), FAR)
    tracker = turn(
        "não",
        "deny",
        slots={"plantao_ref": plantao.ref},
        asked_by="action_cancel_request",
        asked=await ask_to_cancel(plantao.ref),
    )
    result = slots_of(await ActionDeclinePending().run(dispatcher, tracker, DOMAIN))
    assert result == {"pendente": None, "plantao_ref": None}
    assert "continua agendado" in texts(dispatcher)


async def test_a_listing_remembers_what_it_showed_in_order(
    dispatcher: CollectingDispatcher,
) -> None:
    person = customer()
    first = stored_plantao(person, FAR)
    second = stored_plantao(person, FAR + timedelta(days=1), state="cancelled")
    stored_plantao(customer("someone-else"), FAR + timedelta(days=2))
    events = await ActionListMyPlantoes().run(dispatcher, turn("meus plantões"), DOMAIN)
    assert slots_of(events) == {"plantoes_listados": [first.ref, second.ref]}


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("cancela o segundo", 1),
        ("quero cancelar o último da lista", 2),
        ("pode cancelar o 1º", 0),
        ("cancelar o primeiro plantão", 0),
    ],
)
async def test_a_place_in_the_list_just_shown_names_the_plantao(
    dispatcher: CollectingDispatcher, text: str, meant: int
) -> None:
    person = customer()
    refs = [stored_plantao(person, FAR + timedelta(days=d)).ref for d in range(3)]
    result = await cancel(dispatcher, text, listed=refs)
    assert (result["pendente"], result["plantao_ref"]) == ("confirmar_cancelamento", refs[meant])


async def test_this_one_names_the_only_plantao_listed(dispatcher: CollectingDispatcher) -> None:
    person = customer()
    only = stored_plantao(person, FAR).ref
    stored_plantao(person, FAR + timedelta(days=1))
    result = await cancel(dispatcher, "esse aí pode cancelar", listed=[only])
    assert result["plantao_ref"] == only
    # Among two listed, "esse" points at neither: the open ones are offered.
    offered = await cancel(CollectingDispatcher(), "cancela esse", listed=[only, "P-0002"])
    assert "plantao_ref" not in offered


async def test_a_place_in_a_forged_list_reaches_no_one_elses_plantao(
    dispatcher: CollectingDispatcher,
) -> None:
    customer()
    theirs = stored_plantao(customer("someone-else"), FAR).ref
    result = await cancel(dispatcher, "cancela o primeiro", listed=[theirs])
    assert result == {"pendente": None}
    assert theirs in texts(dispatcher) and "Confirma" not in texts(dispatcher)
    with db.unit_of_work(runtime.sessions()) as session:
        assert session.get_one(Plantao, db.parse_ref(theirs)).state == "requested"


async def test_the_day_said_names_the_only_plantao_on_it(
    dispatcher: CollectingDispatcher,
) -> None:
    person = customer()
    stored_plantao(person, FAR)
    sunday = stored_plantao(person, FAR + timedelta(days=1)).ref
    result = await cancel(dispatcher, f"cancela o de {FAR + timedelta(days=1):%d/%m/%Y}")
    assert result["plantao_ref"] == sunday
    # A day with none of them: the open ones are offered.
    none_that_day = await cancel(CollectingDispatcher(), "cancela o de 10/06/2037")
    assert "plantao_ref" not in none_that_day

"""The booking summary, the Term, and the confirmation that books in one transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.booking import ActionBookingSummary, ActionConfirmBooking, ActionRefuseTerm
from consultoria import db, runtime
from consultoria.db import Notification, Plantao, PlantaoEvent, TermAcceptance, text_sha256
from consultoria.tariff import Modality, PriceVersion
from tests.support.people import customer
from tests.support.plantoes import BOOKING_FORM, count
from tests.support.trackers import DOMAIN, question, slots_of, texts, turn

SECOND_REQUEST = {"reserva_token": "second-request"}


async def summary(dispatcher: CollectingDispatcher, **slots: Any) -> dict[str, Any]:
    """The slots the summary set; what it said stays in `dispatcher.messages`."""
    tracker = turn("(11) 91234-5678", slots={**BOOKING_FORM, **slots})
    return slots_of(await ActionBookingSummary().run(dispatcher, tracker, DOMAIN))


async def customer_summary(dispatcher: CollectingDispatcher) -> dict[str, Any]:
    """The summary shown to a customer already on record."""
    customer()
    return await summary(dispatcher)


def _readjust_plantao_today(per_minute: Decimal) -> None:
    """A new plantão price from today: a new Term version, which needs its own answer."""
    with db.unit_of_work(runtime.sessions()) as session:
        db.add_readjustment(
            session, PriceVersion(Modality.PLANTAO, per_minute, runtime.now().date())
        )


async def answer(
    action: Any,
    dispatcher: CollectingDispatcher,
    shown: dict[str, Any],
    asked: list[dict[str, Any]],
    intent: str = "affirm",
    message_id: str = "m-2",
) -> dict[str, Any]:
    """A typed answer to the question among `asked`, the summary's messages."""
    tracker = turn(
        "aceito",
        intent,
        slots={**BOOKING_FORM, **shown},
        asked_by="action_booking_summary",
        asked=asked,
        message_id=message_id,
    )
    return slots_of(await action.run(dispatcher, tracker, DOMAIN))


async def test_summary_shows_quote_breakdown_cancellation_rule_and_the_term(
    dispatcher: CollectingDispatcher,
) -> None:
    shown = await customer_summary(dispatcher)
    said = texts(dispatcher)
    assert "R$ 2.400,00" in said
    assert "06/06/2037 (sábado): agendados 600 min" in said
    assert "Cancelamento: sem custo até sex., 05/06/2037 08:00" in said
    assert "mínimo do primeiro dia: 240 min (4h) = R$ 960,00" in said
    prompt = dispatcher.messages[-1]
    assert prompt["text"].startswith("Termo de Aceite do Plantão 24x7 (versão 1)")
    assert "R$ 4,00 por minuto" in prompt["text"]
    assert [b["title"] for b in prompt["buttons"]] == [
        "Aceito",
        "Não aceito",
        "Ler o Termo completo",
    ]
    assert shown["pendente"] == "termo"
    assert shown["termo_hash"] == text_sha256(prompt["text"])


async def test_accepting_books_records_the_acceptance_and_notifies_staff_once(
    dispatcher: CollectingDispatcher,
) -> None:
    shown = await customer_summary(dispatcher)
    asked = list(dispatcher.messages)
    first = await answer(ActionConfirmBooking(), dispatcher, shown, asked)
    assert "Pedido registrado: plantão P-0001" in texts(dispatcher)
    assert first["pendente"] is None and first["reserva_data"] is None
    again = CollectingDispatcher()
    await answer(ActionConfirmBooking(), again, shown, asked, message_id="m-3")
    assert "já estava registrado: plantão P-0001" in texts(again)
    assert (count(Plantao), count(TermAcceptance), count(Notification)) == (1, 1, 1)
    with db.unit_of_work(runtime.sessions()) as session:
        plantao = session.scalars(select(Plantao)).one()
        acceptance = session.scalars(select(TermAcceptance)).one()
        assert (plantao.state, plantao.quoted_amount, plantao.quoted_minutes) == (
            "requested",
            Decimal("2400.00"),
            600,
        )
        assert acceptance.accepted and acceptance.text_sha256 == shown["termo_hash"]
        assert acceptance.quote_json is not None and acceptance.quote_json["amount"] == "2400.00"
        assert acceptance.price_version_id == plantao.price_version_id is not None
        assert (acceptance.channel, acceptance.message_id) == ("rest", "m-2")
        assert session.scalars(select(PlantaoEvent)).one().to_state == "requested"


async def test_an_accepted_term_is_not_asked_again(dispatcher: CollectingDispatcher) -> None:
    shown = await customer_summary(dispatcher)
    await answer(ActionConfirmBooking(), dispatcher, shown, dispatcher.messages)
    second = CollectingDispatcher()
    shown = await summary(second, **SECOND_REQUEST)
    assert shown["pendente"] == "confirmar_reserva"
    assert "Você já aceitou o Termo do plantão (versão 1)" in texts(second)
    await answer(ActionConfirmBooking(), second, {**shown, **SECOND_REQUEST}, second.messages)
    assert "P-0002" in texts(second)
    assert count(TermAcceptance) == 1


async def test_a_new_term_version_asks_again(dispatcher: CollectingDispatcher) -> None:
    shown = await customer_summary(dispatcher)
    await answer(ActionConfirmBooking(), dispatcher, shown, dispatcher.messages)
    _readjust_plantao_today(Decimal("4.20"))
    again = CollectingDispatcher()
    shown = await summary(again, **SECOND_REQUEST)
    assert shown["pendente"] == "termo"
    assert "(versão 2)" in again.messages[-1]["text"]
    assert "R$ 4,20 por minuto" in again.messages[-1]["text"]


async def test_a_term_changed_after_it_was_shown_is_shown_again(
    dispatcher: CollectingDispatcher,
) -> None:
    shown = await customer_summary(dispatcher)
    _readjust_plantao_today(Decimal("4.20"))
    result = await answer(ActionConfirmBooking(), dispatcher, shown, list(dispatcher.messages))
    assert result["pendente"] == "termo"
    assert "foi atualizado" in texts(dispatcher)
    assert count(Plantao) == 0 and count(TermAcceptance) == 0


async def test_refusing_records_the_refusal_books_nothing_and_offers_the_free_path(
    dispatcher: CollectingDispatcher,
) -> None:
    shown = await customer_summary(dispatcher)
    asked = list(dispatcher.messages)
    result = await answer(ActionRefuseTerm(), dispatcher, shown, asked, intent="deny")
    assert result["pendente"] is None
    assert "nenhum plantão foi agendado" in texts(dispatcher)
    assert dispatcher.messages[-1]["response"] == "utter_recommend_suporte_padrao"
    assert count(Plantao) == 0
    with db.unit_of_work(runtime.sessions()) as session:
        refusal = session.scalars(select(TermAcceptance)).one()
        assert not refusal.accepted and refusal.text_sha256 == shown["termo_hash"]


async def test_an_answer_to_an_old_question_changes_nothing(
    dispatcher: CollectingDispatcher,
) -> None:
    shown = await customer_summary(dispatcher)
    late = turn("sim", "affirm", slots={**BOOKING_FORM, **shown}, asked_by="action_quote")
    result = slots_of(await ActionConfirmBooking().run(dispatcher, late, DOMAIN))
    assert result == {"pendente": None}
    assert "Não há nenhuma pergunta minha aguardando" in texts(dispatcher)
    assert count(Plantao) == 0


async def test_a_window_that_started_meanwhile_is_not_booked(
    dispatcher: CollectingDispatcher,
) -> None:
    customer()
    past = {
        "reserva_inicio": "2020-06-06T20:00:00-03:00",
        "reserva_fim": "2020-06-06T23:00:00-03:00",
    }
    tracker = turn(
        "sim",
        "affirm",
        slots={**BOOKING_FORM, **past},
        asked_by="action_booking_summary",
        asked=question("confirmar_reserva"),
    )
    await ActionConfirmBooking().run(dispatcher, tracker, DOMAIN)
    assert "início do plantão precisa estar no futuro" in texts(dispatcher)
    assert count(Plantao) == 0


async def test_too_many_failures_explain_and_offer_a_way_out(
    dispatcher: CollectingDispatcher,
) -> None:
    result = await summary(dispatcher, reserva_parada="tentativas")
    assert result["pendente"] is None and result["reserva_data"] is None
    assert "nada foi agendado" in texts(dispatcher)
    payloads = [b["payload"] for b in dispatcher.messages[-1]["buttons"]]
    assert payloads == ["/book_plantao", "/human_handoff"]


async def test_a_database_error_apologises_and_writes_nothing(
    dispatcher: CollectingDispatcher, caplog: Any
) -> None:
    shown = await customer_summary(dispatcher)
    with db.unit_of_work(runtime.sessions()) as session:
        session.connection().exec_driver_sql("DROP TABLE notifications")
    result = await answer(ActionConfirmBooking(), dispatcher, shown, list(dispatcher.messages))
    assert result == {"pendente": None}
    assert "nada foi alterado" in texts(dispatcher)
    assert count(Plantao) == 0 and count(TermAcceptance) == 0
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "database error ref=" in logged and "91234" not in logged


def test_the_fixture_saturday_is_in_the_future() -> None:
    assert date.fromisoformat(BOOKING_FORM["reserva_data"]) > runtime.now().date()

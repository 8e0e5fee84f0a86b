"""The booking form: each answer parsed, checked and re-asked with a clear pt-BR message."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.booking import ValidateBookingForm
from consultoria import db, runtime
from consultoria.db import Person
from tests.support.people import customer
from tests.support.plantoes import BOOKING_FORM
from tests.support.trackers import DOMAIN, slots_of, texts, turn

FAR_DAY = "06/06/2037"  # tests.support.plantões.FAR, as a customer writes it


async def form(dispatcher: CollectingDispatcher, text: str, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("active_loop", "booking_form")
    events = await ValidateBookingForm().run(dispatcher, turn(text, **kwargs), DOMAIN)
    return slots_of(events)


async def test_the_first_message_gives_the_whole_window(dispatcher: CollectingDispatcher) -> None:
    customer()
    result = await form(
        dispatcher, f"quero agendar um plantão {FAR_DAY} das 8 às 18", intent="book_plantao"
    )
    assert result["reserva_data"] == "2037-06-06"
    assert result["reserva_inicio"].startswith("2037-06-06T08:00")
    assert result["reserva_fim"].startswith("2037-06-06T18:00")
    assert result["reserva_token"]
    assert result["requested_slot"] == "reserva_especialistas"


async def test_a_new_request_forgets_the_unfinished_one(dispatcher: CollectingDispatcher) -> None:
    customer()
    result = await form(
        dispatcher,
        "quero agendar um plantão",
        intent="book_plantao",
        slots={"reserva_motivo": "antigo", "reserva_falhas": 2.0},
    )
    assert result["reserva_motivo"] is None
    assert result["reserva_falhas"] is None
    assert result["requested_slot"] == "reserva_data"


async def test_an_unknown_person_is_asked_once_who_they_are(
    dispatcher: CollectingDispatcher,
) -> None:
    result = await form(dispatcher, "quero agendar um plantão", intent="book_plantao")
    assert result["requested_slot"] == "perfil"
    answered = await form(
        dispatcher,
        "/inform",
        slots={"requested_slot": "perfil"},
        entities=[{"entity": "perfil", "value": "cliente"}],
    )
    assert answered["perfil"] == "cliente"
    assert answered["requested_slot"] == "reserva_data"
    with db.unit_of_work(runtime.sessions()) as session:
        person = session.scalars(select(Person)).one()
        assert (person.role, person.unit) == ("customer", None)


async def test_a_consultant_gives_the_unit_which_is_remembered(
    dispatcher: CollectingDispatcher,
) -> None:
    first = await form(dispatcher, "sou consultor", slots={"requested_slot": "perfil"})
    assert first == {"perfil": "consultor", "requested_slot": "unidade"}
    second = await form(
        dispatcher,
        "Unidade Joinville",
        slots={"requested_slot": "unidade", "perfil": "consultor"},
    )
    assert second["requested_slot"] == "reserva_data"
    with db.unit_of_work(runtime.sessions()) as session:
        person = session.scalars(select(Person)).one()
        assert (person.role, person.unit) == ("consultant", "Unidade Joinville")


async def test_an_unclear_profile_is_asked_again(dispatcher: CollectingDispatcher) -> None:
    result = await form(dispatcher, "talvez", slots={"requested_slot": "perfil"})
    assert result["reserva_falhas"] == 1.0
    assert "cliente TOTVS ou consultor" in texts(dispatcher)


async def test_day_then_start_then_an_end_after_midnight(dispatcher: CollectingDispatcher) -> None:
    customer()
    day = await form(dispatcher, FAR_DAY, slots={"requested_slot": "reserva_data"})
    assert day == {"reserva_data": "2037-06-06", "requested_slot": "reserva_inicio"}
    start = await form(
        dispatcher, "22h", slots={"requested_slot": "reserva_inicio", "reserva_data": "2037-06-06"}
    )
    assert start["reserva_inicio"].startswith("2037-06-06T22:00")
    end = await form(
        dispatcher,
        "2h",
        slots={"requested_slot": "reserva_fim", "reserva_data": "2037-06-06", **start},
    )
    assert end["reserva_fim"].startswith("2037-06-07T02:00")
    assert end["requested_slot"] == "reserva_especialistas"


async def test_a_range_answers_the_start_question_too(dispatcher: CollectingDispatcher) -> None:
    customer()
    result = await form(
        dispatcher,
        "das 20h às 6h",
        slots={"requested_slot": "reserva_inicio", "reserva_data": "2037-06-05"},
    )
    assert result["reserva_inicio"].startswith("2037-06-05T20:00")
    assert result["reserva_fim"].startswith("2037-06-06T06:00")


async def test_a_past_day_is_refused(dispatcher: CollectingDispatcher) -> None:
    customer()
    yesterday = runtime.now().date() - timedelta(days=1)
    result = await form(
        dispatcher, f"{yesterday:%d/%m/%Y}", slots={"requested_slot": "reserva_data"}
    )
    assert result["reserva_data"] is None
    assert "já passou" in texts(dispatcher)


async def test_a_window_inside_business_hours_points_to_the_telefonica(
    dispatcher: CollectingDispatcher,
) -> None:
    customer()
    result = await form(
        dispatcher, "10/06/2037 das 9 às 17", slots={"requested_slot": "reserva_data"}
    )
    assert result["reserva_inicio"] is None and result["reserva_fim"] is None
    assert "Consultoria Telefônica" in texts(dispatcher)


async def test_a_window_longer_than_the_limit_is_refused(dispatcher: CollectingDispatcher) -> None:
    customer()
    result = await form(
        dispatcher,
        "de 06/06/2037 08:00 a 20/06/2037 18:00",
        slots={"requested_slot": "reserva_data"},
    )
    assert result["reserva_fim"] is None
    assert "no máximo 7 dias" in texts(dispatcher)


async def test_unreadable_times_are_explained(dispatcher: CollectingDispatcher) -> None:
    customer()
    result = await form(
        dispatcher,
        "quando der",
        slots={"requested_slot": "reserva_inicio", "reserva_data": "2037-06-06"},
    )
    assert result["reserva_falhas"] == 1.0
    assert "hora de início" in texts(dispatcher)


async def test_specialists_within_the_configured_limit(dispatcher: CollectingDispatcher) -> None:
    customer()
    ok = await form(dispatcher, "dois", slots={"requested_slot": "reserva_especialistas"})
    assert ok["reserva_especialistas"] == 2.0
    too_many = await form(dispatcher, "9", slots={"requested_slot": "reserva_especialistas"})
    assert too_many["reserva_falhas"] == 1.0
    assert "de 1 a 5" in texts(dispatcher)


async def test_reason_and_phone(dispatcher: CollectingDispatcher) -> None:
    customer()
    short = await form(dispatcher, "x", slots={"requested_slot": "reserva_motivo"})
    assert short["reserva_falhas"] == 1.0
    reason = await form(
        dispatcher, "virada de versão do Protheus", slots={"requested_slot": "reserva_motivo"}
    )
    assert reason["reserva_motivo"] == "virada de versão do Protheus"
    bad = await form(dispatcher, "1234", slots={"requested_slot": "reserva_telefone"})
    assert bad["reserva_falhas"] == 1.0
    assert "DDD" in texts(dispatcher)
    phone = await form(
        dispatcher, "+55 11 91234-5678", slots={"requested_slot": "reserva_telefone"}
    )
    assert phone["reserva_telefone"] == "(11) 91234-5678"
    assert phone["requested_slot"] == "reserva_data"


async def test_a_reason_that_reads_like_a_booking_answers_the_question(
    dispatcher: CollectingDispatcher,
) -> None:
    customer()
    result = await form(
        dispatcher,
        "plantão pra virada de versão do Protheus",
        intent="book_plantao",
        slots={
            "requested_slot": "reserva_motivo",
            "reserva_data": "2037-06-06",
            "reserva_token": "t",
        },
    )
    assert result["reserva_motivo"] == "plantão pra virada de versão do Protheus"
    assert "reserva_token" not in result  # the unfinished request was not started over


async def test_leaving_intents_are_not_answers(dispatcher: CollectingDispatcher) -> None:
    customer()
    result = await form(
        dispatcher, "cancelar", intent="stop", slots={"requested_slot": "reserva_motivo"}
    )
    assert "reserva_motivo" not in result
    assert dispatcher.messages == []


async def test_too_many_wrong_answers_stop_the_form(dispatcher: CollectingDispatcher) -> None:
    customer()
    result = await form(
        dispatcher, "??", slots={"requested_slot": "reserva_telefone", "reserva_falhas": 2.0}
    )
    assert result["reserva_parada"] == "tentativas"
    assert result["requested_slot"] is None


async def test_a_database_error_stops_the_form_with_an_apology(
    dispatcher: CollectingDispatcher,
) -> None:
    with db.unit_of_work(runtime.sessions()) as session:
        session.execute(db.Person.__table__.delete())
        session.connection().exec_driver_sql("DROP TABLE privacy_requests")
        session.connection().exec_driver_sql("ALTER TABLE persons RENAME TO persons_gone")
    result = await form(dispatcher, "quero agendar", intent="book_plantao")
    assert result["reserva_parada"] == "erro"
    assert result["requested_slot"] is None
    assert "nada foi alterado" in texts(dispatcher)


def test_saturday_fixture_is_a_saturday() -> None:
    assert date(2037, 6, 6).weekday() == 5
    assert datetime(2037, 6, 6).year > runtime.now().year


QUOTED = {
    "modalidade": "plantao",
    "plantao_inicio": "2037-06-06T20:00:00-03:00",
    "plantao_fim": "2037-06-07T02:00:00-03:00",
    "especialistas": 2.0,
}


async def test_booking_the_plantao_just_quoted_asks_nothing_it_said(
    dispatcher: CollectingDispatcher,
) -> None:
    customer()
    result = await form(
        dispatcher, "quero agendar esse plantão", intent="book_plantao", slots=QUOTED
    )
    assert result["reserva_data"] == "2037-06-06"
    assert result["reserva_inicio"] == QUOTED["plantao_inicio"]
    assert result["reserva_fim"] == QUOTED["plantao_fim"]
    assert result["reserva_especialistas"] == 2.0
    assert result["requested_slot"] == "reserva_motivo"
    assert "sáb., 06/06/2037 20:00 até dom., 07/06/2037 02:00, 2 especialistas" in texts(dispatcher)


async def test_a_booking_that_names_its_own_day_ignores_the_quote(
    dispatcher: CollectingDispatcher,
) -> None:
    customer()
    result = await form(
        dispatcher,
        f"quero agendar um plantão {FAR_DAY} das 8 às 12",
        intent="book_plantao",
        slots=QUOTED,
    )
    assert result["reserva_inicio"].startswith("2037-06-06T08:00")
    assert result["reserva_fim"].startswith("2037-06-06T12:00")
    assert result["requested_slot"] == "reserva_especialistas"
    assert "cotação" not in texts(dispatcher)


async def test_a_quoted_plantao_that_cannot_be_booked_is_explained(
    dispatcher: CollectingDispatcher,
) -> None:
    customer()
    past = {
        **QUOTED,
        "plantao_inicio": "2020-01-04T08:00:00-03:00",
        "plantao_fim": "2020-01-04T18:00:00-03:00",
    }
    result = await form(dispatcher, "quero agendar esse plantão", intent="book_plantao", slots=past)
    assert result["requested_slot"] == "reserva_data"
    assert "O plantão da cotação não pode ser agendado: Essa data já passou" in texts(dispatcher)


WINDOW_KNOWN = {key: BOOKING_FORM[key] for key in ("reserva_data", "reserva_inicio", "reserva_fim")}


async def test_a_correction_of_the_day_moves_the_window_and_asks_again(
    dispatcher: CollectingDispatcher,
) -> None:
    customer()
    for said in ("na verdade é domingo", "ops, domingo e não sábado", "errei, troca pra domingo"):
        result = await form(
            dispatcher, said, slots={**WINDOW_KNOWN, "requested_slot": "reserva_especialistas"}
        )
        assert result["reserva_inicio"].startswith("2037-06-07T08:00"), said
        assert result["reserva_fim"].startswith("2037-06-07T18:00"), said
        assert result["requested_slot"] == "reserva_especialistas"
        assert "reserva_especialistas" not in result and "reserva_falhas" not in result
    assert "corrigi o plantão" in texts(dispatcher)


async def test_a_correction_of_the_hours_keeps_the_day(dispatcher: CollectingDispatcher) -> None:
    customer()
    result = await form(
        dispatcher,
        "opa, errei o horário: é das 20h às 23h",
        slots={**WINDOW_KNOWN, "reserva_especialistas": 1.0, "requested_slot": "reserva_motivo"},
    )
    assert result["reserva_inicio"].startswith("2037-06-06T20:00")
    assert result["reserva_fim"].startswith("2037-06-06T23:00")
    assert result["requested_slot"] == "reserva_motivo"


async def test_an_answer_that_names_a_day_is_no_correction(
    dispatcher: CollectingDispatcher,
) -> None:
    customer()
    result = await form(
        dispatcher,
        "virada de versão do Protheus no domingo",
        slots={**WINDOW_KNOWN, "requested_slot": "reserva_motivo"},
    )
    assert result["reserva_motivo"] == "virada de versão do Protheus no domingo"
    assert "reserva_inicio" not in result


async def test_a_correction_to_a_past_day_changes_nothing(dispatcher: CollectingDispatcher) -> None:
    customer()
    result = await form(
        dispatcher,
        "na verdade é 01/01/2020",
        slots={**WINDOW_KNOWN, "requested_slot": "reserva_especialistas"},
    )
    assert "reserva_inicio" not in result
    assert result["reserva_falhas"] == 1.0
    assert "Não corrigi" in texts(dispatcher)


async def test_a_plantao_for_yesterday_is_refused_as_past(dispatcher: CollectingDispatcher) -> None:
    customer()
    result = await form(dispatcher, "quero um plantão ontem das 20 às 22", intent="book_plantao")
    assert "Essa data já passou" in texts(dispatcher)
    assert result["reserva_data"] is None and result["reserva_falhas"] == 1.0


@pytest.mark.parametrize(
    ("text", "intent", "asked"),
    [
        ("esquece, vejo isso depois", "inform", "reserva_data"),
        ("deixa pra lá", "inform", "reserva_motivo"),
        ("não quero mais agendar", "book_plantao", "reserva_motivo"),
        ("outra hora eu marco", "faq", "reserva_telefone"),
        ("mudei de ideia", "affirm", "reserva_especialistas"),
    ],
)
async def test_giving_up_in_words_stops_the_form_and_keeps_nothing(
    dispatcher: CollectingDispatcher, text: str, intent: str, asked: str
) -> None:
    customer()
    result = await form(dispatcher, text, intent=intent, slots={"requested_slot": asked})
    assert result == {"reserva_parada": "desistiu", "requested_slot": None}
    assert [m.get("response") for m in dispatcher.messages] == ["utter_stop"]


async def test_a_free_text_answer_with_leaving_words_in_it_is_an_answer(
    dispatcher: CollectingDispatcher,
) -> None:
    customer()
    reason = "o cliente desistiu do pedido e precisamos estornar"
    result = await form(dispatcher, reason, slots={"requested_slot": "reserva_motivo"})
    assert result["reserva_motivo"] == reason

"""End-to-end through the REST channel: book a Saturday plantão with the Term, list it, cancel
it, and erase the conversation (real Rasa model, action server and database)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.e2e.rest import Conversation


def saturday_ahead() -> date:
    """A Saturday more than a week away: no short-notice warning, free cancellation."""
    today = datetime.now(ZoneInfo("America/Sao_Paulo")).date()
    return today + timedelta(days=(5 - today.weekday()) % 7 + 7)


def test_book_accept_list_and_cancel_a_saturday_plantao(conversation: Conversation) -> None:
    day = saturday_ahead()
    asked = conversation.say(f"quero agendar um plantão {day:%d/%m/%Y} das 8 às 18")
    assert "cliente TOTVS ou consultor" in asked[0]["text"]
    assert "Quantos especialistas" in conversation.text('/inform{"perfil": "cliente"}')
    assert "motivo" in conversation.text("1")
    assert "telefone" in conversation.text("virada de versão do Protheus")

    summary = conversation.say("(11) 91234-5678")
    said = "\n".join(str(r.get("text", "")) for r in summary)
    assert "R$ 2.400,00" in said
    assert f"{day:%d/%m/%Y} (sábado): agendados 600 min" in said
    assert "Cancelamento: sem custo até" in said
    term = summary[-1]
    assert term["text"].startswith("Termo de Aceite do Plantão 24x7")
    assert [b["title"] for b in term["buttons"]] == ["Aceito", "Não aceito", "Ler o Termo completo"]

    replies = conversation.say(term["buttons"][0]["payload"])
    booked = "\n".join(str(r.get("text", "")) for r in replies)
    found = re.search(r"Pedido registrado: plantão (P-\d{4})", booked)
    assert found, booked
    ref = found.group(1)
    [invitation] = [r["custom"] for r in replies if "custom" in r]
    assert (invitation["type"], invitation["filename"]) == ("calendar", f"{ref}.ics")
    assert "METHOD:REQUEST\r\n" in invitation["content"]
    assert f"DTSTART;TZID=America/Sao_Paulo:{day:%Y%m%d}T080000\r\n" in invitation["content"]

    listed = conversation.text("meus plantões")
    assert ref in listed and "aguardando confirmação" in listed and "R$ 2.400,00" in listed

    due = conversation.text(f"quero cancelar o plantão {ref}")
    assert "sem cobrança" in due and f"Confirma o cancelamento do plantão {ref}" in due
    replies = conversation.say("/affirm")
    cancelled = "\n".join(str(r.get("text", "")) for r in replies)
    assert f"Plantão {ref} cancelado (sem custo)" in cancelled
    [cancellation] = [r["custom"] for r in replies if "custom" in r]
    assert "METHOD:CANCEL\r\n" in cancellation["content"]
    assert f"UID:{ref}@assistente-consultoria\r\n" in cancellation["content"]
    assert "cancelado" in conversation.text("meus plantões")


def summary_of(conversation: Conversation, day: date, hours: str) -> list[dict[str, Any]]:
    """Ask for a plantão on `day` at `hours` ("das 8 às 18") and answer the form as a customer:
    the summary's replies, the Term's question last."""
    conversation.say(f"quero agendar um plantão {day:%d/%m/%Y} {hours}")
    conversation.say('/inform{"perfil": "cliente"}')
    conversation.say("1")
    conversation.say("virada de versão do Protheus")
    return conversation.say("(11) 91234-5678")


def book(conversation: Conversation, day: date, hours: str) -> str:
    """Book a plantão on `day` at `hours` through the whole conversation; its reference."""
    last = summary_of(conversation, day, hours)[-1]
    booked = conversation.text(last["buttons"][0]["payload"])
    found = re.search(r"Pedido registrado: plantão (P-\d{4})", booked)
    assert found, booked
    return found.group(1)


def button(replies: list[dict[str, Any]], title: str) -> str:
    """The payload of the button titled `title` among `replies`."""
    return next(
        b["payload"] for r in replies for b in r.get("buttons") or [] if b["title"] == title
    )


def test_an_old_yes_under_another_plantao_cancels_neither(conversation: Conversation) -> None:
    first = book(conversation, saturday_ahead() + timedelta(days=7), "das 8 às 18")
    second = book(conversation, saturday_ahead() + timedelta(days=14), "das 9 às 17")
    old_yes = button(conversation.say(f"cancelar o plantão {first}"), "Sim, cancelar")
    asked = conversation.say(f"cancelar o plantão {second}")
    assert f"Confirma o cancelamento do plantão {second}?" in asked[-1]["text"]
    said = conversation.say(old_yes)
    assert said[0]["text"].startswith("Esses botões são de uma pergunta anterior")
    assert said[-1]["text"] == f"Confirma o cancelamento do plantão {second}?"
    listed = conversation.text("meus plantões")
    assert "cancelado" not in listed and first in listed and second in listed
    # A payload naming a question nobody asked changes nothing either.
    invented = conversation.text('/affirm{"pergunta": "0123456789abcdef"}')
    assert "Esses botões são de uma pergunta anterior" in invented
    assert "cancelado" not in conversation.text("meus plantões")
    done = conversation.text(button(said, "Sim, cancelar"))
    assert f"Plantão {second} cancelado (sem custo)" in done
    listed = conversation.text("meus plantões")
    assert listed.count("cancelado") == 1 and f"{first} —" in listed


def test_a_question_of_another_conversation_is_not_answered_here(
    new_conversation: Callable[[], Conversation],
) -> None:
    mine, theirs = new_conversation(), new_conversation()
    ref = book(theirs, saturday_ahead() + timedelta(days=21), "das 8 às 12")
    their_yes = button(theirs.say(f"cancelar o plantão {ref}"), "Sim, cancelar")
    assert "Esses botões são de uma pergunta anterior" in mine.text(their_yes)
    assert "Não encontrei" in mine.text(f"cancelar o plantão {ref}")
    assert "cancelado" not in theirs.text("meus plantões")


def test_a_refused_term_books_nothing(conversation: Conversation) -> None:
    day = saturday_ahead() + timedelta(days=1)
    conversation.say(f"agendar plantão {day:%d/%m/%Y} das 10 às 16")
    conversation.say('/inform{"perfil": "cliente"}')
    conversation.say("2")
    conversation.say("fechamento contábil")
    conversation.say("47 99999-1234")
    refused = conversation.text("/deny")
    assert "nenhum plantão foi agendado" in refused and "Suporte Padrão" in refused
    assert "não tem plantões" in conversation.text("meus plantões")


def test_erasing_my_data_erases_the_conversation(
    new_conversation: Callable[[], Conversation],
) -> None:
    talk = new_conversation()
    talk.say("oi")
    assert "Confirma a exclusão" in talk.text("apagar meus dados")
    assert "obrigação legal" in talk.text("/affirm")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        tracker = talk.client.get(f"/conversations/{talk.sender}/tracker").json()
        if not any(e.get("event") == "user" for e in tracker.get("events", [])):
            break
        time.sleep(0.5)
    else:
        raise AssertionError("the conversation was not erased")
    assert "Não temos nenhum cadastro" in talk.text("quero meus dados")


def test_follow_ups_keep_the_quoted_day_and_a_booking_starts_from_the_quote(
    conversation: Conversation,
) -> None:
    day = f"{saturday_ahead():%d/%m/%Y}"
    assert f"{day} 08:00 até 18:00" in conversation.text(
        f"quanto fica um plantão {day} das 8 às 18?"
    )
    assert f"{day} 08:00 até 18:00: 600 min (10h), 2 especialistas" in conversation.text(
        "e se forem 2 especialistas?"
    )
    assert f"{day} 20:00 até" in conversation.text("e se for das 20h às 2h?")
    booking = conversation.text("quero agendar esse plantão")
    assert f"Vou agendar o plantão da cotação: de sáb., {day} 20:00" in booking
    assert "2 especialistas" in booking


def test_the_second_of_the_list_just_shown_is_the_one_cancelled(conversation: Conversation) -> None:
    first = book(conversation, saturday_ahead() + timedelta(days=28), "das 8 às 18")
    second = book(conversation, saturday_ahead() + timedelta(days=35), "das 8 às 12")
    listed = conversation.text("meus plantões")
    assert listed.index(f"{first} —") < listed.index(f"{second} —")
    asked = conversation.say("cancela o segundo")
    assert f"Confirma o cancelamento do plantão {second}?" in asked[-1]["text"]
    done = conversation.text(button(asked, "Sim, cancelar"))
    assert f"Plantão {second} cancelado (sem custo)" in done
    lines = conversation.text("meus plantões").splitlines()
    [first_line] = [line for line in lines if f"{first} —" in line]
    assert "cancelado" not in first_line

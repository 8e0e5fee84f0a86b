"""End-to-end through the REST channel: book a Saturday plantão with the Term, list it, cancel
it, and erase the conversation (real Rasa model, action server and database)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
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

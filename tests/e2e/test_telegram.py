"""End-to-end through Telegram: the real bot (started by scripts/serve.py with a token), real
Rasa, real actions and database, against the fake Bot API server on loopback."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from actions.messages.staff import REFUSAL as STAFF_REFUSAL
from bot.handlers import STAFF_ONLY, STALE_BUTTON
from tests.e2e.test_booking import saturday_ahead
from tests.e2e.test_tecnica import business_day_ahead
from tests.faketg.server import FakeTelegram, User
from tests.stack import ROOT, StackError, running_stack

ANA = User(70001, "Ana", "ana_cliente")
BRUNO = User(70002, "Bruno", "bruno_ti")
CARLA = User(79001, "Carla", "carla_equipe")  # on the staff roster of this stack
REPLY_TIMEOUT = 60.0


@dataclass
class Stack:
    telegram: FakeTelegram
    rasa_url: str

    def events(self, user: User) -> list[dict[str, Any]]:
        tracker = httpx.get(f"{self.rasa_url}/conversations/{user.id}/tracker", timeout=30)
        return [e for e in tracker.json().get("events", []) if e.get("event") == "user"]


def _config_with_staff(folder: Path) -> Path:
    text = (ROOT / "consultoria.yml").read_text(encoding="utf-8")
    seeded = text.replace(
        "\nstaff: []\n", f"\nstaff:\n  - {{telegram_user_id: {CARLA.id}, name: Carla Equipe}}\n"
    )
    assert seeded != text, "consultoria.yml no longer has an empty staff list to fill"
    path = folder / "consultoria.yml"
    path.write_text(seeded, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("telegram-stack")
    with FakeTelegram() as telegram:
        env = {
            "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_API_BASE_URL": telegram.base_url,
            "CONSULTORIA_CONFIG": str(_config_with_staff(folder)),
        }
        try:
            with running_stack(env) as rasa_url:
                yield Stack(telegram, rasa_url)
        except StackError as exc:
            pytest.fail(str(exc))


def ask(stack: Stack, user: User, text: str, expect: str) -> list[dict[str, Any]]:
    """Say `text` and wait for a reply containing `expect`; the new messages, in order."""
    before = len(stack.telegram.sent(user.id))
    stack.telegram.say(user, text)
    return _replies(stack, user, before, expect)


def press(stack: Stack, user: User, message: dict[str, Any], title: str, expect: str) -> Any:
    before = len(stack.telegram.sent(user.id))
    [data] = [
        row[0]["callback_data"]
        for row in message["reply_markup"]["inline_keyboard"]
        if row[0]["text"] == title
    ]
    stack.telegram.press(user, message, data)
    return _replies(stack, user, before, expect)


def _replies(stack: Stack, user: User, before: int, expect: str) -> list[dict[str, Any]]:
    def arrived() -> list[dict[str, Any]] | None:
        new = stack.telegram.sent(user.id)[before:]
        return new if any(expect in m.get("text", "") for m in new) else None

    try:
        return stack.telegram.wait_for(arrived, timeout=REPLY_TIMEOUT)
    except AssertionError:
        said = [m.get("text", "")[:200] for m in stack.telegram.sent(user.id)[before:]]
        raise AssertionError(f"no reply with {expect!r}; the bot said {said}") from None


def with_buttons(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return next(m for m in messages if m.get("reply_markup"))


def test_a_customer_books_staff_hears_confirms_and_ends_it_and_the_list_shows_the_amount(
    stack: Stack,
) -> None:
    day = saturday_ahead()
    asked = ask(stack, ANA, f"quero agendar um plantão {day:%d/%m/%Y} das 8 às 18", "cliente")
    question = with_buttons(asked)
    how_many = with_buttons(press(stack, ANA, question, "Sou cliente", "Quantos especialistas"))
    # The press is echoed under its question, whose keyboard is gone.
    [edited] = [m for m in stack.telegram.sent(ANA.id) if m["message_id"] == question["message_id"]]
    assert edited["text"].endswith("» Sou cliente") and "reply_markup" not in edited
    press(stack, ANA, how_many, "1", "motivo")
    ask(stack, ANA, "virada de versão do Protheus", "telefone")
    summary = ask(stack, ANA, "(11) 91234-5678", "Termo de Aceite do Plantão 24x7")
    assert any("R$ 2.400,00" in m["text"] for m in summary)
    booked = press(stack, ANA, with_buttons(summary), "Aceito", "Pedido registrado")
    said = "\n".join(m.get("text", "") for m in booked)  # the file may already follow
    found = re.search(r"Pedido registrado: plantão (P-\d{4})", said)
    assert found, booked
    ref = found.group(1)

    # The calendar file follows as a document (SPEC §9).
    def invitation() -> dict[str, Any] | None:
        return next((m for m in stack.telegram.sent(ANA.id) if "document" in m), None)

    document = stack.telegram.wait_for(invitation, timeout=REPLY_TIMEOUT)
    assert document["document"]["file_name"] == f"{ref}.ics"
    assert "METHOD:REQUEST\r\n" in document["content"]

    def notified() -> str | None:
        return next((m["text"] for m in stack.telegram.sent(CARLA.id) if ref in m["text"]), None)

    staff_message = stack.telegram.wait_for(notified, timeout=REPLY_TIMEOUT)
    assert staff_message.startswith(f"Novo pedido de plantão: {ref}")
    assert "R$ 2.400,00" in staff_message and "virada de versão do Protheus" in staff_message

    listed = ask(stack, ANA, "/plantoes", ref)[-1]["text"]
    assert "aguardando confirmação" in listed and "R$ 2.400,00" in listed

    # Staff, recognised by their Telegram id alone, confirm it and end it at 10:00.
    assert STAFF_ONLY in ask(stack, ANA, "/pendentes", STAFF_ONLY)[-1]["text"]
    pending = ask(stack, CARLA, "/pendentes", "aguardando confirmação")[-1]["text"]
    assert ref in pending
    ask(stack, CARLA, f"confirmar o plantão {ref} com Maria Souza", "confirmado com Maria Souza")
    # The end shows its amount and waits for its own button, which shows it too.
    asked = with_buttons(ask(stack, CARLA, f"encerrar o plantão {ref} às 10h", "R$ 960,00"))
    # Rasa's REST channel sends each paragraph as a message of its own.
    ended = press(stack, CARLA, asked, "Sim, encerrar (R$ 960,00)", "R$ 960,00 mais impostos")
    # 10:00 of a Saturday ahead has not come: the end is scheduled, and the plantão stays.
    assert any(f"Encerramento do plantão {ref} agendado" in m["text"] for m in ended)
    mine = ask(stack, ANA, "meus plantões", ref)[-1]["text"]
    assert "confirmado, encerramento agendado para" in mine

    staff_gets_the_months_term_answers(stack, ref)


def staff_gets_the_months_term_answers(stack: Stack, ref: str) -> None:
    """The month's Term answers reach staff as a CSV document (SPEC §10); a customer gets none."""
    assert STAFF_REFUSAL in ask(stack, ANA, "relatório de aceites deste mês", "equipe")[-1]["text"]
    said = ask(stack, CARLA, "manda o relatório de aceites deste mês", "Relatório de aceites")
    assert "1 aceite e 0 recusas" in said[-1]["text"]

    def report() -> dict[str, Any] | None:
        return next((m for m in stack.telegram.sent(CARLA.id) if "document" in m), None)

    document = stack.telegram.wait_for(report, timeout=REPLY_TIMEOUT)
    assert re.fullmatch(r"aceites-\d{4}-\d{2}\.csv", document["document"]["file_name"])
    header, row = document["content"].splitlines()
    assert header.startswith("time,person,user_id,channel,role,unit,modality,term_version")
    assert f",{ANA.id},telegram,customer,,plantao,1," in row and row.endswith(f",accepted,{ref}")
    ana_files = [m["document"]["file_name"] for m in stack.telegram.sent(ANA.id) if "document" in m]
    assert ana_files == [f"{ref}.ics"]


def test_a_forged_callback_key_changes_nothing(stack: Stack) -> None:
    greeting = with_buttons(ask(stack, BRUNO, "oi", "Consultoria"))
    events = stack.events(BRUNO)
    answers = len(stack.telegram.calls("answerCallbackQuery"))
    stack.telegram.press(BRUNO, greeting, "/ask_price")
    answered = stack.telegram.wait_for(
        lambda: stack.telegram.calls("answerCallbackQuery")[answers:], timeout=REPLY_TIMEOUT
    )
    assert answered[0].params["text"] == STALE_BUTTON
    # A real message after it is answered, and nothing came in between.
    before = len(stack.telegram.sent(BRUNO.id))
    ask(stack, BRUNO, "quanto custa o minuto?", "R$ 4,00")
    assert stack.events(BRUNO)[: len(events)] == events
    assert len(stack.events(BRUNO)) == len(events) + 1
    assert stack.telegram.sent(BRUNO.id)[before]["text"].count("R$ 4,00") >= 1


def test_a_20000_character_message_gets_a_sensible_answer(stack: Stack) -> None:
    user = User(70003, "Duda")
    [answer] = ask(stack, user, "plantão " * 2500, "caracteres")
    assert "20.000 caracteres" in answer["text"] and "resumir" in answer["text"]
    assert stack.events(user) == []
    assert "R$ 4,00" in ask(stack, user, "quanto custa o minuto?", "R$ 4,00")[-1]["text"]


def test_a_duplicated_update_is_answered_once(stack: Stack) -> None:
    user = User(70004, "Edu")
    update = stack.telegram.message_update(user, "quanto custa o minuto?")
    stack.telegram.push(update)
    stack.telegram.push(update)
    # Updates of one chat run in order: once this is answered, a repeat would have been too.
    ask(stack, user, "obrigado", "Por nada")
    priced = [m for m in stack.telegram.sent(user.id) if "R$ 4,00" in m["text"]]
    assert len(priced) == 1
    assert [e["text"] for e in stack.events(user)] == ["quanto custa o minuto?", "obrigado"]


def test_an_old_keyboard_answers_only_its_own_question(stack: Stack) -> None:
    """Two questions in a row: the first one's keyboard, still on screen, is pressed after the
    second was asked. Nothing changes, the bot says so and shows the open question again, whose
    own keyboard then answers it."""
    user = User(70005, "Elisa", "elisa_ti")
    first = with_buttons(ask(stack, user, "apagar meus dados", "Confirma a exclusão"))
    second = with_buttons(ask(stack, user, "quero apagar meus dados", "Confirma a exclusão"))
    stale = press(stack, user, first, "Sim, apagar", "Confirma a exclusão")
    assert any(m["text"].startswith("Esses botões são de uma pergunta anterior") for m in stale)
    assert stale[-1]["text"].endswith("Confirma a exclusão?")
    assert not any("será apagado" in m["text"] for m in stale)  # nothing was erased
    assert len(stack.events(user)) == 3
    reshown = with_buttons(stale)
    kept = press(stack, user, reshown, "Não", "não apaguei nada")
    assert kept[-1]["text"] == "Certo, não apaguei nada."
    # The second question's keyboard was replaced by the one shown again: it answers nothing.
    late = press(stack, user, second, "Sim, apagar", "Esses botões são de uma pergunta anterior")
    assert "não há nenhuma pergunta" in late[-1]["text"]
    assert len(stack.events(user)) == 5


def test_a_tecnica_appointment_confirmed_by_staff_reaches_the_customer_with_its_file(
    stack: Stack,
) -> None:
    """The Técnica Term's keyboard in Telegram, and the confirmed slot's calendar file sent by
    the notifier as a document (SPEC §5, §9)."""
    user = User(70006, "Fabi", "fabi_rh")
    day = business_day_ahead()
    asked = with_buttons(ask(stack, user, "preciso agendar uma consultoria técnica", "cliente"))
    press(stack, user, asked, "Sou cliente", "assunto")
    ask(stack, user, "revisão do cálculo da folha", "sistema")
    ask(stack, user, "RM", "dia")
    ask(stack, user, f"{day:%d/%m/%Y} à tarde", "estima")
    ask(stack, user, "não sei", "telefone")
    summary = with_buttons(ask(stack, user, "(11) 91234-5678", "Termo de Aceite"))
    requested = press(stack, user, summary, "Aceito", "Pedido registrado")
    found = re.search(r"Consultoria Técnica (T-\d{4})", "\n".join(m["text"] for m in requested))
    assert found, requested
    ref = found.group(1)
    ask(stack, CARLA, f"confirmar {ref} dia {day:%d/%m/%Y} às 14h", "confirmada")

    def invitation() -> dict[str, Any] | None:
        return next((m for m in stack.telegram.sent(user.id) if "document" in m), None)

    document = stack.telegram.wait_for(invitation, timeout=REPLY_TIMEOUT)
    assert document["document"]["file_name"] == f"{ref}.ics"
    assert "METHOD:REQUEST\r\n" in document["content"]
    assert f"UID:{ref}@assistente-consultoria\r\n" in document["content"]
    told = [m["text"] for m in stack.telegram.sent(user.id) if ref in m.get("text", "")]
    assert any("foi confirmada pela equipe" in text for text in told)

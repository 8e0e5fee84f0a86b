"""End-to-end, issue #15: ERP product questions go to the Suporte Padrão, urgent production stops
get what is possible at that hour, and a greeting with a question answers the question."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.e2e.rest import Conversation
from tests.stack import StackError, running_stack

# A Wednesday at 03:00 in São Paulo: the team is back at 08:00 the same day.
NIGHT = "2026-12-02T03:00:00-03:00"


@pytest.fixture(scope="module")
def night_url() -> Iterator[str]:
    try:
        with running_stack({"CONSULTORIA_CLOCK_START": NIGHT}) as url:
            yield url
    except StackError as exc:
        pytest.fail(str(exc))


@pytest.mark.parametrize(
    "message",
    [
        "como faço pra cadastrar um produto no Datasul?",
        "o sistema tá travando desde a atualização",
        "a nfe volta com rejeicao 225 da sefaz, o que faço",
        "onde eu configuro a natureza de operação no protheus?",
        "depois do pacote novo a tela de pedidos ficou super lenta",
        "da erro de acesso negado quando abro o modulo fiscal",
    ],
)
def test_an_erp_product_question_goes_to_the_suporte_padrao_with_the_ticket(
    new_conversation: Callable[[], Conversation], message: str
) -> None:
    text = new_conversation().text(message)
    assert "Suporte Padrão" in text
    assert "abra um ticket no Portal TOTVS" in text


@pytest.mark.parametrize(
    "message",
    [
        "preciso de alguém agora, o faturamento parou",
        "sistema fora do ar",
        "socorro, o erp caiu e a fabrica parou",
        "nao sai nenhuma nota e o caminhao ta esperando, urgente",
    ],
)
def test_a_production_stop_at_night_says_what_is_possible_now(night_url: str, message: str) -> None:
    talk = Conversation(night_url)
    replies = talk.say(message)
    text = "\n".join(str(r.get("text", "")) for r in replies)
    assert "Agora é fora do horário comercial e a equipe não atende." in text
    assert "Ela volta hoje às 08:00." in text
    assert "pedir um plantão" in text and "sem alocação garantida" in text
    assert "R$ 4,00 por minuto" in text
    assert {b["payload"] for r in replies for b in r.get("buttons", [])} >= {"/book_plantao"}


def test_a_handoff_at_night_says_when_the_team_is_back(night_url: str) -> None:
    text = Conversation(night_url).text("quero falar com alguém da equipe")
    assert "Jackie Cristine Hansen" in text
    assert text.endswith("Ela volta hoje às 08:00.")


def test_asking_for_the_telefonica_at_night_says_it_is_closed(night_url: str) -> None:
    text = Conversation(night_url).text(
        "posso ligar pra consultoria telefonica agora de madrugada?"
    )
    assert "Agora é fora do horário comercial" in text
    assert "Ela volta hoje às 08:00." in text


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "oi, tudo bem? sou da empresa Metalúrgica Joinville e queria entender como funciona "
            "o plantão",
            "sobreaviso",
        ),
        ("bom dia! aqui é o Paulo da Agro Serra, qual o horário de atendimento?", "08:00 às 18:00"),
        ("boa tarde, sou a Lia do fiscal. o plantão cobra se ninguém ligar?", "acionado ou não"),
        ("ola, td bem? quanto custa o minuto da consultoria telefonica?", "R$ 4,00"),
    ],
)
def test_a_greeting_with_a_question_answers_the_question(
    new_conversation: Callable[[], Conversation], message: str, expected: str
) -> None:
    text = new_conversation().text(message)
    assert expected in text
    assert not text.startswith("Olá! Sou o assistente")


@pytest.mark.parametrize(
    ("message", "answers"),
    [
        (
            "quanto custa o minuto da consultoria telefonica? e o plantão é cobrado se ninguém "
            "ligar?",
            ["R$ 4,00", "acionado ou não"],
        ),
        (
            "qual o horário de atendimento de vcs? como funciona o reajuste dos preços?",
            ["08:00 às 18:00", "IGP-M"],
        ),
        (
            "o plantão é cobrado mesmo se ninguém ligar? e qual o mínimo de cobrança de um "
            "atendimento?",
            ["acionado ou não", "10 minutos"],
        ),
    ],
)
def test_two_questions_in_one_message_are_both_answered_in_order(
    new_conversation: Callable[[], Conversation], message: str, answers: list[str]
) -> None:
    text = new_conversation().text(message)
    found = [text.find(answer) for answer in answers]
    assert -1 not in found, text
    assert found == sorted(found)


def test_the_same_question_asked_twice_is_answered_once(
    new_conversation: Callable[[], Conversation],
) -> None:
    text = new_conversation().text("qual o horário de atendimento? qual o horário de vcs?")
    assert text.count("08:00 às 18:00") == 1


def test_a_second_question_not_answered_is_asked_for_on_its_own(
    new_conversation: Callable[[], Conversation],
) -> None:
    """Alone, "e se ninguém me ligar, pago igual?" no longer names the plantão: too unsure to
    answer on its own, so the message gets one answer and asks for the other question."""
    replies = new_conversation().say(
        "plantão no domingo é mais caro? e se ninguém me ligar, pago igual?"
    )
    texts = [str(r.get("text", "")) for r in replies]
    assert "Não há acréscimo" in texts[0]
    assert texts[-1].startswith("Sua mensagem tinha mais de uma pergunta")


def test_one_question_gets_no_note(new_conversation: Callable[[], Conversation]) -> None:
    text = new_conversation().text("oi, tudo bem? o plantão no domingo é mais caro?")
    assert "Não há acréscimo" in text
    assert "mais de uma pergunta" not in text

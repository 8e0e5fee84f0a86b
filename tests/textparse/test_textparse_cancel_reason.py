"""Why staff cancel a plantão, read from what they type (SPEC §4): in the whole command or as the
typed answer to "Por que o plantão … será cancelado?", with typos, no accents and chat slang."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from consultoria.textparse.cancel_reason import (
    CUSTOMER_REQUEST,
    NO_SPECIALIST,
    parse_cancel_reason,
)

NLU = Path(__file__).parents[2] / "nlu" / "cancel_reasons.yml"
_ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]+\)")


@pytest.mark.parametrize(
    "text",
    [
        "o cliente pediu",
        "Cliente pediu.",
        "foi o cliente q pediu",
        "quem pediu foi o cliente",
        "a pedido do cliente",
        "apedido do cliente",
        "A PEDIDO DO CLIÊNTE",
        "por solicitação do cliente",
        "solicitacao do cliente",
        "pela vontade do cliente",
        "o cliente desistiu",
        "cliente desmarcou",
        "o cliente cancelou",
        "cliente n precisa mais",
        "o cliente nao vai precisar",
        "cliente ñ quer mais",
        "o cliente mudou de ideia",
        "o clinte pediu",
        "clente pediu pra cancelar",
        "cli pediu",
        "os clientes pediram",
        "cliente adiou a virada",
        "o cliente remarcou pra semana que vem",
        "foi o cliente",
        "pelo cliente",
        "cliente",
    ],
)
def test_the_customers_request_typed_any_way(text: str) -> None:
    assert parse_cancel_reason(text) == CUSTOMER_REQUEST


@pytest.mark.parametrize(
    "text",
    [
        "não temos especialista",
        "nao temos especialista",
        "n temos especialista",
        "ñ temos especialista pra esse horário",
        "falta de especialista disponível",
        "faltou analista",
        "faltando especialista",
        "sem especialista",
        "sem especilista disponivel",
        "nao temos especialsta",
        "sem analista",
        "sem ninguém",
        "sem gente pra atender",
        "especialista indisponível",
        "o analista nao pode",
        "o especialista ficou doente",
        "o analista está de atestado",
        "a especialista está de férias",
        "nenhum especialista livre",
        "não tem ninguém",
        "nao tem ngm",
        "ngm disponivel",
        "ninguém disponível nesse dia",
        "não consegui alocar ninguém",
        "nao conseguimos escalar especialista",
        "não há consultor disponível",
        "sem disponibilidade na equipe",
        "indisponibilidade de especialista",
    ],
)
def test_no_specialist_typed_any_way(text: str) -> None:
    assert parse_cancel_reason(text) == NO_SPECIALIST


@pytest.mark.parametrize(
    "text",
    [
        "sim",
        "não",
        "sei lá",
        "cancela",
        "cancelar o P-0042",
        "cancela o plantão do cliente",
        "o cliente tem um especialista próprio",
        "a gente não vai precisar",
        "especialmente hoje",
        "",
        # Both reasons at once: the bot asks rather than guess.
        "o cliente pediu e não temos especialista",
        "a pedido do cliente, sem especialista",
    ],
)
def test_no_reason_or_both_reads_as_none(text: str) -> None:
    assert parse_cancel_reason(text) is None


def _training_examples() -> list[str]:
    blocks = yaml.safe_load(NLU.read_text(encoding="utf-8"))["nlu"]
    lines = [line for block in blocks for line in block["examples"].splitlines() if line]
    return [_ANNOTATION.sub(r"\1", line.removeprefix("- ")) for line in lines]


def test_every_training_example_with_a_reason_gives_one() -> None:
    """The commands the assistant is trained on for a cancellation that says why."""
    examples = _training_examples()
    assert len(examples) >= 10
    assert [e for e in examples if parse_cancel_reason(e) is None] == []

"""What staff type, read without the clock: specialists' names, pending listings, references."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from consultoria.textparse.staff import asks_pending, plantao_ref, specialist_name, with_plain_refs

NLU = Path(__file__).parents[2] / "nlu" / "staff.yml"
_ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]+\)")


def examples(intent: str) -> list[str]:
    """The training messages of `intent` in nlu/staff.yml, annotations removed."""
    for block in yaml.safe_load(NLU.read_text(encoding="utf-8"))["nlu"]:
        if block.get("intent") == intent:
            lines = block["examples"].splitlines()
            return [_ANNOTATION.sub(r"\1", line.removeprefix("- ")) for line in lines if line]
    raise AssertionError(f"no {intent} in {NLU}")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("confirmar o plantão P-0042 com João Silva", "João Silva"),
        ("confirma P-0042, especialista: Maria Souza", "Maria Souza"),
        ("aloca a Fernanda Lima no P-0042", "Fernanda Lima"),
        ("P-0042 confirmado com o Carlos", "Carlos"),
        ("confirmar plantão 42 especialista Ana", "Ana"),
        ("confirmo o P-0007, quem atende é o Rafael", "Rafael"),
        ("confirmar o plantão P-0042 com o especialista João", "João"),
        ("confirmar o P-0042 com João. Obrigado", "João"),
        ("confirmar P-0042 com Maria S. Souza", "Maria S. Souza"),
        ("confirmar o plantão P-0042 pro joão pedro por favor", "joão pedro"),
        ("confirmar o plantão de sábado para o João", "João"),
        ("pode confirmar o plantão 42, vai ser o Marcos", "Marcos"),
        ("confirmar o plantão P-0042 com João e Maria", "João e Maria"),
        ("confirmar o plantão 42 com D’Ávila", "D’Ávila"),
        ("fechado com o Caio o P-0041, confirma", "Caio"),
        ("o pedido P-0018 será atendido pelo Nelson Prado", "Nelson Prado"),
        ("quem atende o P-0026 é a Luana, pode confirmar", "Luana"),
    ],
)
def test_the_specialists_name(text: str, name: str) -> None:
    assert specialist_name(text) == name


@pytest.mark.parametrize(
    "text",
    [
        "confirmar o P-0042",
        "confirmar o plantão com ele",
        "confirmar o P-0042 pra sábado",
        "confirmar o P-0042 com 2 especialistas",
        "confirma o P-0042 com urgência",
        "/confirm_plantao",
    ],
)
def test_no_name_is_none(text: str) -> None:
    assert specialist_name(text) is None


@pytest.mark.parametrize("text", examples("confirm_plantao"))
def test_every_trained_confirmation_names_a_plantao_and_a_specialist(text: str) -> None:
    assert plantao_ref(text) is not None
    assert specialist_name(text) is not None


@pytest.mark.parametrize("text", examples("end_plantao") + examples("plantao_amount"))
def test_every_trained_end_or_amount_question_names_a_plantao(text: str) -> None:
    assert plantao_ref(text) is not None


@pytest.mark.parametrize(
    ("text", "pending"),
    [
        ("plantões pendentes", True),
        ("o que falta confirmar?", True),
        ("plantões aguardando confirmação", True),
        ("quais plantões não confirmados", True),
        ("plantoes de hoje", False),
        ("plantões do dia 06/03", False),
    ],
)
def test_a_listing_of_pending_plantoes(text: str, pending: bool) -> None:
    assert asks_pending(text) is pending


def test_worded_references_take_the_short_form() -> None:
    assert with_plain_refs("finalizar plantão 42 às 13:30") == "finalizar P-0042 às 13:30"
    assert with_plain_refs("encerrar plantão nº 7 as 10") == "encerrar P-0007 as 10"
    assert with_plain_refs("encerrar o P-0042 agora") == "encerrar o P-0042 agora"


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("confirmar P-0102 especialista: Ana", "P-0102"),
        ("confirmar o plantão nº 12 com a Renata", "P-0012"),
        ("encerra o p42 agora", "P-0042"),
        ("confirmar o P-0000 com Ana", None),
        ("confirmar o plantão com Ana", None),
    ],
)
def test_the_plantao_reference(text: str, ref: str | None) -> None:
    assert plantao_ref(text) == ref

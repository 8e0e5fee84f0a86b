"""Which of the items just listed a message points at: by place, or "esse" when only one."""

from __future__ import annotations

import pytest

from consultoria.textparse import listed_position


@pytest.mark.parametrize(
    ("text", "count", "index"),
    [
        ("cancela o primeiro", 3, 0),
        ("quero cancelar o segundo", 3, 1),
        ("CANCELA A SEGUNDA", 2, 1),
        ("pode ser o terceiro", 3, 2),
        ("o último", 3, 2),
        ("o ultimo da lista", 2, 1),
        ("cancelar o penúltimo", 3, 1),
        ("cancelar o 2º", 3, 1),
        ("cancelar o 2o", 3, 1),
        ("cancela a 1ª", 2, 0),
        ("o segundo plantão", 2, 1),
        ("cancela o primeiro da lista", 2, 0),
        ("cancela esse", 1, 0),
        ("esse aí pode cancelar", 1, 0),
        ("pode cancelar ele", 1, 0),
    ],
)
def test_the_place_meant(text: str, count: int, index: int) -> None:
    assert listed_position(text, count) == index


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("o quarto", 3),  # beyond the list
        ("o penúltimo", 1),
        ("cancela esse", 2),  # "esse" among several is no one
        ("cancelar o plantão", 2),
        # Days and weekdays are not places in a list.
        ("cancelar o plantão do dia primeiro de maio", 3),
        ("o primeiro de maio", 3),
        ("o primeiro dia", 3),
        ("cancela o de segunda", 2),
        ("cancelar a segunda-feira", 2),
        ("cancelar a segunda feira", 2),
        ("cancela o P-0002", 3),
    ],
)
def test_no_place_meant(text: str, count: int) -> None:
    assert listed_position(text, count) is None

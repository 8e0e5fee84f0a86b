"""Which answers to a form's question give the form up, and which are answers."""

from __future__ import annotations

import pytest

from consultoria.textparse.leaving import leaves


@pytest.mark.parametrize(
    "text",
    [
        "esquece, vejo isso depois",
        "Esqueça",
        "ah esquece isso",
        "deixa pra lá",
        "deixa para la, obrigado",
        "deixa quieto",
        "deixa isso pra depois",
        "desisto",
        "vou desistir",
        "não quero mais",
        "nao quero mais não, valeu",
        "não preciso mais",
        "não quero mais agendar",
        "nao vou continuar",
        "outra hora eu vejo",
        "depois eu marco",
        "volto mais tarde",
        "resolvo isso outro dia",
        "fica pra depois",
        "fica para a próxima",
        "mudei de ideia",
        "cancela tudo",
        "pode cancelar isso",
        "cancelar o agendamento",
        "encerra por aqui",
        "para tudo",
        "pode parar",
        "quero sair",
        "cancelar",
        "chega!",
        "CANCELA",
    ],
)
def test_gives_the_form_up(text: str) -> None:
    assert leaves(text)


@pytest.mark.parametrize(
    "text",
    [
        # free-text answers a form asks for
        "virada de versão do Protheus",
        "esqueci a senha do fluig",
        "o cliente desistiu do pedido e precisamos estornar",
        "fechamento fiscal de dezembro",
        "esquecemos de rodar o MRP",
        # corrections and answers that share words with leaving
        "não preciso mais de 2 especialistas, só 1",
        "não quero mais que 3 horas",
        "para sábado",
        "para esse dia",
        "sábado das 8 às 18",
        "depois das 18h",
        "marco o dia 12/10",
        "cancelamento de nota fiscal",
        "parar a produção no sábado para inventário",
        # a long answer that happens to contain a leaving phrase
        "o sistema travou e a equipe desistiu, esquece o que falei do fiscal e anota a virada",
        "",
    ],
)
def test_an_answer_is_not_leaving(text: str) -> None:
    assert not leaves(text)

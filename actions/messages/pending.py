"""What the bot says about the yes/no questions it waits on (the `pendente` slot)."""

from __future__ import annotations

NOTHING_PENDING = "Não há nenhuma pergunta minha aguardando resposta agora. Como posso ajudar?"
# What "não" means for each question.
DECLINED = {
    "confirmar_reserva": "Tudo bem, não registrei o pedido; nada foi agendado.",
    "confirmar_cancelamento": "Certo, o plantão continua agendado.",
    "confirmar_exclusao": "Certo, não apaguei nada.",
}

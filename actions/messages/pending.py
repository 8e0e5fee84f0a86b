"""What the bot says about the questions it waits on (the `pendente` slot): answers that come
too late, and buttons of a question that is no longer the open one."""

from __future__ import annotations

NOTHING_PENDING = "Não há nenhuma pergunta minha aguardando resposta agora. Como posso ajudar?"
STALE = (
    "Esses botões são de uma pergunta anterior, que já foi substituída: nada foi alterado. "
    "A pergunta em aberto agora é esta:"
)
STALE_NOTHING_OPEN = (
    "Esses botões são de uma pergunta anterior: nada foi alterado, e não há nenhuma pergunta "
    "minha aguardando resposta agora. Como posso ajudar?"
)
STALE_IN_FORM = "Esses botões são de uma pergunta anterior: nada foi alterado. Continuando:"
# What "não" means for each question.
DECLINED = {
    "confirmar_reserva": "Tudo bem, não registrei o pedido; nada foi agendado.",
    "confirmar_cancelamento": "Certo, o plantão continua agendado.",
    "confirmar_exclusao": "Certo, não apaguei nada.",
    "confirmar_encerramento": "Certo, não encerrei o plantão: ele segue como estava.",
    "motivo_cancelamento": "Certo, não cancelei o plantão: ele segue como estava.",
    "confirmar_cancelamento_equipe": "Certo, não cancelei o plantão: ele segue como estava.",
}

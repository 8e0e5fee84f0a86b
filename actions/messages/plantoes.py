"""What the actions say about plantões: a customer's list and cancellations, what stopped a
change, and what a plantão costs (asked by its customer or by staff)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from actions.messages.quotes import quote_message
from consultoria.presentation import STATE_NAMES, STATE_NOW
from consultoria.services.plantoes import CANCELLABLE, Amounts
from consultoria.tariff import Quote, format_brl

NO_PLANTOES = 'Você não tem plantões registrados. Para agendar, diga "agendar plantão".'
BOOK_BUTTON = {"title": "Agendar plantão", "payload": "/book_plantao"}
NOTHING_TO_CANCEL = "Você não tem plantões que possam ser cancelados."
# The FAQ answer with the cancellation rule, shown with NOTHING_TO_CANCEL.
CANCELLATION_RULE_RESPONSE = "utter_faq/plantao_cancelamento"
WHICH_TO_CANCEL = "Qual plantão você quer cancelar?"
HANDOFF_BUTTON = {"title": "Falar com um atendente", "payload": "/human_handoff"}
CONFIRM_CANCEL_BUTTONS = [
    {"title": "Sim, cancelar", "payload": "/affirm"},
    {"title": "Não", "payload": "/deny"},
]


def own_plantoes(descriptions: Iterable[str]) -> str:
    return "\n".join(["Seus plantões:", *(f"• {line}" for line in descriptions)])


def cancel_button(description: str, ref: str) -> dict[str, str]:
    return {"title": description, "payload": f'/cancel_plantao{{"plantao_ref": "{ref}"}}'}


def not_found(ref: str) -> str:
    return f"Não encontrei o plantão {ref}."


def not_yours(ref: str) -> str:
    return f"Não encontrei o plantão {ref} entre os seus."


def state_conflict(ref: str, state: str) -> str:
    """A change another one beat, or a state that never allowed it."""
    return f"O plantão {ref} {STATE_NOW[state]}."


def not_cancellable(ref: str, state: str) -> str:
    return f"O plantão {ref} está {STATE_NAMES[state]} e não pode ser cancelado."


def started_ask_staff(ref: str) -> str:
    return (
        f"O plantão {ref} já começou: para encerrá-lo antes do fim, fale com a equipe da "
        "Consultoria."
    )


def started_not_here(ref: str) -> str:
    return f"O plantão {ref} já começou e não pode mais ser cancelado por aqui."


def cancellation_cost(ref: str, quote: Quote) -> str:
    return f"Se cancelar agora o plantão {ref}:\n\n{quote_message(quote)}"


def amount_changed(ref: str, quote: Quote) -> str:
    """ "Sim" to a preview whose amount no longer holds: nothing cancelled, the new amount."""
    return (
        f"Não cancelei o plantão {ref}: o valor do cancelamento não é mais o que foi mostrado "
        "(o prazo do cancelamento sem custo passou). Se cancelar agora:\n\n"
        f"{quote_message(quote)}\n\nPara cancelar com esse valor, toque em "
        '"Cancelar com o novo valor" e confirme.'
    )


def review_button(ref: str) -> dict[str, str]:
    return {
        "title": "Cancelar com o novo valor",
        "payload": f'/cancel_plantao{{"plantao_ref": "{ref}"}}',
    }


def confirm_cancellation(ref: str) -> str:
    return f"Confirma o cancelamento do plantão {ref}?"


def not_cancelled(reason: str) -> str:
    return f"Não cancelei: {reason}"


def amount_due(amount: Decimal | None) -> str:
    """ "sem custo", or the amount: what a cancellation left to pay."""
    return "sem custo" if not amount else f"valor devido {format_brl(amount)}"


def cancelled(ref: str, quote: Quote) -> str:
    return (
        f"Plantão {ref} cancelado ({amount_due(quote.amount)}). A equipe da Consultoria foi "
        "avisada.\n\n" + "\n".join(quote.lines)
    )


def which_amount(example: str) -> str:
    return f"De qual plantão? Diga a referência, por exemplo: {example}."


def amounts(description: str, found: Amounts) -> str:
    """The amount as things stand, and the alternative the staff or customer may weigh."""
    if found.plantao.state == "expired":
        return f"{description}\n\nNada a pagar: ninguém confirmou o plantão até o início."
    now = quote_message(found.current)
    if found.plantao.state in CANCELLABLE:
        cancel = found.if_cancelled_now
        cancel_now = (
            f"\n\nSe for cancelado agora: {format_brl(cancel.amount)}."
            if cancel is not None and cancel.amount is not None
            else ""
        )
        return f"{description}\n\nSe for cumprido inteiro:\n{now}{cancel_now}"
    if found.if_run_to_end is not None:
        full = found.if_run_to_end.amount
        until = "o encerramento agendado" if found.plantao.scheduled_end_at else "o fim"
        until_end = "" if full is None else f"\n\nSe for até {until}: {format_brl(full)}."
        return f"{description}\n\nSe for encerrado agora:\n{now}{until_end}"
    return f"{description}\n\nValor devido:\n{now}"

"""What staff hear when they run plantões by message: listings, confirmations, early ends,
cancellations, and why an operation changed nothing."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from actions.messages.plantoes import amount_due, not_found, state_conflict
from actions.messages.quotes import quote_message
from consultoria.db.models import Person
from consultoria.presentation import describe, local_moment
from consultoria.services.plantoes import (
    AlreadyStarted,
    CancelReason,
    EndOutsideWindow,
    Listed,
    PlantaoError,
    StartPassed,
    StateConflict,
)
from consultoria.tariff import Quote, format_brl
from consultoria.tariff.calendar import WEEKDAY_NAMES

REFUSAL = (
    "Desculpe, essa operação é exclusiva da equipe da Consultoria, e nada foi alterado. "
    'Para ver os seus plantões, diga "meus plantões".'
)
MY_PLANTOES_BUTTON = {"title": "Meus plantões", "payload": "/list_plantoes"}
# How each operation is written, shown when a message lacks something.
EXAMPLE = {
    "confirm": '"confirmar o plantão P-0042 com Maria Souza"',
    "end": '"encerrar o plantão P-0042 agora" ou "encerrar o plantão P-0042 às 10h"',
    "cancel": '"cancelar o plantão P-0042"',
    "amount": '"quanto deu o plantão P-0042?"',
}
AWAITING_TITLE = "Plantões aguardando confirmação"
MAX_REASON_SHOWN = 80


def which_plantao(operation: str) -> str:
    return f"Qual plantão? Diga a referência, por exemplo: {EXAMPLE[operation]}."


def not_done(reason: str) -> str:
    return f"{reason} Nada foi alterado."


def refusal(error: PlantaoError, zone: tzinfo) -> str:
    """Why the operation on a plantão changed nothing."""
    ref = error.ref
    if isinstance(error, StateConflict):
        reason = state_conflict(ref, error.state)
    elif isinstance(error, AlreadyStarted):
        reason = f"O plantão {ref} já começou e não pode mais ser cancelado: " + (
            "sem confirmação até o início, ele expira sem custo."
            if error.state == "requested"
            else f'para encerrá-lo, diga "encerrar o plantão {ref} agora".'
        )
    elif isinstance(error, StartPassed):
        reason = (
            f"O plantão {ref} começava em {local_moment(error.start_at, zone)} e não foi "
            "confirmado a tempo: um plantão só pode ser confirmado antes do início. Ele expira "
            "sem custo, e o cliente é avisado."
        )
    elif isinstance(error, EndOutsideWindow) and error.at <= error.start_at:
        reason = (
            f"O plantão {ref} começa em {local_moment(error.start_at, zone)}: o encerramento "
            "precisa ser depois do início. Se ele não vai acontecer, cancele-o."
        )
    elif isinstance(error, EndOutsideWindow):
        reason = (
            f"O plantão {ref} termina em {local_moment(error.end_at, zone)}: encerrar nesse "
            "horário ou depois não é antecipar. Ao fim da janela ele é concluído sozinho."
        )
    else:
        reason = not_found(ref)
    return not_done(reason)


def day_title(day: date) -> str:
    return f"Plantões de {WEEKDAY_NAMES[day.weekday()]}, {day:%d/%m/%Y}"


def _customer(person: Person | None) -> str:
    who = (person.name if person else "") or "sem nome"
    if person is not None and person.role == "consultant":
        who += f" (consultor(a) da unidade {person.unit})"
    return who


def _shown_reason(reason: str) -> str:
    if len(reason) <= MAX_REASON_SHOWN:
        return reason
    return reason[: MAX_REASON_SHOWN - 1].rstrip() + "…"


def listed_line(listed: Listed, zone: tzinfo) -> str:
    """A plantão in a listing, with its customer's contact and what ending it now costs."""
    plantao = listed.plantao
    line = (
        f"• {describe(plantao, zone)} Cliente: {_customer(listed.customer)}, tel. "
        f"{plantao.contact_phone}. Motivo: {_shown_reason(plantao.reason)}."
    )
    if plantao.specialist_name:
        line += f" Especialista: {plantao.specialist_name}."
    if listed.if_ended_now is not None and listed.if_ended_now.amount is not None:
        line += f" Se encerrado agora: {format_brl(listed.if_ended_now.amount)}."
    scheduled = listed.at_scheduled_end
    if scheduled is not None and scheduled.amount is not None:
        line += f" No encerramento agendado: {format_brl(scheduled.amount)}."
    return line


def listing(title: str, lines: list[str]) -> str:
    return "\n".join([f"{title}:", *lines]) if lines else f"{title}: nenhum."


def _example(operation: str, ref: str) -> str:
    return EXAMPLE[operation].replace("P-0042", ref)


def name_the_specialist(ref: str) -> str:
    return not_done(
        f"Para confirmar o plantão {ref}, diga também o nome do especialista, por exemplo: "
        f"{_example('confirm', ref)}."
    )


def confirmed(ref: str, specialist: str, description: str, quote: Quote) -> str:
    return (
        f"Plantão {ref} confirmado com {specialist}.\n{description}\n\n"
        f"Se for cumprido inteiro:\n{quote_message(quote)}"
    )


def when_does_it_end(ref: str) -> str:
    return not_done(f"Quando o plantão {ref} termina? Diga, por exemplo: {_example('end', ref)}.")


def _scheduled(ahead: bool) -> str:
    """The note on an early end whose moment has not come yet."""
    if not ahead:
        return ""
    return (
        " Esse horário ainda não chegou: o encerramento fica agendado e o especialista atende "
        "até lá."
    )


def ended(ref: str, at: datetime, zone: tzinfo, quote: Quote) -> str:
    """An early end recorded, at the amount now due."""
    return (
        f"Plantão {ref} encerrado em {local_moment(at, zone)}."
        f"\n\nValor devido:\n{quote_message(quote)}"
    )


def end_scheduled(ref: str, at: datetime, zone: tzinfo, quote: Quote) -> str:
    """An early end scheduled for a moment still ahead, at the amount due when it comes."""
    return (
        f"Encerramento do plantão {ref} agendado para {local_moment(at, zone)}: o especialista "
        "atende até lá, e então o plantão é encerrado. Para encerrar antes, diga "
        f"{_example('end', ref)}."
        f"\n\nValor devido no encerramento:\n{quote_message(quote)}"
    )


REASON_TEXT = {
    CancelReason.CUSTOMER_REQUEST: "a pedido do cliente",
    CancelReason.NO_SPECIALIST: "sem especialista disponível",
}
DECLINE_BUTTON = {"title": "Não", "payload": "/deny"}


def _confirm_button(verb: str, quote: Quote) -> dict[str, str]:
    """The "Sim" of a final change, showing the amount it confirms."""
    amount = "" if quote.amount is None else f" ({format_brl(quote.amount)})"
    return {"title": f"Sim, {verb}{amount}", "payload": "/affirm"}


def end_buttons(quote: Quote) -> list[dict[str, str]]:
    return [_confirm_button("encerrar", quote), DECLINE_BUTTON]


def cancel_buttons(quote: Quote) -> list[dict[str, str]]:
    return [_confirm_button("cancelar", quote), DECLINE_BUTTON]


def confirm_end(ref: str, at: datetime, zone: tzinfo, quote: Quote, *, ahead: bool) -> str:
    """The amount an early end at `at` makes due, asked before anything changes."""
    return (
        f"Encerrar o plantão {ref} em {local_moment(at, zone)}?{_scheduled(ahead)}"
        f"\n\nValor devido:\n{quote_message(quote)}\n\nNada muda até você confirmar."
    )


REASON_NOT_UNDERSTOOD = (
    'Não entendi o motivo. Escolha um dos botões, ou escreva "a pedido do cliente" ou "sem '
    'especialista disponível".'
)


def why_cancel(ref: str) -> str:
    return (
        f"Por que o plantão {ref} será cancelado? A pedido do cliente, vale a regra de "
        "cancelamento do cliente; sem especialista disponível, nada é cobrado e o cliente é "
        "avisado."
    )


def reason_buttons(ref: str) -> list[dict[str, str]]:
    return [
        {
            "title": REASON_TEXT[reason][0].upper() + REASON_TEXT[reason][1:],
            "payload": f'/cancel_plantao{{"plantao_ref": "{ref}", "motivo": "{reason.value}"}}',
        }
        for reason in CancelReason
    ]


def confirm_cancel(ref: str, reason: CancelReason, quote: Quote) -> str:
    """The amount a staff cancellation makes due now, for its reason, asked before anything
    changes."""
    if reason is CancelReason.NO_SPECIALIST:
        due = "Nada é cobrado, e o cliente é avisado."
    else:
        due = f"Valor devido se cancelar agora:\n{quote_message(quote)}"
    return (
        f"Cancelar o plantão {ref} ({REASON_TEXT[reason]})?\n\n{due}\n\n"
        "Nada muda até você confirmar."
    )


def amount_changed(ref: str) -> str:
    """A "Sim" to an amount that no longer holds: nothing changed, the new amount follows."""
    return (
        f"Nada foi alterado no plantão {ref}: o valor não é mais o que foi mostrado (o prazo do "
        "cancelamento sem custo passou, ou o plantão mudou). Confira o novo valor:"
    )


def cancelled_for(ref: str, reason: CancelReason, quote: Quote) -> str:
    if reason is CancelReason.NO_SPECIALIST:
        return (
            f"Plantão {ref} cancelado pela equipe, sem especialista disponível: nada é cobrado. "
            "O cliente será avisado."
        )
    return (
        f"Plantão {ref} cancelado pela equipe, a pedido do cliente "
        f"({amount_due(quote.amount)}).\n\n" + "\n".join(quote.lines)
    )

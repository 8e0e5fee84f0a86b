"""What the bot says about Consultoria Técnica appointments (SPEC §5): the form's re-asks, the
summary before the Term, the request recorded, the customer's cancellation, and the staff's
confirmation with a slot."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from actions.messages.quotes import quote_message
from consultoria.db.models import Appointment, Person
from consultoria.presentation import APPOINTMENT_STATE_NAMES, describe_appointment, local_moment
from consultoria.services.appointments import (
    AppointmentError,
    SlotRefused,
    SlotStarted,
    StateConflict,
)
from consultoria.tariff import Quote, format_minutes
from consultoria.tariff.calendar import WEEKDAY_NAMES

GAVE_UP = (
    "Não consegui registrar o pedido com essas respostas, então parei por aqui e nada foi "
    'agendado. Você pode recomeçar quando quiser (por exemplo: "agendar uma consultoria técnica '
    'para terça de manhã"), ou falar com a nossa equipe.'
)
GAVE_UP_BUTTONS = [
    {"title": "Agendar de novo", "payload": "/schedule_tecnica"},
    {"title": "Falar com um atendente", "payload": "/human_handoff"},
]
DAY_AGAIN = (
    'Não entendi o dia. Escreva, por exemplo, "terça", "amanhã" ou "15/12", e se quiser já '
    'o período ou o horário: "terça de manhã", "15/12 às 14h".'
)
WHEN_AGAIN = (
    'Não entendi. Prefere de manhã, à tarde ou um horário? Por exemplo: "de manhã", "à tarde" '
    'ou "às 14h".'
)
DAY_PASSED = "Esse dia já passou. Escolha um dia útil de hoje em diante."
PHONE_AGAIN = 'Não reconheci o telefone. Informe com DDD, por exemplo "(11) 91234-5678".'
TERM_UPDATED = "O Termo foi atualizado desde que eu o mostrei: veja a versão nova."
NO_OPEN = (
    "Você não tem consultoria técnica aguardando confirmação ou confirmada para cancelar. "
    'Para ver os seus pedidos, diga "minhas solicitações".'
)


def day_closed(day: date, holiday: str | None, hours: str) -> str:
    why = f"é feriado ({holiday})" if holiday else f"é {WEEKDAY_NAMES[day.weekday()]}"
    return (
        f"A Consultoria Técnica é agendada em horário comercial ({hours}), e {day:%d/%m/%Y} "
        f"{why}. Escolha um dia útil, por exemplo a próxima segunda."
    )


def outside_hours(hours: str) -> str:
    return (
        f"Esse horário fica fora do horário comercial ({hours}), em que a Consultoria Técnica é "
        'agendada. Escolha um horário dentro dele, ou diga só "de manhã" ou "à tarde".'
    )


TIME_PASSED = "Esse horário de hoje já passou. Escolha um horário mais tarde ou outro dia."


def subject_again(shortest: int, longest: int) -> str:
    return (
        f'Descreva o assunto em {shortest} a {longest} letras, por exemplo: "revisão do '
        'cálculo da folha" ou "análise de lentidão no faturamento".'
    )


def system_again(shortest: int, longest: int) -> str:
    return f'Diga o sistema em {shortest} a {longest} letras, por exemplo: "Protheus" ou "RM".'


def duration_again(longest: int) -> str:
    return (
        f'Diga uma duração de até {format_minutes(longest)}, por exemplo "1h30" ou "45 '
        'minutos"; se ainda não souber, diga "não sei".'
    )


PERIODS = {"manha": "de manhã", "tarde": "à tarde"}


def preferred(day: date, period: str | None, at: str | None) -> str:
    when = f"às {at}" if at else PERIODS[period or "manha"]
    return f"{WEEKDAY_NAMES[day.weekday()]}, {day:%d/%m/%Y}, {when}"


def estimate(quote: Quote | None) -> str:
    """The quote of the estimated duration, or why there is none; the rate as in the Term."""
    if quote is None:
        return "Duração: sem estimativa; a cobrança é por minuto, pela tarifa do Termo."
    return f"Estimativa:\n{quote_message(quote)}"


def summary(
    subject: str, system: str, when: str, phone: str, quote: Quote | None, unit: str | None
) -> str:
    billed = (
        f"a cobrança vai para a sua unidade, {unit}, por ser um pedido de consultor(a)"
        if unit
        else "a cobrança é feita à sua empresa"
    )
    return "\n".join(
        [
            "Resumo do pedido de Consultoria Técnica:",
            f"• Assunto: {subject}",
            f"• Sistema: {system}",
            f"• Preferência: {when}",
            f"• Telefone de contato: {phone}",
            estimate(quote),
            f"A consultoria é 100% tarifada, qualquer que seja o resultado; {billed}. "
            "Depois do aceite do Termo, a equipe confirma o horário por mensagem.",
        ]
    )


def requested(ref: str, when: str) -> str:
    return (
        f"Pedido registrado: Consultoria Técnica {ref}, preferência {when}. A equipe da "
        "Consultoria foi avisada e confirma o horário com você por mensagem; você recebe o "
        f'arquivo de agenda quando ele for confirmado. Para cancelar, diga "cancelar a {ref}".'
    )


def already_requested(ref: str) -> str:
    return f"Esse pedido já estava registrado: Consultoria Técnica {ref}."


REFUSED = (
    "Tudo bem: registrei que você não aceitou o Termo, e a Consultoria Técnica não foi "
    "agendada; nada será cobrado. Para dúvidas de uso ou erros do sistema, o Suporte Padrão "
    "atende sem custo adicional, por ticket no Portal TOTVS."
)


def cancelled(ref: str, had_slot: bool) -> str:
    told = " Segue o arquivo que a retira da sua agenda." if had_slot else ""
    return (
        f"Consultoria Técnica {ref} cancelada, sem custo. A equipe da Consultoria foi avisada."
        f"{told}"
    )


def which_to_cancel(lines: list[str]) -> str:
    return "\n".join(
        [
            "Qual consultoria técnica você quer cancelar? Diga a referência, por exemplo "
            '"cancelar a T-0002":',
            *(f"• {line}" for line in lines),
        ]
    )


def refusal(error: AppointmentError, zone: tzinfo) -> str:
    """Why a change to an appointment changed nothing."""
    ref = error.ref
    if isinstance(error, StateConflict):
        reason = f"A Consultoria Técnica {ref} está {APPOINTMENT_STATE_NAMES[error.state]}."
    elif isinstance(error, SlotStarted):
        reason = (
            f"A Consultoria Técnica {ref} começou em {local_moment(error.start_at, zone)} e não "
            "pode mais ser cancelada."
        )
    elif isinstance(error, SlotRefused) and error.passed:
        reason = f"{local_moment(error.start_at, zone)} já passou: escolha um horário à frente."
    elif isinstance(error, SlotRefused):
        reason = (
            f"O horário a partir de {local_moment(error.start_at, zone)} não cabe no horário "
            "comercial (dias úteis, fora feriados): a Consultoria Técnica é feita nele."
        )
    else:
        reason = f"Não encontrei a Consultoria Técnica {ref}."
    return f"{reason} Nada foi alterado."


# --- staff -----------------------------------------------------------------------------------

CONFIRM_EXAMPLE = '"confirmar T-0002 dia 15/03 às 14h" ou "T-0002 às 10h de terça"'
PENDING_TITLE = "Consultorias técnicas aguardando confirmação"


def which_appointment() -> str:
    return f"Qual consultoria técnica e quando? Por exemplo: {CONFIRM_EXAMPLE}."


def say_the_slot(ref: str) -> str:
    return (
        f"Para confirmar a {ref}, diga o dia e o horário, por exemplo: "
        f'"confirmar {ref} dia 15/03 às 14h".'
    )


def confirmed(ref: str, start: datetime, end: datetime, zone: tzinfo) -> str:
    return (
        f"Consultoria Técnica {ref} confirmada: {local_moment(start, zone)} até "
        f"{end.astimezone(zone):%H:%M}. O cliente é avisado com o arquivo de agenda."
    )


def pending_line(appointment: Appointment, person: Person | None, zone: tzinfo) -> str:
    who = "sem nome" if person is None or not person.name else person.name
    return (
        f"{describe_appointment(appointment, zone)} Cliente: {who}, tel. "
        f"{appointment.contact_phone}."
    )


def pending(lines: list[str]) -> str:
    if not lines:
        return f"{PENDING_TITLE}: nenhuma."
    return "\n".join([f"{PENDING_TITLE}:", *(f"• {line}" for line in lines)])

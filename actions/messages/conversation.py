"""What the conversation-wide actions say: the team's contacts, the fallback's clarifying
question, what is possible at this hour (SPEC §11) and the apology when our records cannot be
reached."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from consultoria.settings import Contact
from consultoria.tariff.business_hours import BusinessClock
from consultoria.tariff.calendar import WEEKDAY_NAMES

# What the clarifying buttons say for each likely intent (two-stage fallback).
INTENT_LABELS = {
    "ask_modality": "Qual modalidade de atendimento usar",
    "ask_price": "Preços por minuto e por hora",
    "ask_quote": "Calcular o valor de um atendimento",
    "human_handoff": "Falar com um atendente",
    "situation_usage_doubt": "Tirar uma dúvida de uso ou relatar um erro",
    "situation_not_reproduced": "O Suporte não conseguiu simular meu problema",
    "situation_environment_analysis": "Análise do meu ambiente",
    "situation_specialist_now": "Falar agora com um especialista",
    "situation_after_hours": "Atendimento fora do horário comercial (plantão)",
    "situation_onsite": "Atendimento presencial, Prime ou AMS",
    "activate_telefonica": "Acionar a Consultoria Telefônica",
    "accept_ticket_term": "Aceitar a Consultoria do Suporte num ticket",
    "list_my_requests": "Ver minhas solicitações",
    "help": "O que o assistente faz",
    "greet": "Cumprimento",
}
# The question each FAQ answer replies to; sent back as the message, it asks it again.
FAQ_QUESTIONS = {
    "suporte_padrao_escopo": "O que o Suporte Padrão cobre?",
    "suporte_padrao_nao_cobre": "O que o Suporte Padrão não cobre?",
    "consultoria_suporte_escopo": "O que é a Consultoria do Suporte?",
    "consultoria_suporte_abono": "Quando a Consultoria do Suporte é abonada?",
    "consultoria_tecnica_escopo": "O que é a Consultoria Técnica?",
    "consultoria_tecnica_cobranca": "Como a Consultoria Técnica é cobrada?",
    "consultor_quem_paga": "Quem paga quando um consultor pede a consultoria?",
    "telefonica_escopo": "O que é a Consultoria Telefônica?",
    "telefonica_contratacao": "Como contratar a Consultoria Telefônica?",
    "telefonica_equipe_dba": "A equipe da Consultoria Telefônica tem DBAs?",
    "minimo_tarifacao": "Qual é a tarifação mínima?",
    "impostos": "O preço inclui impostos?",
    "reajuste_igpm": "Como funciona o reajuste pelo IGP-M?",
    "banco_horas": "Como funciona o banco de horas?",
    "horario_comercial": "Qual é o horário comercial?",
    "plantao_o_que_e": "O que é o plantão 24x7?",
    "plantao_preco_fds_feriado": "O plantão custa mais no fim de semana ou feriado?",
    "plantao_cobrado_sem_acionamento": "O plantão é cobrado mesmo sem acionamento?",
    "plantao_minimo_diario": "Qual é o mínimo diário do plantão?",
    "plantao_encerramento_antecipado": "Como funciona o encerramento antecipado do plantão?",
    "plantao_cancelamento": "Como funciona o cancelamento do plantão?",
    "plantao_nao_cobre": "O que o plantão não cobre?",
    "plantao_antecedencia": "Com quanta antecedência devo agendar o plantão?",
    "in_loco_prime_ams": "Como contratar atendimento presencial, Prime ou AMS?",
    "termo_aceite": "O que é o Termo de aceite?",
}
NOT_SURE = "Não tenho certeza se entendi. Você quis dizer:"
BUTTON_SOMETHING_ELSE = {"title": "Outra coisa", "payload": "/out_of_scope"}


BUTTON_HANDOFF = {"title": "Falar com um atendente", "payload": "/human_handoff"}
BUTTON_PLANTAO = {"title": "Pedir um plantão", "payload": "/book_plantao"}


def handoff(contacts: Iterable[Contact], portal_path: str, clock: BusinessClock) -> str:
    """The configured team contacts, the Portal path (SPEC §8) and whether they answer now."""
    lines = ["Você pode falar com a equipe da Consultoria:"]
    lines += [f"• {c.name} — {c.role}: {c.phone}, {c.email}" for c in contacts]
    lines.append(f"Para abrir um atendimento: {portal_path}.")
    lines.append(business_hours_now(clock))
    return "\n".join(lines)


def when(moment: datetime, now: datetime) -> str:
    """`hoje às 08:00`, `amanhã (quinta, 03/12) às 08:00`, `segunda, 07/12, às 08:00`."""
    days = (moment.date() - now.date()).days
    day = f"{WEEKDAY_NAMES[moment.weekday()]}, {moment:%d/%m}"
    if days == 0:
        return f"hoje às {moment:%H:%M}"
    if days == 1:
        return f"amanhã ({day}) às {moment:%H:%M}"
    return f"{day}, às {moment:%H:%M}"


def _closed_now(clock: BusinessClock) -> str:
    if clock.holiday:
        return f"Hoje é feriado ({clock.holiday}) e a equipe não atende."
    if clock.now.weekday() >= 5:
        return "Agora é fim de semana e a equipe não atende."
    return "Agora é fora do horário comercial e a equipe não atende."


def business_hours_now(clock: BusinessClock) -> str:
    """Open until when, or closed and back when."""
    if clock.open_now and clock.closes_at is not None:
        return f"Agora é horário comercial: a equipe atende até as {clock.closes_at:%H:%M}."
    if clock.opens_at is None:
        return f"{_closed_now(clock)} Ela volta no próximo dia útil."
    return f"{_closed_now(clock)} Ela volta {when(clock.opens_at, clock.now)}."


def telefonica_closed_now(clock: BusinessClock, short_notice: timedelta) -> str:
    """What is possible now instead of the Consultoria Telefônica: an urgent stop at night is told
    so before the recommendation (SPEC §5, §11)."""
    hours = int(short_notice.total_seconds() // 3600)
    return (
        f"{business_hours_now(clock)} A Consultoria Telefônica só atende em horário "
        "comercial. Até lá, o que dá para fazer: pedir um plantão (com menos de "
        f"{hours} horas de antecedência ele fica como solicitação, sem alocação garantida) ou "
        "abrir o ticket no Portal TOTVS para ser atendido quando a equipe voltar."
    )


def database_apology(reference: str) -> str:
    return (
        "Desculpe, não consegui acessar nossos registros agora e nada foi alterado. "
        f"Tente de novo em alguns minutos; se o problema continuar, informe o código {reference} "
        "à nossa equipe."
    )

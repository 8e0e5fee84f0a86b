"""What the conversation-wide actions say: the team's contacts, the fallback's clarifying
question and the apology when our records cannot be reached."""

from __future__ import annotations

from collections.abc import Iterable

from consultoria.settings import Contact

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
    "telefonica_como_abrir": "Como abro uma Consultoria Telefônica?",
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


def handoff(contacts: Iterable[Contact], portal_path: str) -> str:
    """The configured team contacts and the Portal path (SPEC §8)."""
    lines = ["Você pode falar com a equipe da Consultoria:"]
    lines += [f"• {c.name} — {c.role}: {c.phone}, {c.email}" for c in contacts]
    lines.append(f"Para abrir um atendimento: {portal_path}.")
    return "\n".join(lines)


def database_apology(reference: str) -> str:
    return (
        "Desculpe, não consegui acessar nossos registros agora e nada foi alterado. "
        f"Tente de novo em alguns minutos; se o problema continuar, informe o código {reference} "
        "à nossa equipe."
    )

"""Session start, human handoff and the two-stage fallback's clarifying question."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.figures import template_slots
from consultoria import runtime

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
MAX_SUGGESTIONS = 3


class ActionSessionStart(Action):
    """Start each session with the figures the response templates show."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        figures = template_slots(runtime.settings(), runtime.price_table(), runtime.now().date())
        return [
            SessionStarted(),
            *(SlotSet(name, value) for name, value in figures.items()),
            ActionExecuted("action_listen"),
        ]


class ActionHandoff(Action):
    """The configured team contacts and the Portal path (SPEC §8)."""

    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        settings = runtime.settings()
        lines = ["Você pode falar com a equipe da Consultoria:"]
        lines += [f"• {c.name} — {c.role}: {c.phone}, {c.email}" for c in settings.contacts]
        lines.append(f"Para abrir um atendimento: {settings.portal_path}.")
        dispatcher.utter_message(text="\n".join(lines))
        return []


class ActionAskAffirmation(Action):
    """First stage of the fallback: offer the likely topics as buttons."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        message = tracker.latest_message
        buttons: list[dict[str, str]] = []
        for ranked in message.get("intent_ranking", []):
            name = ranked.get("name")
            if name == "faq":
                buttons += _faq_buttons(message)
            elif name in INTENT_LABELS:
                buttons.append({"title": INTENT_LABELS[name], "payload": f"/{name}"})
        buttons = _unique(buttons)[:MAX_SUGGESTIONS]
        buttons.append({"title": "Outra coisa", "payload": "/out_of_scope"})
        dispatcher.utter_message(
            text="Não tenho certeza se entendi. Você quis dizer:", buttons=buttons
        )
        return []


def _faq_buttons(message: dict[str, Any]) -> list[dict[str, str]]:
    ranking = message.get("response_selector", {}).get("faq", {}).get("ranking", [])
    buttons = []
    for ranked in ranking[:2]:
        key = str(ranked.get("intent_response_key", "")).removeprefix("faq/")
        if key in FAQ_QUESTIONS:
            buttons.append({"title": FAQ_QUESTIONS[key], "payload": FAQ_QUESTIONS[key]})
    return buttons


def _unique(buttons: list[dict[str, str]]) -> list[dict[str, str]]:
    by_payload: dict[str, dict[str, str]] = {}
    for button in buttons:
        by_payload.setdefault(button["payload"], button)
    return list(by_payload.values())

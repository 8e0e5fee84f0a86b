"""What the Terms' messages say: the summary a person answers, the answer buttons, the full
text's layout and the price phrases filled into the configured templates."""

from __future__ import annotations

from datetime import date

from actions.messages.figures import template_slots
from consultoria.settings import Settings
from consultoria.tariff import Modality, PriceTable, format_brl

BUTTON_ACCEPT = {"title": "Aceito", "payload": "/affirm"}
BUTTON_REFUSE = {"title": "Não aceito", "payload": "/deny"}
BUTTON_FULL_TEXT = {"title": "Ler o Termo completo", "payload": "/show_term"}
ACCEPTANCE_ASKED_ON_CONTRACTING = (
    "O aceite é pedido quando o serviço é contratado: para o plantão, ao "
    'confirmar o agendamento ("quero agendar um plantão"); para a Consultoria do Suporte, com o '
    'número do ticket ("aceito a consultoria do suporte no ticket 18234567"); para a '
    'Consultoria Telefônica, ao acioná-la ("quero acionar a consultoria telefônica").'
)


def _price(table: PriceTable, modality: Modality, today: date) -> str:
    version = table.price_on(modality, today)
    if version is None or version.per_minute is None:
        return "tarifa por minuto informada pela equipe da Consultoria na proposta"
    return f"{format_brl(version.per_minute)} por minuto"


def term_figures(
    settings: Settings, table: PriceTable, modality: Modality, today: date
) -> dict[str, str]:
    """Values of a Term's placeholders: every number comes from configuration or prices."""
    slots = template_slots(settings, table, today)
    return {
        "preco": _price(table, modality, today),
        "impostos": "mais impostos",
        **{name.removeprefix("cfg_"): value for name, value in slots.items()},
    }


def full_text(title: str, summary: str, clauses: str) -> str:
    return f"{title}\n\nResumo\n{summary}\n\nCláusulas\n{clauses}"


def acceptance_prompt(title: str, version: int, summary: str) -> str:
    """The exact summary message a person answers "Aceito" or "Não aceito" to."""
    return (
        f"{title} (versão {version})\n\n{summary}\n\n"
        "Você aceita este Termo? Se quiser, leia antes o Termo completo."
    )


def acceptance_question(version: int) -> str:
    """Asked again after the full text, which the answer then refers to."""
    return f"Você aceita o Termo (versão {version})?"

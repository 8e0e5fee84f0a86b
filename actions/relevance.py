"""When a FAQ answer is given (issue #15). DIET is sure a message is a `faq` question for most
general-knowledge questions; the FAQ ResponseSelector is less sure, and Rasa 3.6 has no
threshold for it. A FAQ answer the selector is only half sure of is given when the message names
something of the Consultoria's world, never for a question about anything else that merely looks
like one ("qual o maior lago do mundo?"). Pure (no Rasa), so scripts/calibrate_ood.py applies
the same rule to tests/ood/calibration.yml."""

from __future__ import annotations

import re
from enum import Enum

from consultoria.textparse import normalize

# Calibrated on tests/ood/calibration.yml (scripts/calibrate_ood.py): with the last models,
# out-of-domain questions taken for a FAQ scored 0.34 at most, in-domain FAQ questions 0.43 at
# least and most above 0.7; a question of the conversation set that names the domain came as
# low as 0.28 with the right answer.
FAQ_ANSWER_MIN = 0.7
FAQ_DOMAIN_ANSWER_MIN = 0.25


class FaqDecision(Enum):
    ANSWER = "answer"
    SUGGEST = "suggest"  # ask which of the likeliest questions was meant
    REFUSE = "refuse"  # say what the assistant can do


# Stems of the domain's own words, without accents: modalities, charging, the team, the ERP.
# Words as common elsewhere ("atendimento", "minuto") are left out on purpose.
_DOMAIN_STEMS = (
    r"plantao",
    r"plantoes",
    r"sobreaviso",
    r"consultori\w*",
    r"suporte",
    r"telefonic\w*",
    r"termo",
    r"aceite",
    r"impost\w*",
    r"reajust\w*",
    r"igp",
    r"igpm",
    r"banco de horas",
    r"horario (comercial|de atendimento)",
    r"expediente",
    r"tarif\w*",
    r"abon\w*",
    r"dbas?",
    r"especialistas?",
    r"analistas?",
    r"consultor\w*",
    r"tickets?",
    r"chamados?",
    r"portal",
    r"totvs",
    r"erp",
    r"protheus",
    r"datasul",
    r"logix",
    r"in loco",
    r"presencial",
    r"prime",
    r"ams",
    r"esn",
    r"acion\w*",
    r"cobr\w*",
    r"prec[oa]s?",
    r"cancel\w*",
    r"sms",
)
_DOMAIN = re.compile(r"\b(" + "|".join(_DOMAIN_STEMS) + r")\b")


def mentions_domain(text: str) -> bool:
    """True when the message names a modality, a charging rule, the team or the ERP."""
    return _DOMAIN.search(normalize(text)) is not None


def faq_decision(
    confidence: float,
    text: str,
    answer_min: float = FAQ_ANSWER_MIN,
    domain_answer_min: float = FAQ_DOMAIN_ANSWER_MIN,
) -> FaqDecision:
    """What to do with the FAQ answer the selector picked with `confidence` for `text` (the
    thresholds are parameters for the calibration only)."""
    relevant = mentions_domain(text)
    if confidence >= answer_min or (relevant and confidence >= domain_answer_min):
        return FaqDecision.ANSWER
    return FaqDecision.SUGGEST if relevant else FaqDecision.REFUSE

"""Whether a message given to a form's question gives the form up ("esquece, vejo isso depois",
"não quero mais", "deixa pra lá", "outra hora eu marco"), so the form stops instead of taking it
as the answer to a free-text question or re-asking a date it cannot read.

Only short messages count: a leaving phrase inside a long answer ("o cliente desistiu e
precisamos refazer a carga, esquece o que eu disse do fiscal") is an answer."""

from __future__ import annotations

import re

from ._text import normalize

# Verbs of putting something off: "vejo isso depois", "outra hora eu marco".
_LATER_VERB = r"(?:vejo|veja|vemos|resolvo|faco|falo|volto|marco|agendo|continuo|termino|retomo)"
_LATER = r"(?:depois|mais\s+tarde|outra\s+hora|outro\s+dia|outra\s+vez)"

_LEAVES = re.compile(
    "|".join(
        (
            r"\besquec[ae]\b",  # "esquece", "esqueça"; "esqueci" (I forgot) is not leaving
            r"\bdeixa\s+(?:(?:isso|quieto)\s+)?(?:pra|para)\s+(?:la|depois|outra\s+hora|outro\s+dia)\b",
            r"\bdeixa\s+quieto\b",
            r"\bdesist(?:o|i|ir|imos)\b",
            # "não quero mais"; "não preciso mais de 2 especialistas" corrects an answer
            r"\bnao\s+(?:quero|preciso|vou\s+querer|vou\s+precisar)\s+mais\b"
            r"(?!\s+(?:de|do|da|dos|das|que|\d))",
            r"\bnao\s+(?:quero|vou)\s+(?:mais\s+)?(?:agendar|reservar|marcar|continuar|seguir)\b",
            rf"\b{_LATER_VERB}\s+(?:(?:isso|isto|eu)\s+)?{_LATER}\b",
            rf"\b{_LATER}\s+(?:eu\s+)?{_LATER_VERB}\b",
            r"\bfica\s+(?:pra|para)\s+(?:depois|outra\s+hora|outro\s+dia|a\s+proxima)\b",
            r"\bmudei\s+de\s+ideia\b",
            r"\b(?:cancel(?:a|e|ar)|encerr(?:a|e|ar))\s+(?:tudo|isso|isto|por\s+aqui|o\s+agendamento"
            r"|a\s+reserva|o\s+pedido|a\s+solicitacao)\b",
            r"\bpar(?:a|e|ar)\s+(?:tudo|por\s+aqui)\b",
            r"\bpode\s+parar\b",
            r"\b(?:quero|vou|pode)\s+sair\b",
            r"^(?:cancel(?:a|e|ar)|sair|parar|pare|chega)\W*$",
        )
    )
)
# Longer than this, the message is an answer that happens to contain such words.
_MAX_WORDS = 10


def leaves(text: str) -> bool:
    """True when the message gives up the form it answers ("esquece, vejo isso depois")."""
    plain = normalize(text)
    return len(plain.split()) <= _MAX_WORDS and _LEAVES.search(plain) is not None

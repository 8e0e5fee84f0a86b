"""Why staff say a plantão is cancelled, when the message says it (SPEC §4): at the customer's
request, or because no specialist is available. Read without the clock, in a whole command
("cancelar o P-0042, o cliente pediu") or as the typed answer to "Por que…?" ("não temos
especialista"), with typos, no accents and chat abbreviations ("n", "ngm", "q"); None when the
message gives no reason, or gives both."""

from __future__ import annotations

import re

from ._text import normalize

CUSTOMER_REQUEST = "customer_request"
NO_SPECIALIST = "no_specialist"

# The customer, as typed in a hurry: "cliente", "clinte", "clente", "cli".
_CLIENT = r"(?:cli(?:ente?|nte|ete|emte|ennte)?|clente|cleinte|cilente)s?\b"
# "não" and its chat forms ("ñ" is "n" once accents are gone).
_NOT = r"(?:nao|n|nem)"
# Whoever would attend: a specialist, an analyst, a consultant, misspelt too ("especilista").
_SPECIALIST = r"(?:esp\w*ista|espec\w*|analist\w*|analsita|consultor\w*|tecnic\w*|dbas?)"
_NOBODY = r"(?:ninguem|ngm|nenhum\w*|gente|pessoal)"

_CUSTOMER = re.compile(
    rf"""\b(?:(?:a\s*|por\s+|pel[oa]\s+)?(?:pedido|solicitacao|vontade|decisao)\s+d[oa]s?\s+{_CLIENT}
      |{_CLIENT}\s+(?:\w+\s+)?(?:pediu|pediram|pedio|solicitou|quer|quis|desistiu|cancelou
         |mandou|remarcou|desmarcou|adiou|mudou\s+de\s+ideia
         |{_NOT}\s+(?:precisa|vai\s+precisar|quer|vai\s+mais))
      |(?:pediu|pedido|solicitou)\s+(?:\w+\s+){{0,2}}(?:o|a|pel[oa])\s+{_CLIENT})
    |^(?:foi\s+)?(?:o\s+|a\s+|pel[oa]\s+)?{_CLIENT}$""",
    re.VERBOSE,
)
_NO_SPECIALIST = re.compile(
    rf"""\b(?:sem\s+(?:nenhum\s+)?(?:{_SPECIALIST}|{_NOBODY})
      |(?:{_NOT}\s+(?:ha|tem|temos|temo|teremos|tenho|tinha|havera|existe)|falta\s+de|faltou
         |faltando|nenhum|nenhuma)\s+(?:nenhum\s+)?(?:{_SPECIALIST}|ninguem|ngm|gente)
      |{_SPECIALIST}\s+(?:\w+\s+)?(?:indisponive|{_NOT}\s+disponive|{_NOT}\s+pode|ficou\s+doente
         |doente|de\s+atestado|de\s+ferias|faltou)
      |(?:ninguem|ngm)\s+(?:\w+\s+)?(?:disponive|livre|pode|pra\s+atender|para\s+atender)
      |{_NOT}\s+(?:consegui|conseguimos|deu\s+pra|deu\s+para)\s+(?:alocar|escalar|achar
         |encontrar)\s+(?:{_SPECIALIST}|ninguem|ngm|nenhum)
      |(?:falta\s+de\s+|sem\s+)disponibilidade|indisponibilidade\s+d[oae]s?\s+(?:{_SPECIALIST}|equipe)
      |(?:equipe|time)\s+(?:\w+\s+)?{_NOT}\s+(?:consegue|conseguiu|vai\s+conseguir|pode)\s+(?:atender
         |cobrir|assumir))""",
    re.VERBOSE,
)


def parse_cancel_reason(text: str) -> str | None:
    """CUSTOMER_REQUEST, NO_SPECIALIST, or None when the text says neither (or both)."""
    plain = normalize(text).strip(" .!?")
    customer, no_specialist = _CUSTOMER.search(plain), _NO_SPECIALIST.search(plain)
    if bool(customer) == bool(no_specialist):
        return None
    return CUSTOMER_REQUEST if customer else NO_SPECIALIST

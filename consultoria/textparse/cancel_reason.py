"""Why staff say a plantão is cancelled, when the message says it (SPEC §4): at the customer's
request, or because no specialist is available. Read without the clock; None when the message
gives no reason, or gives both."""

from __future__ import annotations

import re

from ._text import normalize

CUSTOMER_REQUEST = "customer_request"
NO_SPECIALIST = "no_specialist"

_CUSTOMER = re.compile(
    r"""\b(?:(?:a|por|pel[oa])\s+(?:pedido|solicitacao|vontade|decisao)\s+d[oa]s?\s+client
      |client[ea]s?\s+(?:\w+\s+)?(?:pediu|pediram|solicitou|quer|quis|desistiu|cancelou|mandou
         |remarcou|adiou|nao\s+precisa|nao\s+vai\s+precisar)
      |(?:pedido|solicitacao)\s+d[oa]\s+client)""",
    re.VERBOSE,
)
_NO_SPECIALIST = re.compile(
    r"""\b(?:sem\s+(?:nenhum\s+)?(?:especialista|analista|consultor|ninguem)
      |(?:nao\s+(?:ha|tem|temos|teremos|tenho|havera|existe)|falta\s+de|faltou|nenhum)
         \s+(?:nenhum\s+)?(?:especialista|analista|consultor)
      |(?:especialista|analista|consultor)s?\s+(?:\w+\s+)?(?:indisponive|nao\s+disponive
         |nao\s+pode|ficou\s+doente|doente|de\s+atestado|esta\s+de\s+atestado))""",
    re.VERBOSE,
)


def parse_cancel_reason(text: str) -> str | None:
    """CUSTOMER_REQUEST, NO_SPECIALIST, or None when the text says neither (or both)."""
    plain = normalize(text)
    customer, no_specialist = _CUSTOMER.search(plain), _NO_SPECIALIST.search(plain)
    if bool(customer) == bool(no_specialist):
        return None
    return CUSTOMER_REQUEST if customer else NO_SPECIALIST

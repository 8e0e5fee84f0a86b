"""What staff type about plantões, read without the clock: the plantão's reference, the
specialist's name in a confirmation, a listing of the plantões awaiting confirmation, and plantão
references written as words ("plantão 42"), put in the P-0042 form the time parser skips."""

from __future__ import annotations

import re
import unicodedata

from .quantities import parse_ref

MAX_NAME = 120
# Words after which the specialist's name comes: "com a Maria", "especialista: João",
# "aloca o Pedro", "coloca o Bruno", "pro Rafael", "quem vai atender é a Ana", "vai ser o
# Marcos", "pelo Nelson", "é a Luana".
_MARKER = re.compile(
    r"""(?:\b(?:especialista|analista|consultora?|respons[aá]vel|t[eé]cnic[oa]|com|pr[oa]|para
      |aloc\w*|escal\w*|design\w*|coloc\w*|bota|boto|p[oõ]e)
      |\bquem\s+(?:vai\s+)?atende(?:r|r[aá])?(?:\s+(?:[eé]|ser[aá]))?|\bvai\s+ser|\bpel[oa]
      |\b(?:[eé]|ser[aá])(?=\s+(?:o|a)\s))\b
    \s*[:\-–]?\s*(?:(?:o|a)\s+)?""",
    re.IGNORECASE | re.VERBOSE,
)
_PLANTAO_WORDS = r"(?:\bp|\bplant[aã]o)\s*(?:-|\#|n[º°o]?\.?|n[uú]mero)?\s*\d{1,6}\b"
_HYPHEN_REF = re.compile(r"\bp-0*(\d{1,6})\b", re.IGNORECASE)
_WORDED_REF = re.compile(r"\bplant[aã]o\s*(?:#|n[º°o]?\.?|n[uú]mero)?\s*(\d{1,6})\b", re.IGNORECASE)
# Where a name stops: punctuation (not an initial's dot), a plantão reference, or a preposition
# or article that leads to one ("a Fernanda no plantão 42", "com o Caio o P-0041").
_NAME_END = re.compile(
    rf"""[,;:!?()\n]|(?<!\b[^\W\d_])\.(?=\s|$)|{_PLANTAO_WORDS}
    |\s+(?:(?:n[oa]|pr[oa]|para|pra|ao|d[oa]|em|[oa])\s+)?(?:(?:o|a)\s+)?(?:plant[aã]o|pedido|p-?\s?\d)""",
    re.IGNORECASE | re.VERBOSE,
)
_FILLER = re.compile(
    r"(?:\s+(?:por\s+favor|pf|pfv|pls|obrigad[oa]|valeu|vlw|blz|ok|hoje|agora))+\s*$",
    re.IGNORECASE,
)
_NAME = re.compile(r"[^\W\d_](?:[^\W\d_]|['’.\- ])*")
# Words that follow a marker but are not a name: pronouns, days, the plantão itself.
_NOT_NAMES = frozenset(
    {
        "ele",
        "ela",
        "eles",
        "elas",
        "voce",
        "vc",
        "mim",
        "nos",
        "equipe",
        "time",
        "alguem",
        "ninguem",
        "urgencia",
        "plantao",
        "especialista",
        "hoje",
        "amanha",
        "agora",
        "segunda",
        "terca",
        "quarta",
        "quinta",
        "sexta",
        "sabado",
        "domingo",
        "sim",
        "ok",
    }
)
_PENDING = re.compile(
    r"pendente|pendencia|aguard|sem\s+confirma|nao\s+confirmad|(?:a|para|pra|por|falta\w*)\s+confirmar"
)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def specialist_name(text: str) -> str | None:
    """The specialist named in "confirmar o P-0042 com Maria Souza", "P-0042: especialista João",
    "aloca a Fernanda Lima no plantão 42"; None when no name is given."""
    for marker in reversed(list(_MARKER.finditer(text))):
        name = _name_at(text[marker.end() :])
        if name is not None:
            return name
    return None


def _name_at(rest: str) -> str | None:
    candidate = _FILLER.sub("", _NAME_END.split(rest, maxsplit=1)[0]).strip(" -")
    candidate = " ".join(candidate.split())
    if not 2 <= len(candidate) <= MAX_NAME or _NAME.fullmatch(candidate) is None:
        return None
    if _plain(candidate.split()[0]) in _NOT_NAMES:
        return None
    return candidate


def asks_pending(text: str) -> bool:
    """Whether a listing asks for the plantões still awaiting confirmation."""
    return _PENDING.search(_plain(text)) is not None


def with_plain_refs(text: str) -> str:
    """ "plantão 42" written as "P-0042", the form the end-time parser knows to skip."""
    return _WORDED_REF.sub(lambda m: f"P-{int(m.group(1)):04d}", text)


def plantao_ref(text: str) -> str | None:
    """parse_ref, and also "P-0102" right before a word parse_ref takes for a head count
    ("confirmar P-0102 especialista Ana")."""
    found = parse_ref(text)
    if found is not None:
        return found
    match = _HYPHEN_REF.search(text)
    return None if match is None or int(match.group(1)) == 0 else f"P-{int(match.group(1)):04d}"

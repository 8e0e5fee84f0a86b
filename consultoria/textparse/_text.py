"""Text normalisation shared by the parsers: case, accents, dashes and pt-BR number words."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# value and class: 3 hundreds, 2 tens, 1 units and teens; a word joins a number only after a
# word of a higher class ("cento e vinte e cinco"), so "cinco e vinte" stays two numbers.
_NUMBER_WORDS: dict[str, tuple[int, int]] = {
    "zero": (0, 1),
    "um": (1, 1),
    "uma": (1, 1),
    "dois": (2, 1),
    "duas": (2, 1),
    "tres": (3, 1),
    "quatro": (4, 1),
    "cinco": (5, 1),
    "seis": (6, 1),
    "sete": (7, 1),
    "oito": (8, 1),
    "nove": (9, 1),
    "dez": (10, 1),
    "onze": (11, 1),
    "doze": (12, 1),
    "treze": (13, 1),
    "catorze": (14, 1),
    "quatorze": (14, 1),
    "quinze": (15, 1),
    "dezesseis": (16, 1),
    "dezasseis": (16, 1),
    "dezessete": (17, 1),
    "dezoito": (18, 1),
    "dezenove": (19, 1),
    "vinte": (20, 2),
    "trinta": (30, 2),
    "quarenta": (40, 2),
    "cinquenta": (50, 2),
    "cincoenta": (50, 2),
    "sessenta": (60, 2),
    "setenta": (70, 2),
    "oitenta": (80, 2),
    "noventa": (90, 2),
    "cem": (100, 3),
    "cento": (100, 3),
    "duzentos": (200, 3),
    "duzentas": (200, 3),
    "trezentos": (300, 3),
    "trezentas": (300, 3),
    "quatrocentos": (400, 3),
    "quatrocentas": (400, 3),
    "quinhentos": (500, 3),
    "quinhentas": (500, 3),
    "seiscentos": (600, 3),
    "seiscentas": (600, 3),
    "setecentos": (700, 3),
    "setecentas": (700, 3),
    "oitocentos": (800, 3),
    "oitocentas": (800, 3),
    "novecentos": (900, 3),
    "novecentas": (900, 3),
}
_WORD = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_NUMBER_RUN = re.compile(rf"\b(?:{_WORD})(?:\s+(?:e\s+)?(?:{_WORD}))*\b")
# "15 de dez" is December, not ten: spell the month out before number words become digits.
_DEZ_MONTH = re.compile(
    rf"\b(\d{{1,2}}o?|primeiro|(?:{_WORD})(?:\s+e\s+(?:{_WORD}))?)\s+de\s+dez\b"
    r"(?!\s*(?:min|hora|h\b|hs\b|especialista|analista|pessoa))"
)
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACES = re.compile(r"\s+")

# Nouns after a number that make it a head count, or (with units) never a clock time.
PEOPLE_NOUNS = (
    r"(?:especialistas?|analistas?|consultor(?:es|as?)?|pessoas?|tecnicos?|profissional|"
    r"profissionais|dbas?|atendentes?)"
)
QUANTITY_NOUNS = (
    rf"(?:{PEOPLE_NOUNS}|min|mins|minutos?|segundos?|dias?|semanas?|meses|mes|anos?|reais|"
    r"vez|vezes|plantao|plantoes|%)"
)


@lru_cache(maxsize=512)
def normalize(text: str) -> str:
    """Lower case, no accents, ASCII dashes, single spaces, number words as digits."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = _SPACES.sub(" ", _DASHES.sub("-", plain)).strip()
    plain = _DEZ_MONTH.sub(r"\1 de dezembro", plain)
    return _NUMBER_RUN.sub(_spell_run, plain)


def _spell_run(match: re.Match[str]) -> str:
    """Digits for a run of number words; a run that is not one number becomes several."""
    parts: list[str] = []
    value: int | None = None
    last_class, joined_by_e = 4, False
    for word in match.group().split():
        if word == "e":
            joined_by_e = True
            continue
        number, word_class = _NUMBER_WORDS[word]
        if value is not None and word_class < last_class:
            value += number
        else:
            if value is not None:
                parts.extend([str(value), "e"] if joined_by_e else [str(value)])
            value = number
        last_class = 0 if word == "cem" else word_class
        joined_by_e = False
    parts.append(str(value))
    return " ".join(parts)

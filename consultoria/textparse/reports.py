"""Which report staff ask for in chat, and of which month (SPEC §10): "relatório de plantões de
março de 2027", "manda o csv dos aceites do mês passado", "relatorio 2027-03". Read against
`today` (a date in the business zone), never the clock."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from ._days import _MONTH, _MONTHS
from ._text import normalize

ReportKind = Literal["plantoes", "acceptances"]

_ACCEPTANCES = re.compile(r"\b(?:aceit\w*|recus\w*|termos?|auditoria|lgpd)\b")
_ISO = re.compile(r"(?<![\d/])(\d{4})[-/.](\d{1,2})(?![\d/])")
_NUMERIC = re.compile(r"(?<![\d/])(\d{1,2})[-/.](\d{4}|\d{2})(?![\d/])")
_NAMED = re.compile(rf"\b({_MONTH})\b\.?(?:\s*(?:de|/|-)?\s*(\d{{4}}|\d{{2}})(?!\d))?")
_THIS_MONTH = re.compile(
    r"\b(?:d?est[ea]|d?ess[ea]|nest[ea]|ness[ea])\s+mes\b|\bmes\s+(?:atual|corrente)\b"
)
_LAST_MONTH = re.compile(r"\bmes\s+(?:passado|anterior)\b|\bultimo\s+mes\b")
# normalize() reads "dez" as ten; in a report request it is December.
_DEZ = re.compile(r"\bdez\b", re.IGNORECASE)


# What a request for a report names: the report, its file, or what it lists.
_REPORT_WORDS = re.compile(
    r"\b(?:relat\w*|csv|planilha|extrato|export\w*|auditoria|fechamento|faturamento|cobran\w*"
    r"|aceit\w*|recus\w*|termos?|plant(?:ao|oes))\b"
)


def asks_for_report(text: str) -> bool:
    """True when the message names a report or what one lists; "vale a pena ir pra Cancún em
    dezembro?" names a month and nothing else."""
    return _REPORT_WORDS.search(normalize(text)) is not None


class ReportMonthError(ValueError):
    """The month named does not exist ("13/2027")."""


@dataclass(frozen=True)
class ReportRequest:
    kind: ReportKind
    year: int
    month: int
    month_said: bool  # False: the last closed month, chosen because none was named


def _previous(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _full_year(text: str) -> int:
    return int(text) if len(text) == 4 else 2000 + int(text)


def _checked(year: int, month: int) -> tuple[int, int]:
    if not 1 <= month <= 12 or year < 2000:
        raise ReportMonthError(f"{month:02d}/{year}")
    return year, month


def _named_month(plain: str, today: date) -> tuple[int, int] | None:
    match = _NAMED.search(plain)
    if match is None:
        return None
    month = _MONTHS[match.group(1)]
    if match.group(2):
        return _checked(_full_year(match.group(2)), month)
    # A month without its year: the latest one not after this month (reports look back).
    return (today.year, month) if month <= today.month else (today.year - 1, month)


def _month_of(plain: str, today: date) -> tuple[int, int] | None:
    if match := _ISO.search(plain):
        return _checked(int(match.group(1)), int(match.group(2)))
    if match := _NUMERIC.search(plain):
        return _checked(_full_year(match.group(2)), int(match.group(1)))
    if _LAST_MONTH.search(plain):
        return _previous(today.year, today.month)
    if _THIS_MONTH.search(plain):
        return today.year, today.month
    return _named_month(plain, today)


def parse_report_request(text: str, today: date) -> ReportRequest:
    """The report (the Term answers when the message speaks of acceptances or Terms, else the
    charged plantões) and its month; the last closed month when none is named.
    ReportMonthError for a month that does not exist."""
    plain = normalize(_DEZ.sub("dezembro", text))
    kind: ReportKind = "acceptances" if _ACCEPTANCES.search(plain) else "plantoes"
    said = _month_of(plain, today)
    if said is None:
        year, month = _previous(today.year, today.month)
        return ReportRequest(kind, year, month, month_said=False)
    return ReportRequest(kind, said[0], said[1], month_said=True)

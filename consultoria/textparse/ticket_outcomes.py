"""What staff write about a Consultoria do Suporte ticket (SPEC §3.2, §5): its number, the
outcome of the analysis and the minutes registered, in any order and any of them missing:
"ticket 18234567: inconsistência nova", "18234567 sem inconsistência, 35 minutos", "registra
45 min no ticket 18234567", "o ticket 18234567 foi 1h20".

The ticket's digits are taken out before the minutes are read, so a duration never comes from
them. Read with typos, no accents and chat abbreviations; an outcome said in contradicting ways
("inconsistência nova, já publicada") is refused rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from ._text import normalize
from .quantities import parse_duration_minutes
from .tickets import TICKET_DIGITS, TicketError


class TicketOutcome(str, Enum):
    """The analysis' outcome, which decides the waiver (SPEC §3.2)."""

    NEW_INCONSISTENCY = "new_inconsistency"  # not yet published on the portal: waived
    PUBLISHED = "published"  # already published: charged
    NO_INCONSISTENCY = "no_inconsistency"  # no product inconsistency: charged


TICKET_OUTCOMES = tuple(outcome.value for outcome in TicketOutcome)


class AmbiguousOutcome(ValueError):
    """The message says two different outcomes."""


@dataclass(frozen=True)
class TicketReport:
    """What a staff message says about a ticket; None for what it does not say. `minutes` is
    as written (zero or negative too): whether it can be registered is the service's call."""

    ticket: str | None
    outcome: TicketOutcome | None
    minutes: int | None


# Any standalone number: a ticket has 6 to 12 digits; "1h20" or "10:30" are not standalone.
_NUMBER = re.compile(r"(?<![\w/.,:-])[0-9]+(?![\w/]|[.,:][0-9])")
# A number right after the word "ticket" is meant as one, however short.
_NAMED = re.compile(
    r"\b(?:tickets?|tiket|tickt|tiquete|tkt|chamados?|chamdo)\s*(?:n[o.]?\.?\s*|numero\s*|#\s*)?"
    r"([0-9]+)\b"
)
# A minus sign stuck to the number: "- 12 min" with a space is a dash between two parts.
_NEGATIVE = re.compile(r"(?<!\S)-[0-9]+(?:[.,][0-9]+)?\s*(?:h|min|m\b|hora)")

# "inconsistência" as typed in a hurry: "incosistencia", "inconsitencia", "inconsistensia".
_INCONS = (
    r"(?:in[sc]{0,2}[ck]?o[nm]?[sc]{1,2}i?[sc]{0,2}t[eai]n?[cs]{1,2}i?as?|bugs?"
    r"|(?:erro|falha|problema)s?\s+(?:de|no|do|da)\s+(?:produto|sistema|documentacao))\b"
)
_NEW_WORDS = r"(?:nova|novo|inedit[ao]|ainda\s+nao\s+publicad[ao]|nao\s+publicad[ao])"
_NEW = re.compile(
    rf"""\b(?:{_INCONS}\s+(?:\w+\s+){{0,3}}?{_NEW_WORDS}\b
      |(?:nova|novo|inedit[ao])\s+{_INCONS}
      |abon\w*
      |(?:ainda\s+)?nao\s+(?:estava\s+|esta\s+|tava\s+|foi\s+|era\s+)?publicad[ao])""",
    re.VERBOSE,
)
_PUBLISHED = re.compile(
    r"""\b(?:publicad[ao]s?
      |ja\s+(?:\w+\s+){0,2}?(?:conhecid[ao]|divulgad[ao]|documentad[ao]|no\s+portal))\b""",
    re.VERBOSE,
)
_NOT = r"(?:nao|n|nem)"
_NONE = re.compile(
    rf"""\b(?:sem\s+(?:nenhuma\s+|nenhum\s+)?{_INCONS}
      |nenhu(?:m|ma)\s+{_INCONS}
      |{_INCONS}\s+nenhu(?:m|ma)
      |{_NOT}\s+(?:\w+\s+){{0,2}}?{_INCONS}(?!\s+(?:\w+\s+){{0,2}}?(?:nova|novo|inedit|publicad))
      |(?:erro|problema|falha)s?\s+de\s+(?:uso|usuario|parametrizacao|configuracao|cadastro
         |operacao|ambiente|infra\w*)
      |era\s+(?:so\s+|apenas\s+)?(?:parametrizacao|configuracao|cadastro|duvida))""",
    re.VERBOSE,
)
# Words right before an outcome that turn it around: "não era inconsistência nova".
_NEGATION_BEFORE = re.compile(rf"\b(?:{_NOT}|sem)\s+(?:\w+\s+)?$")


def _ticket(plain: str) -> str | None:
    """The ticket's digits; TicketError when they are not 6 to 12, or two tickets are given."""
    named: set[str] = set(_NAMED.findall(plain))
    long_enough: set[str] = {n for n in _NUMBER.findall(plain) if len(n) >= min(TICKET_DIGITS)}
    numbers = named | long_enough
    if not numbers:
        return None
    if len(numbers) > 1:
        raise TicketError("mais de um número")
    (number,) = numbers
    if len(number) not in TICKET_DIGITS:
        raise TicketError(f"{len(number)} dígitos")
    return number


def _said(pattern: re.Pattern[str], plain: str, *, negatable: bool) -> bool:
    return any(
        not (negatable and _NEGATION_BEFORE.search(plain[: found.start()]))
        for found in pattern.finditer(plain)
    )


def _outcome(plain: str) -> TicketOutcome | None:
    said = {
        outcome
        for outcome, pattern, negatable in (
            (TicketOutcome.NEW_INCONSISTENCY, _NEW, True),
            (TicketOutcome.PUBLISHED, _PUBLISHED, True),
            (TicketOutcome.NO_INCONSISTENCY, _NONE, False),
        )
        if _said(pattern, plain, negatable=negatable)
    }
    if len(said) > 1:
        raise AmbiguousOutcome(", ".join(sorted(outcome.value for outcome in said)))
    return next(iter(said), None)


def _minutes(rest: str) -> int | None:
    minutes = parse_duration_minutes(rest)
    if minutes is None:
        return None
    return -minutes if _NEGATIVE.search(rest) else minutes


def parse_ticket_report(text: str) -> TicketReport:
    """The ticket, outcome and minutes a staff message gives.

    Raises TicketError when the ticket number is not 6 to 12 digits or two are given, and
    AmbiguousOutcome when two different outcomes are said.
    """
    plain = normalize(text)
    ticket = _ticket(plain)
    rest = plain if ticket is None else plain.replace(ticket, " ")
    return TicketReport(ticket, _outcome(rest), _minutes(rest))

"""Support ticket numbers as people type them: "ticket 18234567", "chamado nº 18234567",
"#18234567" (SPEC §5: a Consultoria do Suporte is accepted for a ticket number, digits only).

**Decision**: a ticket number has 6 to 12 digits. The source documents give no format; the
Portal TOTVS numbers tickets with 7 or 8 digits today, and the range leaves room on both sides
while refusing a phone number's pieces, a year or a plantão reference.
"""

from __future__ import annotations

import re

# How many digits a ticket number may have, as a range (6 to 12).
TICKET_DIGITS = range(6, 13)
# A number standing alone: not part of a word, a date ("12/12/2026") or a time ("10h").
_NUMBER = re.compile(r"(?<![\w/])[0-9]+(?![\w/])")


class TicketError(ValueError):
    """The message gives a number that is not a ticket number, or two different ones."""


def parse_ticket(text: str) -> str | None:
    """The ticket number the text gives, as digits; None when it gives no number at all.

    Raises TicketError when a number in it has fewer than 6 or more than 12 digits, or when it
    gives two different numbers.
    """
    numbers: set[str] = set(_NUMBER.findall(text))
    if not numbers:
        return None
    if len(numbers) > 1:
        raise TicketError("mais de um número")
    (number,) = numbers
    if len(number) not in TICKET_DIGITS:
        raise TicketError(f"{len(number)} dígitos")
    return number

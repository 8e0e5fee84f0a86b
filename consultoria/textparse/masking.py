"""Masking of personal data in chat text kept for review (SPEC §7, §11): e-mail addresses, CPF and
CNPJ numbers, and phone numbers become placeholders, so a maintainer reading why the assistant
did not understand never reads who said it. Plantão references, money, dates, times, versions
and bare ticket numbers (not personal data) stay as they are."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

EMAIL = "[e-mail]"
CPF = "[cpf]"
CNPJ = "[cnpj]"
PHONE = "[telefone]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ALONE = r"(?<![\w/.,-]){}(?![\w/-]|[.,]\d)"
# Digits right after "(" start a phone's area code, never a document: "(41930110030".
_DOCUMENT_ALONE = _ALONE.replace("/.,-", "/.,(-")
_CNPJ = re.compile(_DOCUMENT_ALONE.format(r"\d{2}\.?\d{3}\.?\d{3}/?\d{4}-?\d{2}"))
_CPF = re.compile(_DOCUMENT_ALONE.format(r"\d{3}\.?\d{3}\.?\d{3}-?\d{2}"))
# A phone with its area code (digits may run together), or a local number whose halves are
# split by a space, dot or hyphen: a bare run of 8 digits is more likely a ticket number.
_PHONE = re.compile(
    _ALONE.format(
        r"(?:(?:\+?55[\s.-]?)?\(?0?[1-9]{2}\)?[\s.-]?9?\d{4}[\s.-]?\d{4}|9?\d{4}[\s.-]\d{4})"
    )
)


def _check_digits(digits: str, weights: Iterable[int]) -> int:
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11
    return 0 if remainder < 2 else 11 - remainder


def _is_cpf(digits: str) -> bool:
    return len(set(digits)) > 1 and all(
        _check_digits(digits[:n], range(n + 1, 1, -1)) == int(digits[n]) for n in (9, 10)
    )


def _is_cnpj(digits: str) -> bool:
    weights = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
    return len(set(digits)) > 1 and all(
        _check_digits(digits[:n], weights[13 - n :]) == int(digits[n]) for n in (12, 13)
    )


def _document(placeholder: str, valid: Callable[[str], bool]) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        written = match.group(0)
        digits = re.sub(r"\D", "", written)
        # Punctuated as a document, it is one; a bare run of digits only if its check digits are.
        if not written.isdigit() or valid(digits):
            return placeholder
        return written

    return replace


def mask_personal_data(text: str) -> str:
    """`text` with e-mails, CNPJs, CPFs and phone numbers replaced by placeholders (in that order,
    so a CNPJ is never half-read as a CPF or a phone)."""
    text = _EMAIL.sub(EMAIL, text)
    text = _CNPJ.sub(_document(CNPJ, _is_cnpj), text)
    text = _CPF.sub(_document(CPF, _is_cpf), text)
    return _PHONE.sub(PHONE, text)

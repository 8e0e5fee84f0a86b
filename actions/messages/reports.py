"""What staff hear when they ask for a month's report in chat (SPEC §10)."""

from __future__ import annotations

from decimal import Decimal

from consultoria.tariff import format_brl

MONTH_NAMES = (
    "janeiro",
    "fevereiro",
    "março",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
)
ATTACHED = "O arquivo CSV segue anexo."
NO_SUCH_MONTH = (
    'Esse mês não existe ({said}). Diga, por exemplo, "relatório de plantões de março de 2027" '
    'ou "relatório de aceites de 2027-03".'
)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _which(year: int, month: int, month_said: bool) -> str:
    shown = f"{MONTH_NAMES[month - 1]} de {year}"
    if month_said:
        return shown
    return (
        f'{shown}, o último mês fechado (para outro, diga por exemplo "relatório de plantões '
        f'de {year}-{month:02d}")'
    )


def plantoes_report(year: int, month: int, *, month_said: bool, count: int, total: Decimal) -> str:
    which = _which(year, month, month_said)
    if count == 0:
        return f"Nenhum plantão com cobrança começou em {which}."
    charged = _plural(count, "plantão", "plantões")
    return (
        f"Relatório de plantões de {which}: {charged} com cobrança, total {format_brl(total)} "
        f"mais impostos. {ATTACHED}"
    )


def acceptances_report(
    year: int, month: int, *, month_said: bool, accepted: int, refused: int
) -> str:
    which = _which(year, month, month_said)
    if accepted + refused == 0:
        return f"Nenhum aceite ou recusa de Termo foi registrado em {which}."
    return (
        f"Relatório de aceites de {which}: {_plural(accepted, 'aceite', 'aceites')} e "
        f"{_plural(refused, 'recusa', 'recusas')} de Termos, cada um com o SHA-256 do texto "
        f"apresentado. {ATTACHED}"
    )


def no_such_month(said: str) -> str:
    return NO_SUCH_MONTH.format(said=said)

"""What a customer hears about their own hour bank (SPEC §3.2)."""

from __future__ import annotations

from consultoria.tariff import format_minutes

NO_BANK = (
    "Não há banco de horas registrado para você. Se a sua empresa contratou um, peça à equipe da "
    'Consultoria que o vincule ao seu usuário (diga "falar com um atendente"). Para saber como '
    'ele funciona, pergunte "como funciona o banco de horas?".'
)
RULE = (
    "Os minutos de cada Consultoria Telefônica saem primeiro do saldo; o que passar dele é "
    "cobrado pelo preço da tabela."
)


def balance(left: int, movements: list[str]) -> str:
    shown = "\n".join(f"• {line}" for line in movements)
    return (
        f"Saldo do seu banco de horas: {format_minutes(left)}. {RULE}\n\n"
        f"Últimas movimentações:\n{shown}"
    )

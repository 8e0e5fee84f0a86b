"""`consultoria hour-bank`, run as a real subprocess on SQLite and PostgreSQL: staff credit a
customer's bank, register Consultoria Telefônica calls through it and read the balance; bad
input is one pt-BR line, exit code 2, and writes nothing."""

from __future__ import annotations

import os
import subprocess

import pytest
from sqlalchemy import Engine, func, select

from consultoria.db import HourBankEntry, session_factory, unit_of_work
from consultoria.services.people import remember_person
from tests.support.processes import CONSOLE_SCRIPT, finished

USER = "70001"


@pytest.fixture
def url(engine: Engine) -> str:
    with unit_of_work(session_factory(engine)) as session:
        remember_person(session, "telegram", USER, "Ana Cliente", role="customer", unit=None)
    return engine.url.render_as_string(hide_password=False)


def bank(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return finished([str(CONSOLE_SCRIPT), "hour-bank", *args], env)


def movements(engine: Engine) -> int:
    with unit_of_work(session_factory(engine)) as session:
        return session.scalar(select(func.count(HourBankEntry.id))) or 0


def test_credit_use_and_balance(url: str) -> None:
    none_yet = bank(url, "balance", "--user-id", USER).stdout
    assert none_yet == "Ana Cliente (telegram 70001) não tem banco de horas.\n"
    credited = bank(url, "credit", "--user-id", USER, "--minutes", "60", "--note", "pedido 77")
    assert credited.returncode == 0, credited.stderr
    assert credited.stdout.startswith("Crédito de 60 min (1h) para Ana Cliente (telegram 70001).\n")
    call = bank(url, "use", "--user-id", USER, "--minutes", "45", "--ticket", "18234567")
    assert call.returncode == 0, call.stderr
    assert (
        "Banco de horas: 45 min descontados do saldo de 60 min (1h); restam 15 min." in call.stdout
    )
    assert "Total: 0 min × R$ 4,00/min = R$ 0,00." in call.stdout
    beyond = bank(url, "use", "--user-id", USER, "--minutes", "5", "--specialists", "2")
    assert "Excedente ao banco: 5 min pelo preço da tabela." in beyond.stdout
    assert "R$ 20,00 mais impostos" in beyond.stdout
    statement = bank(url, "balance", "--user-id", USER).stdout.splitlines()
    assert statement[0] == "Saldo do banco de horas de Ana Cliente (telegram 70001): 0 min."
    assert statement[1].endswith(
        "Consultoria Telefônica: 15 min do saldo; além do saldo: 5 min, R$ 20,00 mais impostos"
    )
    assert statement[2].endswith("Consultoria Telefônica, ticket 18234567: 45 min do saldo")
    assert statement[3].endswith("crédito de 60 min (1h), pedido 77")


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["use", "--user-id", USER, "--minutes", "30"], "(telegram 70001): sem banco de horas"),
        (["credit", "--user-id", "999", "--minutes", "60"], "ninguém com o id 999"),
        (["credit", "--user-id", USER, "--minutes", "0"], "--minutes: minutos inválidos"),
        (["credit", "--user-id", USER, "--minutes", "-5"], "--minutes: minutos inválidos"),
        (["use", "--user-id", USER, "--minutes", "5", "--ticket", "12ab"], "ticket inválido"),
        (["credit", "--user-id", USER, "--minutes", "60", "--channel", "rest"], "no canal rest"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    url: str, engine: Engine, args: list[str], problem: str
) -> None:
    result = bank(url, *args)
    assert result.returncode == 2
    assert result.stderr.startswith("consultoria: ") and problem in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert movements(engine) == 0

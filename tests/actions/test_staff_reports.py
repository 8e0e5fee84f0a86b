"""A month's report in the staff chat (SPEC §6, §10), on SQLite and PostgreSQL: the summary
and the same CSV `consultoria report` writes, as a `custom` file; only for the roster."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import datetime
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.messages.staff import REFUSAL
from actions.staff_reports import ActionStaffReport
from actions.terms import current_term
from consultoria import db, runtime
from consultoria.tariff import Modality
from tests.support.clock import PinClock
from tests.support.people import enroll, from_telegram
from tests.support.reports import SP, seed_june_2030, sp
from tests.support.trackers import DOMAIN, texts, turn

pytestmark = pytest.mark.both_backends

# By start; on July 10th the plantão that was still running on June 30th has completed.
JUNE_REFS = ("full", "early", "late_cancel", "running", "june_last")


@pytest.fixture
def june(pin_clock: PinClock) -> dict[str, str]:
    """June 2030 seeded; the chat's clock on July 10th, 2030."""
    ctx = runtime.Context(now=sp("2030-05-20T10:00"), settings=runtime.settings())
    with db.unit_of_work(runtime.sessions()) as session:
        db.sync_config_prices(session, ctx.settings.prices)
        term, text = current_term(session, ctx, Modality.PLANTAO)
        sha = hashlib.sha256(text.prompt(term).encode("utf-8")).hexdigest()
        refs = seed_june_2030(session, ctx.settings, term, sha)
    pin_clock(sp("2030-07-10T10:00"))
    enroll()
    return refs


async def ask(text: str, **sender: Any) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    said = turn(text, "staff_report", **(sender or from_telegram()))
    assert await ActionStaffReport().run(dispatcher, said, DOMAIN) == []
    return dispatcher


def files(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    return [m["custom"] for m in dispatcher.messages if m.get("custom")]


def rows_of(content: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content)))


async def test_the_plantoes_of_a_named_month_come_as_csv(june: dict[str, str]) -> None:
    dispatcher = await ask("me manda o relatório de plantões de junho de 2030")
    # 2.400,00 in full + 1.920,00 ended early + 960,00 cancelled late + 2.400,00 and 960,00
    # on the 30th.
    assert dispatcher.messages[0]["text"] == (
        "Relatório de plantões de junho de 2030: 5 plantões com cobrança, total R$ 8.640,00 "
        "mais impostos. O arquivo CSV segue anexo."
    )
    [attached] = files(dispatcher)
    assert (attached["type"], attached["filename"]) == ("report", "plantoes-2030-06.csv")
    rows = rows_of(attached["content"])
    assert [row["reference"] for row in rows] == [june[name] for name in JUNE_REFS]
    assert [row["amount"] for row in rows] == ["2400.00", "1920.00", "960.00", "2400.00", "960.00"]
    assert rows[1]["bill_to"] == "Unidade Campinas"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("relatório de plantões", False),
        ("relatorio do mes anterior", True),
        ("csv dos plantoes do mês passado", True),
    ],
)
async def test_the_last_closed_month_by_default_or_by_name(
    june: dict[str, str], text: str, named: bool
) -> None:
    dispatcher = await ask(text)
    said = texts(dispatcher)
    assert said.startswith("Relatório de plantões de junho de 2030")
    assert ("o último mês fechado" in said) is not named
    assert len(rows_of(files(dispatcher)[0]["content"])) == len(JUNE_REFS)


async def test_a_month_without_charges_sends_no_file(june: dict[str, str]) -> None:
    dispatcher = await ask("relatório de plantões de 2030-04")
    assert texts(dispatcher) == "Nenhum plantão com cobrança começou em abril de 2030."
    assert files(dispatcher) == []


async def test_a_month_that_does_not_exist_is_explained(june: dict[str, str]) -> None:
    dispatcher = await ask("relatório de plantões 13/2030")
    assert texts(dispatcher).startswith("Esse mês não existe (13/2030).")
    assert files(dispatcher) == []


async def test_the_acceptances_of_the_month_with_their_hashes(june: dict[str, str]) -> None:
    # Answers are stamped by the database clock: the real month, not the pinned one.
    month = datetime.now(SP).strftime("%Y-%m")
    dispatcher = await ask(f"relatório de aceites de {month}")
    assert "3 aceites e 0 recusas de Termos" in texts(dispatcher)
    [attached] = files(dispatcher)
    assert attached["filename"] == f"aceites-{month}.csv"
    rows = rows_of(attached["content"])
    assert [row["subject"] for row in rows] == ["", june["full"], june["early"]]
    assert all(len(row["sha256"]) == 64 and row["decision"] == "accepted" for row in rows)


@pytest.mark.parametrize(
    "sender",
    [
        {},  # an anonymous REST customer
        {"sender": "900"},  # the staff member's id on another channel
        {**from_telegram("12345")},  # signed, but not in the roster
    ],
)
async def test_only_the_roster_gets_a_report(june: dict[str, str], sender: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    said = turn("relatório de plantões de junho de 2030", "staff_report", **sender)
    await ActionStaffReport().run(dispatcher, said, DOMAIN)
    assert texts(dispatcher) == REFUSAL
    assert files(dispatcher) == []


@pytest.mark.parametrize("sender", [{}, from_telegram()])
@pytest.mark.parametrize("text", ["vale a pena viajar pra europa em julho?", "e em março de 2027?"])
async def test_a_month_alone_is_not_a_report_request(
    june: dict[str, str], sender: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionStaffReport().run(dispatcher, turn(text, "staff_report", **sender), DOMAIN)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_out_of_scope"]

"""A month's report in the staff chat (SPEC §6, §10): the charged plantões or the Term answers,
as the CSV the `consultoria report` command writes, attached to a one-line summary. The roster
decides who may ask, never the message."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions import tracker as said
from actions.messages import reports as say
from actions.staff_ops import StaffAction, Turn
from consultoria import db, report_formats
from consultoria.presentation import REPORT_PAYLOAD_TYPE
from consultoria.services import reports
from consultoria.services.reports import AcceptanceRow, Month, PlantaoRow
from consultoria.textparse.reports import (
    ReportMonthError,
    ReportRequest,
    asks_for_report,
    parse_report_request,
)


def _file(name: str, row_type: type[Any], rows: list[Any]) -> dict[str, Any]:
    content = report_formats.render("csv", row_type, rows)
    return {"type": REPORT_PAYLOAD_TYPE, "filename": name, "content": content}


def _plantoes(session: Session, turn: Turn, asked: ReportRequest) -> tuple[str, list[Any]]:
    rules = turn.ctx.settings.tariff
    rows = reports.plantoes_of_month(
        session, Month(asked.year, asked.month), now=turn.ctx.now, rules=rules
    )
    total = sum((Decimal(row.amount) for row in rows), Decimal("0.00"))
    text = say.plantoes_report(
        asked.year, asked.month, month_said=asked.month_said, count=len(rows), total=total
    )
    return text, rows


def _acceptances(session: Session, turn: Turn, asked: ReportRequest) -> tuple[str, list[Any]]:
    last = calendar.monthrange(asked.year, asked.month)[1]
    first_day, last_day = date(asked.year, asked.month, 1), date(asked.year, asked.month, last)
    rows = reports.acceptances_between(session, first_day, last_day, turn.zone)
    accepted = sum(1 for row in rows if row.decision == "accepted")
    text = say.acceptances_report(
        asked.year,
        asked.month,
        month_said=asked.month_said,
        accepted=accepted,
        refused=len(rows) - accepted,
    )
    return text, rows


# A report's summary and rows, and each report: how it is built, its file's name prefix and its
# row type.
Build = Callable[[Session, Turn, ReportRequest], tuple[str, list[Any]]]
_REPORTS: dict[str, tuple[Build, str, type[Any]]] = {
    "plantoes": (_plantoes, "plantoes", PlantaoRow),
    "acceptances": (_acceptances, "aceites", AcceptanceRow),
}


class ActionStaffReport(StaffAction):
    """ "relatório de plantões de março de 2027", "csv dos aceites do mês passado"."""

    operation = "report"

    def name(self) -> str:
        return "action_staff_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        # A month alone is no request for a report, whoever says it.
        if not asks_for_report(said.text(tracker)):
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        return await super().run(dispatcher, tracker, domain)

    def act(self, dispatcher: CollectingDispatcher, turn: Turn) -> list[EventType]:
        text = said.text(turn.tracker)
        try:
            asked = parse_report_request(text, turn.ctx.now.astimezone(turn.zone).date())
        except ReportMonthError as exc:
            dispatcher.utter_message(text=say.no_such_month(str(exc)))
            return []
        build, prefix, row_type = _REPORTS[asked.kind]
        with db.unit_of_work(turn.ctx.sessions) as session:
            summary, rows = build(session, turn, asked)
        dispatcher.utter_message(text=summary)
        if rows:
            name = f"{prefix}-{asked.year}-{asked.month:02d}.csv"
            dispatcher.utter_message(json_message=_file(name, row_type, rows))
        return []

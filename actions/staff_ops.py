"""Staff operations by message (SPEC §4, §6): list shifts, confirm, end, cancel, see the amount.

Staff are recognised by the roster, keyed on the channel user id, never by what they type: a
customer who types a staff phrase or forges its payload is refused and nothing changes. Every
read or action on shifts first advances their states with time and outboxes the reminders of
shifts about to start; every change lands in the shift's event history with who, when, the
channel and the amount then due.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from actions.failures import apologize_on_database_error
from actions.identity import find_person
from actions.my_plantoes import describe
from actions.quotes import quote_message
from actions.staff_text import asks_pending, shift_ref, specialist_name, with_plain_refs
from actions.tracker import Caller, caller
from consultoria import db, runtime
from consultoria.db import Person, Plantao, PlantaoNotFound, StateConflict
from consultoria.db.shifts import (
    ShiftRefused,
    Staff,
    cancel_shift,
    confirm_shift,
    current_quote,
    end_shift,
    refresh,
    shift_quote,
    staff_person,
)
from consultoria.tariff import PriceTable, TariffError, format_brl, format_moment
from consultoria.tariff.calendar import WEEKDAY_NAMES
from consultoria.textparse import Window, parse_day, parse_end_time

logger = logging.getLogger(__name__)

REFUSAL = (
    "Desculpe, essa operação é exclusiva da equipe da Consultoria, e nada foi alterado. "
    'Para ver os seus plantões, diga "meus plantões".'
)
MY_SHIFTS = {"title": "Meus plantões", "payload": "/list_plantoes"}
EXAMPLE = {
    "confirm": '"confirmar o plantão P-0042 com Maria Souza"',
    "end": '"encerrar o plantão P-0042 agora" ou "encerrar o plantão P-0042 às 10h"',
    "cancel": '"cancelar o plantão P-0042"',
    "amount": '"quanto deu o plantão P-0042?"',
}
MAX_REASON_SHOWN = 80
# Failures that leave the shift as it was, each with its pt-BR explanation.
NOT_DONE = (PlantaoNotFound, StateConflict, ShiftRefused, TariffError)


def _text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "").strip()


def _ref(tracker: Tracker) -> str | None:
    """The shift named by an entity (a button's payload) or written in the message."""
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") == "plantao_ref" and entity.get("value"):
            found = shift_ref(str(entity["value"]))
            if found:
                return found
    return shift_ref(_text(tracker))


def _staff(session: Session, who: Caller) -> Staff | None:
    """The roster member behind the message, or None; the roster alone decides."""
    if not db.is_staff(session, who.channel, who.user_id):
        return None
    return Staff(staff_person(session, who.channel, who.user_id, who.name), who.channel)


def _refuse(dispatcher: CollectingDispatcher, action: str) -> list[EventType]:
    logger.info("staff action refused: not in the roster action=%s", action)
    dispatcher.utter_message(text=REFUSAL, buttons=[MY_SHIFTS])
    return []


def _local(moment: datetime) -> str:
    return format_moment(moment.astimezone(runtime.settings().tariff.calendar.timezone))


class ActionPrepareShifts(Action):
    """Runs before every listing or cancellation request, whoever asks (a custom slot mapping):
    advances the shifts' states with time and outboxes due reminders, so that the customer's
    actions read them up to date too, then fills `equipe` from the roster for the rules that
    tell the staff's operation from the customer's. The staff actions check the roster again."""

    def name(self) -> str:
        return "action_prepare_shifts"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        who = caller(tracker)
        try:
            with db.unit_of_work(runtime.sessions()) as session:
                refresh(session, runtime.now(), runtime.settings().tariff)
                staff = db.is_staff(session, who.channel, who.user_id)
        except SQLAlchemyError as exc:
            # The action the policy picks next meets the same failure and apologises.
            logger.error("shifts not prepared error=%s", type(exc).__name__)
            return []
        return [SlotSet("equipe", staff)]


@dataclass(frozen=True)
class Turn:
    """The message a roster member sent, and when the action server read it."""

    tracker: Tracker
    staff: Staff
    now: datetime


class StaffAction(Action, ABC):
    """Roster check, then the lazy state advance and reminders, then the operation."""

    operation: str

    def name(self) -> str:
        return f"action_staff_{self.operation}_plantao"

    @apologize_on_database_error(lambda: [])
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        now = runtime.now()
        with db.unit_of_work(runtime.sessions()) as session:
            staff = _staff(session, caller(tracker))
            if staff is None:
                return _refuse(dispatcher, self.name())
            refresh(session, now, runtime.settings().tariff)
        logger.info("staff action=%s person=%s", self.name(), staff.person.id)
        try:
            self.act(dispatcher, Turn(tracker, staff, now))
        except NOT_DONE as exc:
            dispatcher.utter_message(text=f"{exc} Nada foi alterado.")
        return []

    @abstractmethod
    def act(self, dispatcher: CollectingDispatcher, turn: Turn) -> None:
        """The operation itself; raising one of NOT_DONE leaves everything as it was."""


class ShiftAction(StaffAction):
    """A staff operation on one shift, named by its reference."""

    def act(self, dispatcher: CollectingDispatcher, turn: Turn) -> None:
        ref = _ref(turn.tracker)
        if ref is None:
            dispatcher.utter_message(
                text=f"Qual plantão? Diga a referência, por exemplo: {EXAMPLE[self.operation]}."
            )
            return
        self.act_on(dispatcher, turn, ref)

    @abstractmethod
    def act_on(self, dispatcher: CollectingDispatcher, turn: Turn, ref: str) -> None:
        """The operation on the shift `ref`."""


class ActionStaffListPlantoes(StaffAction):
    """The shifts of a day (today unless the message names one), or those awaiting
    confirmation, each with the customer's contact and the amount the engine gives now."""

    operation = "list"

    def name(self) -> str:
        return "action_staff_list_plantoes"

    def act(self, dispatcher: CollectingDispatcher, turn: Turn) -> None:
        text, now = _text(turn.tracker), turn.now
        with db.unit_of_work(runtime.sessions()) as session:
            if asks_pending(text):
                title = "Plantões aguardando confirmação"
                shifts = db.list_plantoes(session, states=("requested",))
            else:
                day = parse_day(text, now) or now.date()
                title = f"Plantões de {WEEKDAY_NAMES[day.weekday()]}, {day:%d/%m/%Y}"
                start, end = _day_bounds(day)
                shifts = db.list_plantoes(session, day_start_utc=start, day_end_utc=end)
            table = db.load_price_table(session)
            lines = [_staff_line(session, p, now, table) for p in shifts]
        if not lines:
            dispatcher.utter_message(text=f"{title}: nenhum.")
            return
        dispatcher.utter_message(text="\n".join([f"{title}:", *lines]))


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = runtime.settings().tariff.calendar.timezone
    start = datetime.combine(day, time(), tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)


def _staff_line(session: Session, plantao: Plantao, now: datetime, table: PriceTable) -> str:
    person = session.get(Person, plantao.person_id)
    who = (person.name if person else "") or "sem nome"
    if person is not None and person.role == "consultant":
        who += f" (consultor(a) da unidade {person.unit})"
    reason = plantao.reason
    if len(reason) > MAX_REASON_SHOWN:
        reason = reason[: MAX_REASON_SHOWN - 1].rstrip() + "…"
    line = f"• {describe(plantao)} Cliente: {who}, tel. {plantao.contact_phone}. Motivo: {reason}."
    if plantao.specialist_name:
        line += f" Especialista: {plantao.specialist_name}."
    if plantao.state == "in_progress":
        quote = current_quote(plantao, now, table, runtime.settings().tariff)
        if quote.amount is not None:
            line += f" Se encerrado agora: {format_brl(quote.amount)}."
    return line


class ActionStaffConfirmPlantao(ShiftAction):
    """Allocate the named specialist to a requested shift."""

    operation = "confirm"

    def act_on(self, dispatcher: CollectingDispatcher, turn: Turn, ref: str) -> None:
        name = specialist_name(_text(turn.tracker))
        if name is None:
            dispatcher.utter_message(
                text=f"Para confirmar o plantão {ref}, diga também o nome do especialista, por "
                f"exemplo: {EXAMPLE['confirm'].replace('P-0042', ref)}. Nada foi alterado."
            )
            return
        with db.unit_of_work(runtime.sessions()) as session:
            done = confirm_shift(
                session,
                db.parse_ref(ref),
                staff=turn.staff,
                specialist=name,
                now=turn.now,
                rules=runtime.settings().tariff,
            )
        dispatcher.utter_message(
            text=f"Plantão {ref} confirmado com {name}.\n{describe(done.plantao)}\n\n"
            f"Se for cumprido inteiro:\n{quote_message(done.quote)}"
        )


class ActionStaffEndPlantao(ShiftAction):
    """End a confirmed or running shift now or at the time given, billed per SPEC §3.3."""

    operation = "end"

    def act_on(self, dispatcher: CollectingDispatcher, turn: Turn, ref: str) -> None:
        rules = runtime.settings().tariff
        with db.unit_of_work(runtime.sessions()) as session:
            plantao = session.get(Plantao, db.parse_ref(ref))
            if plantao is None:
                raise PlantaoNotFound(db.parse_ref(ref))
            at = _end_moment(turn.tracker, plantao, turn.now)
            if at is None:
                dispatcher.utter_message(
                    text=f"Quando o plantão {ref} termina? Diga, por exemplo: "
                    f"{EXAMPLE['end'].replace('P-0042', ref)}. Nada foi alterado."
                )
                return
            done = end_shift(
                session, plantao.id, staff=turn.staff, at=at, now=turn.now, rules=rules
            )
        dispatcher.utter_message(
            text=f"Plantão {ref} encerrado em {_local(at)}.\n\nValor devido:\n"
            f"{quote_message(done.quote)}"
        )


def _end_moment(tracker: Tracker, plantao: Plantao, now: datetime) -> datetime | None:
    """The end written in the message ("agora", "às 10h", "domingo 1h"), or in its
    `encerramento` entity, read against the shift's window."""
    tz = runtime.settings().tariff.calendar.timezone
    window = Window(plantao.start_at.astimezone(tz), plantao.end_at.astimezone(tz))
    found = parse_end_time(with_plain_refs(_text(tracker)), window, now, tz=tz)
    if found is not None:
        return found
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") == "encerramento" and entity.get("value"):
            return parse_end_time(str(entity["value"]), window, now, tz=tz)
    return None


class ActionStaffCancelPlantao(ShiftAction):
    """Cancel a shift that has not started; what is due follows SPEC §3.3 item 4."""

    operation = "cancel"

    def act_on(self, dispatcher: CollectingDispatcher, turn: Turn, ref: str) -> None:
        with db.unit_of_work(runtime.sessions()) as session:
            done = cancel_shift(
                session,
                db.parse_ref(ref),
                staff=turn.staff,
                now=turn.now,
                rules=runtime.settings().tariff,
            )
        amount = done.quote.amount
        due = "sem custo" if not amount else f"valor devido {format_brl(amount)}"
        dispatcher.utter_message(
            text=f"Plantão {ref} cancelado pela equipe ({due}).\n\n" + "\n".join(done.quote.lines)
        )


class ActionPlantaoAmount(Action):
    """What a shift costs: any shift for staff, one's own for anyone else."""

    def name(self) -> str:
        return "action_plantao_amount"

    @apologize_on_database_error(lambda: [])
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        ref = _ref(tracker)
        if ref is None:
            dispatcher.utter_message(
                text=f"De qual plantão? Diga a referência, por exemplo: {EXAMPLE['amount']}."
            )
            return []
        now, rules = runtime.now(), runtime.settings().tariff
        who = caller(tracker)
        with db.unit_of_work(runtime.sessions()) as session:
            staff = _staff(session, who)
            refresh(session, now, rules)
            plantao = _visible(session, db.parse_ref(ref), who, staff)
            if plantao is None:
                mine = "" if staff else " entre os seus"
                dispatcher.utter_message(text=f"Não encontrei o plantão {ref}{mine}.")
                return []
            table = db.load_price_table(session)
            text = _amount_text(plantao, now, table)
        if staff is not None:
            logger.info("staff action=%s person=%s", self.name(), staff.person.id)
        dispatcher.utter_message(text=text)
        return []


def _visible(session: Session, plantao_id: int, who: Caller, staff: Staff | None) -> Plantao | None:
    if staff is not None:
        return session.get(Plantao, plantao_id)
    person = find_person(session, who)
    return None if person is None else db.get_plantao_for_person(session, plantao_id, person.id)


def _amount_text(plantao: Plantao, now: datetime, table: PriceTable) -> str:
    """The amount as things stand, and the alternative the staff or customer may weigh."""
    rules = runtime.settings().tariff
    quote = current_quote(plantao, now, table, rules)
    head = describe(plantao)
    if plantao.state in ("requested", "confirmed"):
        cancel = shift_quote(plantao, table, rules, now)
        cancel_now = (
            f"\n\nSe for cancelado agora: {format_brl(cancel.amount)}."
            if cancel.amount is not None and now < plantao.start_at
            else ""
        )
        return f"{head}\n\nSe for cumprido inteiro:\n{quote_message(quote)}{cancel_now}"
    if plantao.state == "in_progress" and now < plantao.end_at:
        full = shift_quote(plantao, table, rules)
        until_end = (
            "" if full.amount is None else f"\n\nSe for até o fim: {format_brl(full.amount)}."
        )
        return f"{head}\n\nSe for encerrado agora:\n{quote_message(quote)}{until_end}"
    return f"{head}\n\nValor devido:\n{quote_message(quote)}"

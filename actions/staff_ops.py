"""Staff operations by message (SPEC §4, §6): list plantões, confirm, end, cancel, see the amount.

Staff are recognised by the roster, keyed on the channel user id, never by what they type: a
customer who types a staff phrase or forges its payload is refused and nothing changes. Every
read or action on plantões first advances their states with time and outboxes the reminders of
plantões about to start; every change lands in the plantão's event history with who, when, the
channel and the amount then due.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import partial
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from actions import tracker as said
from actions.failures import GuardedAction, apologize_on_database_error
from actions.messages import plantoes as plantao_say
from actions.messages import staff as say
from actions.my_plantoes import amount_shown, ask_at_amount, customer
from actions.pending import Question, answered, ask, open_question, pressed
from actions.tracker import Caller
from consultoria import db, runtime
from consultoria.db import Plantao
from consultoria.presentation import describe
from consultoria.services import people, plantoes
from consultoria.services.actors import Staff
from consultoria.services.plantoes import (
    AmountChanged,
    CancelReason,
    PlantaoError,
    PlantaoNotFound,
)
from consultoria.tariff import Quote, TariffError
from consultoria.textparse import Window, parse_day, parse_staff_end_time
from consultoria.textparse.cancel_reason import parse_cancel_reason
from consultoria.textparse.staff import asks_pending, plantao_ref, specialist_name, with_plain_refs

logger = logging.getLogger(__name__)
# The `pendente` values of the staff's questions.
END_QUESTION = "confirmar_encerramento"
REASON_QUESTION = "motivo_cancelamento"
STAFF_CANCEL_QUESTION = "confirmar_cancelamento_equipe"


def _ref(tracker: Tracker) -> str | None:
    """The plantão named by an entity (a button's payload) or written in the message."""
    for value in said.entities(tracker, "plantao_ref"):
        found = plantao_ref(value)
        if found:
            return found
    return plantao_ref(said.text(tracker))


def _staff(session: Session, who: Caller) -> Staff | None:
    """The roster member behind the message, or None; the roster alone decides."""
    return people.staff_actor(session, who.channel, who.user_id, who.name)


def _refuse(dispatcher: CollectingDispatcher, action: str) -> list[EventType]:
    logger.info("staff action refused: not in the roster action=%s", action)
    dispatcher.utter_message(text=say.REFUSAL, buttons=[say.MY_PLANTOES_BUTTON])
    return []


class ActionPreparePlantoes(Action):
    """Runs before every listing or cancellation request, whoever asks (a custom slot mapping):
    advances the plantões' states with time and outboxes due reminders, so that the customer's
    actions read them up to date too, then fills `equipe` from the roster for the rules that
    tell the staff's operation from the customer's. The staff actions check the roster again."""

    def name(self) -> str:
        return "action_prepare_plantoes"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        who = said.caller(tracker)
        try:
            ctx = runtime.context()
            with db.unit_of_work(ctx.sessions) as session:
                plantoes.refresh(session, ctx.now, ctx.settings.tariff)
                staff = people.is_staff(session, who.channel, who.user_id)
        except SQLAlchemyError as exc:
            # The action the policy picks next meets the same failure and apologises.
            logger.error("plantões not prepared error=%s", type(exc).__name__)
            return []
        return [SlotSet("equipe", staff)]


@dataclass(frozen=True)
class Turn:
    """The message a roster member sent, and the context the action server read it in."""

    tracker: Tracker
    staff: Staff
    ctx: runtime.Context

    @property
    def zone(self) -> tzinfo:
        return self.ctx.settings.tariff.calendar.timezone


class StaffAction(Action, ABC):
    """Roster check, then the lazy state advance and reminders, then the operation."""

    operation: str

    def name(self) -> str:
        return f"action_staff_{self.operation}_plantao"

    @apologize_on_database_error(lambda: [])
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        ctx = runtime.context()
        with db.unit_of_work(ctx.sessions) as session:
            staff = _staff(session, said.caller(tracker))
            if staff is None:
                return _refuse(dispatcher, self.name())
            plantoes.refresh(session, ctx.now, ctx.settings.tariff)
        logger.info("staff action=%s person=%s", self.name(), staff.person_id)
        turn = Turn(tracker, staff, ctx)
        try:
            return self.act(dispatcher, turn)
        except PlantaoError as exc:
            dispatcher.utter_message(text=say.refusal(exc, turn.zone))
        except TariffError as exc:
            dispatcher.utter_message(text=say.not_done(str(exc)))
        # A confirmation refused closes its question: the plantão is not as it was asked about.
        return [SlotSet("pendente", None)] if self.answers_question else []

    answers_question: ClassVar[bool] = False

    @abstractmethod
    def act(self, dispatcher: CollectingDispatcher, turn: Turn) -> list[EventType]:
        """The operation itself; a PlantaoError or TariffError leaves everything as it was."""


class PlantaoAction(StaffAction):
    """A staff operation on one plantão, named by its reference."""

    def act(self, dispatcher: CollectingDispatcher, turn: Turn) -> list[EventType]:
        ref = _ref(turn.tracker)
        if ref is None:
            dispatcher.utter_message(text=say.which_plantao(self.operation))
            return []
        return self.act_on(dispatcher, turn, ref)

    @abstractmethod
    def act_on(self, dispatcher: CollectingDispatcher, turn: Turn, ref: str) -> list[EventType]:
        """The operation on the plantão `ref`."""


class ActionStaffListPlantoes(StaffAction):
    """The plantões of a day (today unless the message names one), or those awaiting
    confirmation, each with the customer's contact and the amount the engine gives now."""

    operation = "list"

    def name(self) -> str:
        return "action_staff_list_plantoes"

    def act(self, dispatcher: CollectingDispatcher, turn: Turn) -> list[EventType]:
        text, ctx = said.text(turn.tracker), turn.ctx
        day = None if asks_pending(text) else parse_day(text, ctx.now) or ctx.now.date()
        with db.unit_of_work(ctx.sessions) as session:
            listed = plantoes.list_for_staff(
                session, turn.staff, day=day, now=ctx.now, rules=ctx.settings.tariff
            )
            lines = [say.listed_line(item, turn.zone) for item in listed]
        title = say.AWAITING_TITLE if day is None else say.day_title(day)
        dispatcher.utter_message(text=say.listing(title, lines))
        return []


class ActionStaffConfirmPlantao(PlantaoAction):
    """Allocate the named specialist to a requested plantão."""

    operation = "confirm"

    def act_on(self, dispatcher: CollectingDispatcher, turn: Turn, ref: str) -> list[EventType]:
        name = specialist_name(said.text(turn.tracker))
        if name is None:
            dispatcher.utter_message(text=say.name_the_specialist(ref))
            return []
        with db.unit_of_work(turn.ctx.sessions) as session:
            done = plantoes.confirm(
                session,
                turn.staff,
                db.parse_ref(ref),
                specialist=name,
                now=turn.ctx.now,
                rules=turn.ctx.settings.tariff,
            )
        description = describe(done.plantao, turn.zone)
        dispatcher.utter_message(text=say.confirmed(ref, name, description, done.quote))
        return []


class ActionStaffEndPlantao(PlantaoAction):
    """An early end of a confirmed or running plantão, now or at the time given (SPEC §3.3):
    the amount it makes due is shown and asked to confirm; nothing changes before that."""

    operation = "end"

    def act_on(self, dispatcher: CollectingDispatcher, turn: Turn, ref: str) -> list[EventType]:
        with db.unit_of_work(turn.ctx.sessions) as session:
            plantao = plantoes.get(session, turn.staff, db.parse_ref(ref))
            at = _end_moment(turn, plantao)
            if at is None:
                dispatcher.utter_message(text=say.when_does_it_end(ref))
                return []
            quote = plantoes.end_preview(
                session, turn.staff, plantao.id, at=at, rules=turn.ctx.settings.tariff
            )
        return _ask_end(dispatcher, turn, ref, at, quote)


def _ask_end(
    dispatcher: CollectingDispatcher, turn: Turn, ref: str, at: datetime, quote: Quote
) -> list[EventType]:
    text = say.confirm_end(ref, at, turn.zone, quote, ahead=at > turn.ctx.now)
    buttons = say.end_buttons(quote)
    return ask_at_amount(dispatcher, END_QUESTION, text, buttons, ref, quote, at=at.isoformat())


class ConfirmAtAmountAction(StaffAction):
    """A roster member's "Sim" to a final change of a plantão: recorded at the amount its
    question showed; a changed amount is shown and asked again, and nothing changes."""

    answers_question = True
    question_kind: ClassVar[str]

    def name(self) -> str:
        return f"action_staff_{self.operation}"

    def act(self, dispatcher: CollectingDispatcher, turn: Turn) -> list[EventType]:
        question = answered(dispatcher, turn.tracker, {self.question_kind})
        if not isinstance(question, Question):
            return question
        ref = _ref_shown(question)
        try:
            with db.unit_of_work(turn.ctx.sessions) as session:
                done = self.change(turn, question)(
                    session,
                    turn.staff,
                    db.parse_ref(ref),
                    rules=turn.ctx.settings.tariff,
                    confirmed=amount_shown(question),
                )
        except AmountChanged as exc:
            dispatcher.utter_message(text=say.amount_changed(ref))
            return self.ask_again(dispatcher, turn, question, exc.quote)
        dispatcher.utter_message(text=self.recorded(turn, question, done.quote))
        return [SlotSet("pendente", None), SlotSet("plantao_ref", None)]

    @abstractmethod
    def change(self, turn: Turn, question: Question) -> Callable[..., plantoes.Done]:
        """The service call of the change as `question` showed it, but for the plantão, the
        rules and the amount it accepts (AmountChanged at another)."""

    @abstractmethod
    def ask_again(
        self, dispatcher: CollectingDispatcher, turn: Turn, question: Question, quote: Quote
    ) -> list[EventType]:
        """The same question, at the amount `quote` makes due now."""

    @abstractmethod
    def recorded(self, turn: Turn, question: Question, quote: Quote) -> str:
        """What is said once the change is recorded at `quote`."""


def _ref_shown(question: Question) -> str:
    return str(question.shown.get("plantao_ref"))


class ActionStaffConfirmEnd(ConfirmAtAmountAction):
    """ "Sim" to an early end: recorded at the moment and amount shown; a moment still ahead is
    scheduled, and the plantão runs until then (SPEC §4)."""

    operation = "confirm_end"
    question_kind = END_QUESTION

    def change(self, turn: Turn, question: Question) -> Callable[..., plantoes.Done]:
        return partial(plantoes.end_early, at=_moment_shown(question), now=turn.ctx.now)

    def ask_again(
        self, dispatcher: CollectingDispatcher, turn: Turn, question: Question, quote: Quote
    ) -> list[EventType]:
        return _ask_end(dispatcher, turn, _ref_shown(question), _moment_shown(question), quote)

    def recorded(self, turn: Turn, question: Question, quote: Quote) -> str:
        at, ref = _moment_shown(question), _ref_shown(question)
        if at > turn.ctx.now:
            return say.end_scheduled(ref, at, turn.zone, quote)
        return say.ended(ref, at, turn.zone, quote)


def _moment_shown(question: Question) -> datetime:
    return datetime.fromisoformat(str(question.shown.get("at")))


def _end_moment(turn: Turn, plantao: Plantao) -> datetime | None:
    """The end written in the message ("agora", "às 10h", "domingo 1h"), or in its
    `encerramento` entity, read against the plantão's window and now: a bare time is its last
    occurrence since the start, not the first day's (SPEC §4)."""
    zone, now = turn.zone, turn.ctx.now
    window = Window(plantao.start_at.astimezone(zone), plantao.end_at.astimezone(zone))
    found = parse_staff_end_time(with_plain_refs(said.text(turn.tracker)), window, now, tz=zone)
    if found is not None:
        return found
    written = said.entity(turn.tracker, "encerramento")
    return None if written is None else parse_staff_end_time(written, window, now, tz=zone)


def _reason(tracker: Tracker) -> CancelReason | None:
    """The reason a button gave, or the message's words (SPEC §4); None when it gives none."""
    for value in [*said.entities(tracker, "motivo"), parse_cancel_reason(said.text(tracker))]:
        if value in CancelReason._value2member_map_:
            return CancelReason(value)
    return None


class ActionStaffCancelPlantao(StaffAction):
    """A cancellation of a plantão that has not started: why (asked with two buttons when the
    message does not say), then the amount it makes due, asked to confirm. The reason question
    is answered by its buttons or in words ("o cliente pediu", "não temos especialista")."""

    operation = "cancel"

    def act(self, dispatcher: CollectingDispatcher, turn: Turn) -> list[EventType]:
        tracker, ctx = turn.tracker, turn.ctx
        answering = _reason_question_answered(dispatcher, tracker)
        if isinstance(answering, list):
            return answering
        ref = _ref(tracker) if answering is None else _ref_shown(answering)
        if ref is None:
            dispatcher.utter_message(text=say.which_plantao(self.operation))
            return []
        reason = _reason(tracker)
        with db.unit_of_work(ctx.sessions) as session:
            quote = plantoes.staff_cancellation_preview(
                session,
                turn.staff,
                db.parse_ref(ref),
                now=ctx.now,
                rules=ctx.settings.tariff,
                reason=reason or CancelReason.CUSTOMER_REQUEST,
            )
        if reason is None:
            if answering is not None:
                dispatcher.utter_message(text=say.REASON_NOT_UNDERSTOOD)
            asked = say.why_cancel(ref)
            return ask(
                dispatcher, REASON_QUESTION, asked, say.reason_buttons(ref), {"plantao_ref": ref}
            )
        return _ask_cancel(dispatcher, ref, reason, quote)


def _reason_question_answered(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> Question | list[EventType] | None:
    """The reason question the message answers: the one its button was shown with (the events
    that close the turn if that one is no longer open), or the open one a typed answer that
    names no plantão answers; None for a new request."""
    if pressed(tracker) is not None:
        return answered(dispatcher, tracker, {REASON_QUESTION})
    if _ref(tracker) is not None:
        return None
    question = open_question(tracker)
    return question if question is not None and question.kind == REASON_QUESTION else None


def _ask_cancel(
    dispatcher: CollectingDispatcher, ref: str, reason: CancelReason, quote: Quote
) -> list[EventType]:
    text, buttons = say.confirm_cancel(ref, reason, quote), say.cancel_buttons(quote)
    return ask_at_amount(
        dispatcher, STAFF_CANCEL_QUESTION, text, buttons, ref, quote, motivo=reason.value
    )


class ActionStaffConfirmCancel(ConfirmAtAmountAction):
    """ "Sim" to a staff cancellation: recorded with its reason at the amount shown (a changed
    one means the free deadline passed)."""

    operation = "confirm_cancel"
    question_kind = STAFF_CANCEL_QUESTION

    def change(self, turn: Turn, question: Question) -> Callable[..., plantoes.Done]:
        return partial(plantoes.cancel_by_staff, now=turn.ctx.now, reason=_reason_shown(question))

    def ask_again(
        self, dispatcher: CollectingDispatcher, turn: Turn, question: Question, quote: Quote
    ) -> list[EventType]:
        return _ask_cancel(dispatcher, _ref_shown(question), _reason_shown(question), quote)

    def recorded(self, turn: Turn, question: Question, quote: Quote) -> str:
        return say.cancelled_for(_ref_shown(question), _reason_shown(question), quote)


def _reason_shown(question: Question) -> CancelReason:
    return CancelReason(str(question.shown.get("motivo")))


class ActionPlantaoAmount(GuardedAction):
    """What a plantão costs: any plantão for staff, one's own for anyone else."""

    action_name = "action_plantao_amount"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        ref = _ref(tracker)
        if ref is None:
            dispatcher.utter_message(text=plantao_say.which_amount(say.EXAMPLE["amount"]))
            return []
        ctx, who = runtime.context(), said.caller(tracker)
        rules, plantao_id = ctx.settings.tariff, db.parse_ref(ref)
        with db.unit_of_work(ctx.sessions) as session:
            staff = _staff(session, who)
            plantoes.refresh(session, ctx.now, rules)
            actor = staff or customer(session, who)
            try:
                if actor is None:
                    raise PlantaoNotFound(plantao_id)
                found = plantoes.amounts(session, actor, plantao_id, now=ctx.now, rules=rules)
            except PlantaoNotFound:
                missing = plantao_say.not_found(ref) if staff else plantao_say.not_yours(ref)
                dispatcher.utter_message(text=missing)
                return []
        if staff is not None:
            logger.info("staff action=%s person=%s", self.name(), staff.person_id)
        description = describe(found.plantao, rules.calendar.timezone)
        dispatcher.utter_message(text=plantao_say.amounts(description, found))
        return []

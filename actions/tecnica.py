"""Consultoria Técnica by appointment (SPEC §5, issue #14): the form (subject, system, preferred
day and period or time in business hours, an optional estimated duration, contact phone), the
summary with the engine's quote of the estimate, the Técnica Term with bound buttons, and the
request recorded with its acceptance in one transaction; the customer's cancellation; staff
confirming a slot by message.

What the summary showed rides on the Term question (`shown`), so "Aceito" requests exactly the
appointment it was shown with; services/appointments.py records it and tells the staff chat.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions import tracker as said
from actions.booking import ValidateBookingForm, identity_questions, read_phone
from actions.calendar import send_appointment_calendar
from actions.failures import GuardedAction
from actions.forms import GAVE_UP, AnswerForm, Turn
from actions.identity import acting_customer, find_person
from actions.messages import staff as say_staff
from actions.messages import tecnica as say
from actions.messages.figures import template_slots
from actions.pending import AnswerAction, Question, clear_pending
from actions.terms import TECNICA_TERM_QUESTION, ask_acceptance, current_term
from consultoria import db, runtime
from consultoria.db import Person, parse_appointment_ref
from consultoria.ics import Method
from consultoria.presentation import describe_appointment
from consultoria.services import appointments, people
from consultoria.services.actors import Customer, Staff
from consultoria.services.appointments import AppointmentError, Preference, TermAccepted
from consultoria.services.terms import record_answer, shown_version
from consultoria.tariff import Modality, Quote
from consultoria.tariff.business_hours import business_hours_of
from consultoria.tariff.calendar import WorkCalendar
from consultoria.textparse import parse_duration_minutes
from consultoria.textparse.tecnica import (
    appointment_ref,
    declines_to_estimate,
    parse_period,
    parse_preferred_day,
    parse_slot,
    parse_time_of_day,
)

logger = logging.getLogger(__name__)

START_INTENT = "schedule_tecnica"
FORM_SLOTS = (
    "tecnica_assunto",
    "tecnica_sistema",
    "tecnica_dia",
    "tecnica_horario",
    "tecnica_duracao",
    "tecnica_telefone",
)
STATE_SLOTS = ("tecnica_falhas", "tecnica_parada", "tecnica_token")
TERM_SLOTS = ("termo_versao", "termo_hash", "pendente")
# Answers in the person's own words: whatever intent they resemble, they answer the question.
FREE_TEXT_SLOTS = frozenset({"unidade", "tecnica_assunto", "tecnica_sistema"})
SUBJECT_LENGTH = (3, 500)
SYSTEM_LENGTH = (2, 120)
# The duração slot of someone who does not know how long it takes ("não sei").
NO_ESTIMATE = 0.0
# "De manhã" runs from the opening to noon; "à tarde", from noon to the closing.
NOON = time(12)


def reset_tecnica() -> list[EventType]:
    """Forget the appointment being gathered, so the next request starts clean."""
    return [SlotSet(slot, None) for slot in (*FORM_SLOTS, *STATE_SLOTS)]


def _starting(tracker: Tracker) -> bool:
    if tracker.get_slot("requested_slot") in FREE_TEXT_SLOTS:
        return False
    return said.intent(tracker) == START_INTENT


def _hours(ctx: runtime.Context) -> str:
    return template_slots(ctx.settings, ctx.prices, ctx.now.date())["cfg_horario_comercial"]


def _day_problem(ctx: runtime.Context, day: date) -> str | None:
    """Why the customer cannot have the appointment on `day`; None when they can."""
    if day < ctx.now.date():
        return say.DAY_PASSED
    calendar = ctx.settings.tariff.calendar
    if business_hours_of(calendar, day) is None:
        return say.day_closed(day, WorkCalendar(calendar).holiday_name(day), _hours(ctx))
    return None


def _when_problem(
    ctx: runtime.Context, day: date, period: str | None, at: time | None
) -> str | None:
    """Why a period or time of `day` cannot be had: outside business hours, or already past."""
    hours = business_hours_of(ctx.settings.tariff.calendar, day)
    if hours is None:
        return _day_problem(ctx, day)
    opens, closes = hours
    zone = opens.tzinfo
    if at is not None:
        moment = datetime.combine(day, at, tzinfo=zone)
        if not opens <= moment < closes:
            return say.outside_hours(_hours(ctx))
        return say.TIME_PASSED if moment <= ctx.now else None
    ends = datetime.combine(day, NOON, tzinfo=zone) if period == "manha" else closes
    return say.TIME_PASSED if ends <= ctx.now else None


def _when_slots(text: str) -> dict[str, Any]:
    """The period or time a message gives: a time wins over a period ("às 2 da tarde")."""
    at = parse_time_of_day(text)
    if at is not None:
        return {"tecnica_horario": f"{at:%H:%M}"}
    period = parse_period(text)
    return {} if period is None else {"tecnica_horario": period}


def _preference(slots: Mapping[str, Any]) -> Preference | None:
    day, when = slots.get("tecnica_dia"), slots.get("tecnica_horario")
    if not day or not when:
        return None
    if when in say.PERIODS:
        return Preference(date.fromisoformat(day), when, None)
    return Preference(date.fromisoformat(day), None, time.fromisoformat(when))


class ValidateTecnicaForm(AnswerForm):
    """Reads each answer with the pt-BR parsers and checks it at once, with a clear message."""

    failures_slot = "tecnica_falhas"
    stopped_slot = "tecnica_parada"
    read_perfil = ValidateBookingForm.read_perfil
    read_unidade = ValidateBookingForm.read_unidade

    def name(self) -> str:
        return "validate_tecnica_form"

    def max_failures(self, ctx: runtime.Context) -> int:
        return ctx.settings.booking_max_failed_attempts

    def questions(self, turn: Turn) -> list[str]:
        """Who the person is, asked once; then the appointment itself."""
        return [*identity_questions(turn), *FORM_SLOTS]

    def restart(self, turn: Turn) -> list[EventType]:
        if not _starting(turn.tracker):
            return []
        # A new request forgets an unfinished one, and gets the key that makes it idempotent.
        return [*reset_tecnica(), SlotSet("tecnica_token", uuid.uuid4().hex)]

    def read_tecnica_assunto(self, turn: Turn) -> dict[str, Any]:
        again = say.subject_again(*SUBJECT_LENGTH)
        return self.read_text_within(turn, "tecnica_assunto", SUBJECT_LENGTH, again)

    def read_tecnica_sistema(self, turn: Turn) -> dict[str, Any]:
        again = say.system_again(*SYSTEM_LENGTH)
        return self.read_text_within(turn, "tecnica_sistema", SYSTEM_LENGTH, again)

    def read_tecnica_dia(self, turn: Turn) -> dict[str, Any]:
        """The day, and the period or time when the same message gives them."""
        tracker, ctx = turn.tracker, turn.ctx
        starting = _starting(tracker)
        text = said.text(tracker) if starting else self.answer(tracker, "tecnica_dia")
        if not text:
            return {}
        day = parse_preferred_day(text, ctx.now)
        if day is None:
            return {} if starting else self.repair(turn, say.DAY_AGAIN)
        problem = _day_problem(ctx, day)
        if problem is not None:
            return self.repair(turn, problem)
        found: dict[str, Any] = {"tecnica_dia": day.isoformat()}
        when = _when_slots(text)
        return {**found, **self._checked_when(turn, day, when)} if when else found

    def read_tecnica_horario(self, turn: Turn) -> dict[str, Any]:
        text = self.answer(turn.tracker, "tecnica_horario")
        day = turn.tracker.get_slot("tecnica_dia")
        if text is None or not day:
            return {}
        when = _when_slots(text)
        if not when:
            return self.repair(turn, say.WHEN_AGAIN)
        return self._checked_when(turn, date.fromisoformat(day), when)

    def _checked_when(self, turn: Turn, day: date, when: dict[str, str]) -> dict[str, Any]:
        """The period or time when it fits `day`; otherwise the person hears why."""
        value = when["tecnica_horario"]
        period, at = (value, None) if value in say.PERIODS else (None, time.fromisoformat(value))
        problem = _when_problem(turn.ctx, day, period, at)
        return when if problem is None else self.repair(turn, problem)

    def read_tecnica_duracao(self, turn: Turn) -> dict[str, Any]:
        text = self.answer(turn.tracker, "tecnica_duracao")
        if text is None:
            return {}
        if declines_to_estimate(text):
            return {"tecnica_duracao": NO_ESTIMATE}
        minutes = parse_duration_minutes(text)
        longest = _business_day_minutes(turn.ctx)
        if minutes is None or not 1 <= minutes <= longest:
            return self.repair(turn, say.duration_again(longest))
        return {"tecnica_duracao": float(minutes)}

    def read_tecnica_telefone(self, turn: Turn) -> dict[str, Any]:
        text = self.answer(turn.tracker, "tecnica_telefone")
        if text is None:
            return {}
        phone = read_phone(text)
        if phone is None:
            return self.repair(turn, say.PHONE_AGAIN)
        return {"tecnica_telefone": phone}


def _business_day_minutes(ctx: runtime.Context) -> int:
    """The longest appointment: one whole business day."""
    calendar = ctx.settings.tariff.calendar
    start, end = calendar.business_start, calendar.business_end
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


# --- the summary, the Term and the request ----------------------------------------------------


@dataclass(frozen=True)
class Gathered:
    """The appointment the form gathered, as the Term question carries it."""

    subject: str
    system: str
    preference: Preference
    minutes: int | None
    phone: str
    token: str

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any]) -> Gathered | None:
        preference = _preference(slots)
        if preference is None or not slots.get("tecnica_telefone"):
            return None
        minutes = int(slots.get("tecnica_duracao") or NO_ESTIMATE) or None
        return cls(
            subject=str(slots["tecnica_assunto"]),
            system=str(slots["tecnica_sistema"]),
            preference=preference,
            minutes=minutes,
            phone=str(slots["tecnica_telefone"]),
            token=str(slots.get("tecnica_token") or uuid.uuid4().hex),
        )

    def shown(self) -> dict[str, Any]:
        """What the Term question carries: the slots as the form left them."""
        preference = self.preference
        at = None if preference.at is None else f"{preference.at:%H:%M}"
        return {
            "modalidade": Modality.TECNICA.value,
            "tecnica_assunto": self.subject,
            "tecnica_sistema": self.system,
            "tecnica_dia": preference.day.isoformat(),
            "tecnica_horario": preference.period or at,
            "tecnica_duracao": float(self.minutes or NO_ESTIMATE),
            "tecnica_telefone": self.phone,
            "tecnica_token": self.token,
        }

    def when(self) -> str:
        at = self.preference.at
        clock = None if at is None else f"{at:%H:%M}"
        return say.preferred(self.preference.day, self.preference.period, clock)

    def request(self) -> appointments.AppointmentRequest:
        return appointments.AppointmentRequest(
            self.subject, self.system, self.preference, self.minutes, self.phone
        )


def _quote(
    ctx: runtime.Context, session: Session, person: Person | None, gathered: Gathered
) -> Quote | None:
    """The engine's quote of the estimate; none without one."""
    if gathered.minutes is None:
        return None
    consultant = person is not None and person.role == "consultant"
    prices = db.load_price_table(session)  # the same transaction: no second connection
    return appointments.estimate_quote(
        gathered.minutes,
        gathered.preference.day,
        prices,
        ctx.settings.tariff,
        consultant=consultant,
    )


class ActionTecnicaSummary(GuardedAction):
    """After the form: what will be requested, the quote of the estimate, then the Term."""

    action_name = "action_tecnica_summary"

    def reset(self) -> list[EventType]:
        return reset_tecnica()

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        stopped = tracker.get_slot("tecnica_parada")
        if stopped == GAVE_UP:
            dispatcher.utter_message(text=say.GAVE_UP, buttons=say.GAVE_UP_BUTTONS)
        gathered = None if stopped else Gathered.from_slots(tracker.slots)
        if gathered is None:
            return [*reset_tecnica(), SlotSet("pendente", None)]
        ctx = runtime.context()
        with db.unit_of_work(ctx.sessions) as session:
            person = find_person(session, said.caller(tracker))
            version, text = current_term(session, ctx, Modality.TECNICA)
            unit = person.unit if person is not None and person.role == "consultant" else None
            quote = _quote(ctx, session, person, gathered)
        dispatcher.utter_message(
            text=say.summary(
                gathered.subject, gathered.system, gathered.when(), gathered.phone, quote, unit
            )
        )
        asked = ask_acceptance(dispatcher, version, text, TECNICA_TERM_QUESTION, gathered.shown())
        return [*reset_tecnica(), *asked]


def _request_key(who: said.Caller, gathered: Gathered) -> str:
    """The same "Aceito" delivered twice yields the same key, so it requests once."""
    parts = (who.channel, who.user_id, gathered.token, gathered.preference.day.isoformat())
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def _clear_term() -> list[EventType]:
    return [SlotSet(slot, None) for slot in TERM_SLOTS]


class ActionAcceptTecnicaTerm(AnswerAction):
    """ "Aceito": the appointment requested with this acceptance, the staff chat told."""

    action_name = "action_accept_tecnica_term"
    answers = frozenset({TECNICA_TERM_QUESTION})

    def reset(self) -> list[EventType]:
        return _clear_term()

    def act_on(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, question: Question
    ) -> list[EventType]:
        ctx, who = runtime.context(), said.caller(tracker)
        gathered = Gathered.from_slots(question.shown)
        if gathered is None:
            return clear_pending(dispatcher)
        preference = gathered.preference
        problem = _day_problem(ctx, preference.day) or _when_problem(
            ctx, preference.day, preference.period, preference.at
        )
        if problem is not None:
            # Time moved on since the summary: the preference is no longer possible.
            dispatcher.utter_message(text=problem)
            return _clear_term()
        with db.unit_of_work(ctx.sessions) as session:
            version, text = current_term(session, ctx, Modality.TECNICA)
            if float(version.id) != tracker.get_slot("termo_versao"):
                dispatcher.utter_message(text=say.TERM_UPDATED)
                return ask_acceptance(dispatcher, version, text, question.kind, question.shown)
            accepted = TermAccepted(version, str(tracker.get_slot("termo_hash")), who.message_id)
            found, created = appointments.request(
                session,
                acting_customer(session, who),
                gathered.request(),
                accepted,
                request_key=_request_key(who, gathered),
                prices=db.load_price_table(session),
                rules=ctx.settings.tariff,
            )
            ref = found.ref
        told = say.requested(ref, gathered.when()) if created else say.already_requested(ref)
        dispatcher.utter_message(text=told)
        return _clear_term()


class ActionRefuseTecnicaTerm(AnswerAction):
    """ "Não aceito": the refusal recorded, nothing requested."""

    action_name = "action_refuse_tecnica_term"
    answers = frozenset({TECNICA_TERM_QUESTION})

    def reset(self) -> list[EventType]:
        return _clear_term()

    def act_on(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, question: Question
    ) -> list[EventType]:
        ctx, who = runtime.context(), said.caller(tracker)
        with db.unit_of_work(ctx.sessions) as session:
            version = shown_version(session, int(tracker.get_slot("termo_versao") or 0))
            if version is not None:
                record_answer(
                    session,
                    acting_customer(session, who),
                    term=version,
                    accepted=False,
                    shown_sha256=str(tracker.get_slot("termo_hash")),
                    price_version_id=None,
                    quote=None,
                    message_id=who.message_id,
                )
        dispatcher.utter_message(text=say.REFUSED)
        return _clear_term()


# --- the customer's cancellation --------------------------------------------------------------


def _to_cancel(
    session: Session, customer: Customer, tracker: Tracker, now: datetime
) -> int | list[str]:
    """The appointment the message names, or the only one open; otherwise the open ones'
    lines to choose from (none: nothing to cancel)."""
    ref = appointment_ref(said.text(tracker))
    if ref is not None:
        return parse_appointment_ref(ref)
    zone = runtime.settings().tariff.calendar.timezone
    found = appointments.open_for_customer(session, customer, now)
    if len(found) == 1:
        return found[0].id
    return [describe_appointment(appointment, zone) for appointment in found]


class ActionCancelTecnica(GuardedAction):
    """The customer cancels their own appointment while it awaits confirmation or before its
    confirmed slot: free; the staff chat is told, and a confirmed one leaves their calendar."""

    action_name = "action_cancel_tecnica"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        ctx, who = runtime.context(), said.caller(tracker)
        zone = ctx.settings.tariff.calendar.timezone
        with db.unit_of_work(ctx.sessions) as session:
            person = find_person(session, who)
            customer = None if person is None else Customer(person, who.channel)
            chosen = [] if customer is None else _to_cancel(session, customer, tracker, ctx.now)
            if isinstance(chosen, list) or customer is None:
                listed = chosen if isinstance(chosen, list) else []
                dispatcher.utter_message(
                    text=say.which_to_cancel(listed) if listed else say.NO_OPEN
                )
                return []
            try:
                had_slot = appointments.get(session, customer, chosen).slot_start_at is not None
                done = appointments.cancel_by_customer(session, customer, chosen, now=ctx.now)
            except AppointmentError as exc:
                dispatcher.utter_message(text=say.refusal(exc, zone))
                return []
        dispatcher.utter_message(text=say.cancelled(done.ref, had_slot))
        if had_slot:
            send_appointment_calendar(dispatcher, ctx, done, Method.CANCEL)
        return []


# --- staff ------------------------------------------------------------------------------------


class TecnicaStaffAction(GuardedAction, ABC):
    """A staff operation on appointments: the roster alone decides who may run it, never what
    the message says; anyone else is refused and nothing changes."""

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        ctx, who = runtime.context(), said.caller(tracker)
        with db.unit_of_work(ctx.sessions) as session:
            staff = people.staff_actor(session, who.channel, who.user_id, who.name)
        if staff is None:
            logger.info("staff action refused: not in the roster action=%s", self.name())
            dispatcher.utter_message(text=say_staff.REFUSAL, buttons=[say_staff.MY_PLANTOES_BUTTON])
            return []
        logger.info("staff action=%s person=%s", self.name(), staff.person_id)
        self.act_as(dispatcher, tracker, ctx, staff)
        return []

    @abstractmethod
    def act_as(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, ctx: runtime.Context, staff: Staff
    ) -> None:
        """The operation, run by the roster member `staff`."""


class ActionStaffConfirmTecnica(TecnicaStaffAction):
    """ "confirmar T-0002 dia 15/03 às 14h": the slot, in business hours and ahead, confirmed;
    the customer is told through the outbox, with the calendar file."""

    action_name = "action_staff_confirm_tecnica"

    def act_as(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, ctx: runtime.Context, staff: Staff
    ) -> None:
        text, zone = said.text(tracker), ctx.settings.tariff.calendar.timezone
        ref = appointment_ref(text)
        if ref is None:
            dispatcher.utter_message(text=say.which_appointment())
            return
        start = parse_slot(text, ctx.now, tz=zone)
        if start is None:
            dispatcher.utter_message(text=say.say_the_slot(ref))
            return
        try:
            with db.unit_of_work(ctx.sessions) as session:
                done = appointments.confirm(
                    session,
                    staff,
                    parse_appointment_ref(ref),
                    start_at=start,
                    now=ctx.now,
                    rules=ctx.settings.tariff,
                    default_minutes=ctx.settings.tecnica_default_minutes,
                )
                end = done.slot_end_at or start
        except AppointmentError as exc:
            dispatcher.utter_message(text=say.refusal(exc, zone))
            return
        dispatcher.utter_message(text=say.confirmed(ref, start, end, zone))


class ActionStaffListTecnica(TecnicaStaffAction):
    """The appointments awaiting confirmation, with who asked and their phone."""

    action_name = "action_staff_list_tecnica"

    def act_as(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, ctx: runtime.Context, staff: Staff
    ) -> None:
        zone = ctx.settings.tariff.calendar.timezone
        with db.unit_of_work(ctx.sessions) as session:
            lines = [
                say.pending_line(item.appointment, item.customer, zone)
                for item in appointments.pending(session, staff)
            ]
        dispatcher.utter_message(text=say.pending(lines))

"""The Terms of the services that start outside the bot (SPEC §2, §5): the Consultoria do
Suporte, accepted for the Support ticket it continues, and the Consultoria Telefônica, whose
activation steps come with its Term, accepted once per version, in business hours.

The Term is asked with the plantão's machinery (actions/terms.py): the summary shown, its
SHA-256 and version in the slots, the buttons bound to the question, which carries the modality
and the ticket. Each answer is recorded and announced to the staff chat by services/terms.py.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions import tracker as said
from actions.booking import ValidateBookingForm, identity_questions
from actions.conversation import clock_now
from actions.failures import GuardedAction
from actions.forms import GAVE_UP, AnswerForm, Turn
from actions.identity import acting_customer, find_person
from actions.messages import conversation as say_clock
from actions.messages import terms as say_terms
from actions.messages import tickets as say
from actions.pending import AnswerAction, Question
from actions.terms import SERVICE_TERM_QUESTION, ask_acceptance, current_term
from consultoria import db, runtime
from consultoria.db import TermAcceptance, TermVersion, TicketOutcomeRow
from consultoria.presentation import describe, describe_appointment, local_moment, ticket_outcome
from consultoria.services import appointments, plantoes, tickets
from consultoria.services.actors import Customer
from consultoria.services.terms import (
    ServiceAnswer,
    acceptance_of,
    answer_service_term,
    price_version_id,
    service_answers_of,
    shown_version,
)
from consultoria.tariff import Modality
from consultoria.textparse import TICKET_DIGITS, TicketError, parse_ticket

START_INTENT = "accept_ticket_term"
FORM_SLOTS = ("ticket", "ticket_falhas", "ticket_parada")
# The slots of a Term question, cleared once it is answered.
TERM_SLOTS = ("termo_versao", "termo_hash", "pendente")


def _cleared(*slots: str) -> list[EventType]:
    return [SlotSet(slot, None) for slot in slots]


def _when(ctx: runtime.Context, answer: TermAcceptance) -> str:
    """When the answer was recorded, as people in the configured zone read it."""
    return local_moment(answer.created_at, ctx.settings.tariff.calendar.timezone)


def _accepted_before(
    session: Session, tracker: Tracker, version: TermVersion, ticket: str | None
) -> TermAcceptance | None:
    """The sender's acceptance of `version` (for `ticket`); someone without a record has none,
    and asking creates no record."""
    who = said.caller(tracker)
    person = find_person(session, who)
    if person is None:
        return None
    return acceptance_of(session, Customer(person, who.channel), version, ticket)


class ValidateTicketTermForm(AnswerForm):
    """The ticket number (read with the pt-BR parser), then who the person is, asked once."""

    failures_slot = "ticket_falhas"
    stopped_slot = "ticket_parada"
    # Who the person is: read as the plantão booking reads it, and remembered for both.
    read_perfil = ValidateBookingForm.read_perfil
    read_unidade = ValidateBookingForm.read_unidade

    def name(self) -> str:
        return "validate_ticket_term_form"

    def max_failures(self, ctx: runtime.Context) -> int:
        return ctx.settings.booking_max_failed_attempts

    def questions(self, turn: Turn) -> list[str]:
        return ["ticket", *identity_questions(turn)]

    def restart(self, turn: Turn) -> list[EventType]:
        return _cleared(*FORM_SLOTS) if said.intent(turn.tracker) == START_INTENT else []

    def read_ticket(self, turn: Turn) -> dict[str, Any]:
        tracker = turn.tracker
        starting = said.intent(tracker) == START_INTENT and tracker.get_slot("ticket") is None
        text = said.text(tracker) if starting else self.answer(tracker, "ticket")
        if not text:
            return {}
        try:
            ticket = parse_ticket(text)
        except TicketError:
            return self.repair(turn, say.ticket_again(TICKET_DIGITS))
        if ticket is None:
            return {} if starting else self.repair(turn, say.ticket_again(TICKET_DIGITS))
        return {"ticket": ticket}


class ActionTicketTermSummary(GuardedAction):
    """After the form: the ticket, who pays and the Term; or the acceptance already recorded."""

    action_name = "action_ticket_term_summary"

    def reset(self) -> list[EventType]:
        return _cleared(*FORM_SLOTS, *TERM_SLOTS)

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        stopped, ticket = tracker.get_slot("ticket_parada"), tracker.get_slot("ticket")
        if stopped == GAVE_UP:
            dispatcher.utter_message(text=say.TICKET_GAVE_UP, buttons=say.TICKET_GAVE_UP_BUTTONS)
        if stopped or not ticket:
            return self.reset()
        ctx = runtime.context()
        with db.unit_of_work(ctx.sessions) as session:
            person = find_person(session, said.caller(tracker))
            version, text = current_term(session, ctx, Modality.SUPORTE)
            earlier = _accepted_before(session, tracker, version, ticket)
            unit = person.unit if person is not None and person.role == "consultant" else None
        if earlier is not None:
            when = _when(ctx, earlier)
            dispatcher.utter_message(
                text=say.already_accepted("suporte", version.version, ticket, when)
            )
            return self.reset()
        dispatcher.utter_message(text=say.ticket_summary(ticket, unit))
        shown = {"modalidade": Modality.SUPORTE.value, "ticket": ticket}
        asked = ask_acceptance(dispatcher, version, text, SERVICE_TERM_QUESTION, shown)
        return [*_cleared(*FORM_SLOTS), *asked]


class ActionActivateTelefonica(GuardedAction):
    """In business hours, the activation steps and the Term (once per version); outside them,
    what is possible now (SPEC §5, §11)."""

    action_name = "action_activate_telefonica"

    def reset(self) -> list[EventType]:
        return _cleared(*TERM_SLOTS)

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        ctx = runtime.context()
        clock = clock_now()
        if not clock.open_now:
            dispatcher.utter_message(
                text=say_clock.telefonica_closed_now(
                    clock, ctx.settings.tariff.plantao.short_notice
                ),
                buttons=[say_clock.BUTTON_PLANTAO, say_clock.BUTTON_HANDOFF],
            )
            return self.reset()
        figures = say_terms.term_figures(
            ctx.settings, ctx.prices, Modality.TELEFONICA, ctx.now.date()
        )
        dispatcher.utter_message(text=say.telefonica_steps(figures, ctx.settings.portal_path))
        with db.unit_of_work(ctx.sessions) as session:
            version, text = current_term(session, ctx, Modality.TELEFONICA)
            earlier = _accepted_before(session, tracker, version, None)
        if earlier is not None:
            when = _when(ctx, earlier)
            dispatcher.utter_message(
                text=say.already_accepted("telefonica", version.version, None, when)
            )
            return self.reset()
        shown = {"modalidade": Modality.TELEFONICA.value}
        return ask_acceptance(dispatcher, version, text, SERVICE_TERM_QUESTION, shown)


def _price_in_force(session: Session, ctx: runtime.Context, modality: Modality) -> int | None:
    """The price version the Term showed: the one in force today."""
    table = db.load_price_table(session)  # the same transaction: no second connection
    price = table.price_on(modality, ctx.now.date())
    return price_version_id(session, modality.value, None if price is None else price.effective)


class ActionAcceptServiceTerm(AnswerAction):
    """ "Aceito": the acceptance recorded (once) and the staff chat told."""

    action_name = "action_accept_service_term"
    answers = frozenset({SERVICE_TERM_QUESTION})

    def reset(self) -> list[EventType]:
        return _cleared(*TERM_SLOTS)

    def act_on(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, question: Question
    ) -> list[EventType]:
        ctx, who = runtime.context(), said.caller(tracker)
        service, ticket = str(question.shown["modalidade"]), question.shown.get("ticket")
        modality = Modality(service)
        with db.unit_of_work(ctx.sessions) as session:
            version, text = current_term(session, ctx, modality)
            if float(version.id) != tracker.get_slot("termo_versao"):
                # The Term changed since it was shown: the new version needs its own answer.
                dispatcher.utter_message(text=say.TERM_UPDATED)
                return ask_acceptance(dispatcher, version, text, question.kind, question.shown)
            given = ServiceAnswer(
                term=version,
                accepted=True,
                shown_sha256=str(tracker.get_slot("termo_hash")),
                price_version_id=_price_in_force(session, ctx, modality),
                message_id=who.message_id,
                ticket=ticket,
            )
            answer, created = answer_service_term(session, acting_customer(session, who), given)
            when = _when(ctx, answer)
        told = say.accepted if created else say.already_accepted
        dispatcher.utter_message(text=told(service, version.version, ticket, when))
        return self.reset()


class ActionRefuseServiceTerm(AnswerAction):
    """ "Não aceito": the refusal recorded, nothing started, the staff chat told."""

    action_name = "action_refuse_service_term"
    answers = frozenset({SERVICE_TERM_QUESTION})

    def reset(self) -> list[EventType]:
        return _cleared(*TERM_SLOTS)

    def act_on(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, question: Question
    ) -> list[EventType]:
        ctx, who = runtime.context(), said.caller(tracker)
        service, ticket = str(question.shown["modalidade"]), question.shown.get("ticket")
        with db.unit_of_work(ctx.sessions) as session:
            version = shown_version(session, int(tracker.get_slot("termo_versao") or 0))
            if version is not None:
                given = ServiceAnswer(
                    term=version,
                    accepted=False,
                    shown_sha256=str(tracker.get_slot("termo_hash")),
                    price_version_id=_price_in_force(session, ctx, Modality(service)),
                    message_id=who.message_id,
                    ticket=ticket,
                )
                answer_service_term(session, acting_customer(session, who), given)
        dispatcher.utter_message(text=say.refused(service, ticket))
        return self.reset()


def _decided(decided: dict[int, TicketOutcomeRow], answer: TermAcceptance) -> str | None:
    """The outcome and charge staff recorded on the ticket this acceptance is for, if any."""
    row = decided.get(answer.id)
    return None if row is None else ticket_outcome(row)


class ActionListMyRequests(GuardedAction):
    """One list of the person's own requests: plantões, answers to the consultorias' Terms with
    their ticket, decision, date and the outcome staff recorded on the ticket, and Técnica
    appointments with their state and quote. Only theirs: nobody else's rows are read."""

    action_name = "action_list_my_requests"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        ctx = runtime.context()
        zone = ctx.settings.tariff.calendar.timezone
        with db.unit_of_work(ctx.sessions) as session:
            person = find_person(session, said.caller(tracker))
            if person is None:
                dispatcher.utter_message(text=say.NO_REQUESTS)
                return []
            customer = Customer(person, said.caller(tracker).channel)
            booked = [describe(p, zone) for p in plantoes.list_for_customer(session, customer)]
            scheduled = [
                describe_appointment(a, zone)
                for a in appointments.list_for_customer(session, customer)
            ]
            decided = tickets.outcomes_of(session, customer)
            answered = [
                say.answer_line(
                    found.term.modality,
                    found.term.version,
                    found.answer.ticket,
                    found.answer.accepted,
                    _when(ctx, found.answer),
                    _decided(decided, found.answer),
                )
                for found in service_answers_of(session, customer)
            ]
        if not booked and not answered and not scheduled:
            dispatcher.utter_message(text=say.NO_REQUESTS)
        else:
            dispatcher.utter_message(text=say.my_requests(booked, answered, scheduled))
        return []

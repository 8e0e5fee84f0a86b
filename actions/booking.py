"""Booking a plantão: the form, the summary with the quote and the Term, and the confirmation
that writes the booking, its acceptance and the staff notification in one transaction."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions import tracker as said
from actions.calendar import send_calendar
from actions.failures import GuardedAction
from actions.forms import GAVE_UP, AnswerForm, Turn
from actions.identity import acting_customer, find_person, remember_person
from actions.messages import booking as say
from actions.messages.quotes import quote_message
from actions.pending import (
    AnswerAction,
    Question,
    ask,
    clear_pending,
)
from actions.quotes import quoted_window
from actions.terms import TERM_QUESTION, TermText, ask_acceptance, current_term
from consultoria import db, runtime
from consultoria.db import Plantao, TermVersion
from consultoria.ics import Method
from consultoria.services import plantoes
from consultoria.services.actors import Customer
from consultoria.services.terms import (
    has_accepted,
    price_version_id,
    record_answer,
    shown_version,
)
from consultoria.tariff import (
    BookingCheck,
    Modality,
    Quote,
    TariffError,
    check_booking,
)
from consultoria.textparse import (
    Window,
    corrects,
    parse_count,
    parse_day,
    parse_end_time,
    parse_window,
    window_said_of,
)

FORM_SLOTS = (
    "perfil",
    "unidade",
    "reserva_data",
    "reserva_inicio",
    "reserva_fim",
    "reserva_especialistas",
    "reserva_motivo",
    "reserva_telefone",
)
STATE_SLOTS = (
    "reserva_falhas",
    "reserva_parada",
    "reserva_token",
    "termo_versao",
    "termo_hash",
    "pergunta",
)
WINDOW_SLOTS = ("reserva_data", "reserva_inicio", "reserva_fim")
START_INTENT = "book_plantao"
# Answers in the person's own words: whatever intent such an answer resembles ("virada de versão
# do Protheus" may read as a booking), it answers the question and never restarts the form.
FREE_TEXT_SLOTS = frozenset({"unidade", "reserva_motivo"})
UNIT_LENGTH = (2, 120)
REASON_LENGTH = (3, 500)
# The questions an "Aceito" or a "sim" confirms the booking after.
AWAITING_CONFIRMATION = frozenset({"termo", "confirmar_reserva"})
_PHONE_DIGITS = re.compile(r"\d")
_CONSULTANT = re.compile(r"consult|franq|unidade|parceir|\bams\b|projeto", re.IGNORECASE)
_CUSTOMER = re.compile(r"client|empresa|usuari", re.IGNORECASE)


def reset_booking() -> list[EventType]:
    """Forget the booking being built, so the next request starts clean."""
    return [SlotSet(slot, None) for slot in (*FORM_SLOTS, *STATE_SLOTS, "pendente")]


@dataclass(frozen=True)
class Request:
    """The plantão the form gathered, as its slots hold it."""

    window: Window
    specialists: int
    reason: str
    phone: str
    token: str


def _parse_iso(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _window_from_slots(slots: dict[str, Any]) -> Window | None:
    start, end = _parse_iso(slots.get("reserva_inicio")), _parse_iso(slots.get("reserva_fim"))
    return Window(start, end) if start and end else None


def requested(tracker: Tracker) -> Request | None:
    """The request the slots describe; None while its window is incomplete."""
    window = _window_from_slots(tracker.slots)
    if window is None:
        return None
    return Request(
        window=window,
        specialists=int(tracker.get_slot("reserva_especialistas") or 1),
        reason=str(tracker.get_slot("reserva_motivo")),
        phone=str(tracker.get_slot("reserva_telefone")),
        token=str(tracker.get_slot("reserva_token")),
    )


def _window_slots(window: Window) -> dict[str, Any]:
    return {
        "reserva_data": window.start.date().isoformat(),
        "reserva_inicio": window.start.isoformat(),
        "reserva_fim": window.end.isoformat(),
    }


def _starting(tracker: Tracker) -> bool:
    if tracker.get_slot("requested_slot") in FREE_TEXT_SLOTS:
        return False
    return said.intent(tracker) == START_INTENT


def _read_window(text: str, tracker: Tracker, now: datetime) -> dict[str, Any]:
    """Whatever part of the window the text gives: a whole range, a start, an end or a day."""
    day_value = tracker.get_slot("reserva_data")
    day = date.fromisoformat(day_value) if day_value else None
    on_day = text
    if day is not None and parse_day(text, now) is None:  # times alone are on the known day
        on_day = f"{day:%d/%m/%Y} {text}"
    window = parse_window(on_day, now)
    if window is not None:
        return _window_slots(window)
    asked = tracker.get_slot("requested_slot")
    start = _parse_iso(tracker.get_slot("reserva_inicio"))
    if asked == "reserva_fim" and start is not None:
        end = parse_end_time(text, Window(start, start + timedelta(days=1)), now)
        return {} if end is None else {"reserva_fim": end.isoformat()}
    if asked == "reserva_inicio" and day is not None:
        midnight = datetime.combine(day, time(), tzinfo=now.tzinfo)
        # Just before midnight, so that "0h" is the start of that day and not of the next.
        before = midnight - timedelta(minutes=1)
        begin = parse_end_time(text, Window(before, midnight + timedelta(days=1)), now)
        return {} if begin is None else {"reserva_inicio": begin.isoformat()}
    found = parse_day(text, now)
    return {} if found is None else {"reserva_data": found.isoformat()}


def _check(ctx: runtime.Context, window: Window, specialists: int) -> BookingCheck:
    """SPEC §3.3 item 8 at the context's instant."""
    return check_booking(
        window.start, window.end, specialists, now=ctx.now, rules=ctx.settings.tariff
    )


def _window_problem(ctx: runtime.Context, slots: dict[str, Any]) -> str | None:
    """What keeps the window known so far from being booked; None when nothing does."""
    day_value = slots.get("reserva_data")
    if day_value and date.fromisoformat(day_value) < ctx.now.date():
        return say.DAY_PASSED
    start = _parse_iso(slots.get("reserva_inicio"))
    if start is not None and start <= ctx.now:
        return say.START_PASSED
    window = _window_from_slots(slots)
    if window is None:
        return None
    return " ".join(_check(ctx, window, 1).errors) or None


def _quoted_plantao(turn: Turn) -> list[EventType]:
    """The window (and specialists) of the plantão quoted last, for "quero agendar esse plantão"
    said with no day of its own: the person is not asked again what they just priced."""
    tracker = turn.tracker
    window = quoted_window(tracker)
    if tracker.get_slot("modalidade") != "plantao" or window is None:
        return []
    found = _window_slots(window)
    problem = _window_problem(turn.ctx, found)
    if problem is not None:
        turn.dispatcher.utter_message(text=say.quoted_refused(problem))
        return []
    # The quote's specialists (checked by its form), unless the booking message said its own.
    quoted = tracker.get_slot("especialistas")
    specialists = None
    if quoted and tracker.get_slot("reserva_especialistas") is None:
        specialists = int(quoted)
        found["reserva_especialistas"] = float(specialists)
    turn.dispatcher.utter_message(text=say.quoted_taken(window, specialists))
    return [SlotSet(slot, value) for slot, value in found.items()]


def read_phone(text: str) -> str | None:
    """A Brazilian phone with area code (10 or 11 digits, optionally after +55)."""
    digits = "".join(_PHONE_DIGITS.findall(text))
    if len(digits) in (12, 13) and digits.startswith("55"):
        digits = digits[2:]
    if len(digits) not in (10, 11) or digits[0] == "0":
        return None
    return f"({digits[:2]}) {digits[2:-4]}-{digits[-4:]}"


def _perfil(tracker: Tracker, text: str) -> str | None:
    declared = said.entity(tracker, "perfil")
    if declared in ("cliente", "consultor"):
        return declared
    if _CONSULTANT.search(text):
        return "consultor"
    return "cliente" if _CUSTOMER.search(text) else None


def _count_in(text: str) -> int | None:
    """A head count written in a sentence ("com 2 especialistas"); a bare number is not one."""
    count = parse_count(text)
    return count if count is not None and not text.strip().isdigit() else None


def _is_known(ctx: runtime.Context, who: said.Caller) -> bool:
    with db.unit_of_work(ctx.sessions) as session:
        return find_person(session, who) is not None


def identity_questions(turn: Turn) -> list[str]:
    """Who the person is, asked once for every form: their profile, and a consultant's unit;
    nothing once they are known."""
    if _is_known(turn.ctx, said.caller(turn.tracker)):
        return []
    unit = ["unidade"] if turn.tracker.get_slot("perfil") == "consultor" else []
    return ["perfil", *unit]


def _remember(ctx: runtime.Context, who: said.Caller, perfil: str, unit: str | None) -> None:
    with db.unit_of_work(ctx.sessions) as session:
        remember_person(session, who, perfil, unit)


class ValidateBookingForm(AnswerForm):
    """Reads each answer with the pt-BR parsers and checks it at once, with a clear message."""

    failures_slot = "reserva_falhas"
    stopped_slot = "reserva_parada"

    def name(self) -> str:
        return "validate_booking_form"

    def max_failures(self, ctx: runtime.Context) -> int:
        return ctx.settings.booking_max_failed_attempts

    def questions(self, turn: Turn) -> list[str]:
        """Who the person is, asked once; then the plantão itself."""
        return [*identity_questions(turn), *FORM_SLOTS[2:]]

    def restart(self, turn: Turn) -> list[EventType]:
        if not _starting(turn.tracker):
            return []
        # A new request forgets an unfinished one, and gets the key that makes it idempotent.
        return [*reset_booking(), SlotSet("reserva_token", uuid.uuid4().hex)]

    def prefill(self, turn: Turn) -> list[EventType]:
        if not _starting(turn.tracker) or any(turn.tracker.get_slot(s) for s in WINDOW_SLOTS):
            return []
        return _quoted_plantao(turn)

    def correct(self, turn: Turn) -> list[EventType]:
        """A correction of the window while a later question is asked ("na verdade é sábado"):
        the window it means, checked as a first answer is; the form then asks again."""
        tracker = turn.tracker
        known = _window_from_slots(tracker.slots)
        message = said.text(tracker)
        if known is None or tracker.get_slot("requested_slot") in WINDOW_SLOTS:
            return []
        window = window_said_of(message, known, turn.ctx.now) if corrects(message) else None
        if window is None or window == known:
            return []
        problem = _window_problem(turn.ctx, _window_slots(window))
        if problem is not None:
            repaired = self.repair(turn, say.not_corrected(problem))
            return [SlotSet(slot, value) for slot, value in repaired.items()]
        turn.dispatcher.utter_message(text=say.window_corrected(window))
        return [SlotSet(slot, value) for slot, value in _window_slots(window).items()]

    def read_perfil(self, turn: Turn) -> dict[str, Any]:
        text = self.answer(turn.tracker, "perfil")
        if text is None:
            return {}
        perfil = _perfil(turn.tracker, text)
        if perfil is None:
            return self.repair(turn, say.PROFILE_AGAIN)
        if perfil == "cliente":
            _remember(turn.ctx, said.caller(turn.tracker), perfil, None)
        return {"perfil": perfil}

    def read_unidade(self, turn: Turn) -> dict[str, Any]:
        found = self.read_text_within(turn, "unidade", UNIT_LENGTH, say.unit_again(UNIT_LENGTH[1]))
        if found.get("unidade"):
            _remember(turn.ctx, said.caller(turn.tracker), "consultor", found["unidade"])
        return found

    def read_reserva_data(self, turn: Turn) -> dict[str, Any]:
        """Date, start and end: one message may give any of them, or all three at once."""
        tracker = turn.tracker
        starting = _starting(tracker)
        text = said.text(tracker) if starting else self.answer(tracker, *WINDOW_SLOTS)
        if not text:
            return {}
        found = _read_window(text, tracker, turn.ctx.now)
        if not found:
            if starting:
                return {}
            return self.repair(turn, say.WINDOW_AGAIN[str(tracker.get_slot("requested_slot"))])
        problem = _window_problem(turn.ctx, {**tracker.slots, **found})
        if problem is not None:
            return self.repair(turn, problem, clear=WINDOW_SLOTS)
        return found

    def read_reserva_especialistas(self, turn: Turn) -> dict[str, Any]:
        tracker = turn.tracker
        limit = turn.ctx.settings.tariff.plantao.max_specialists
        if _starting(tracker):
            count = parse_count(said.entity(tracker, "especialistas") or "") or _count_in(
                said.text(tracker)
            )
            if count is None or not 1 <= count <= limit:
                return {}
            return {"reserva_especialistas": float(count)}
        text = self.answer(tracker, "reserva_especialistas")
        if text is None:
            return {}
        count = parse_count(text)
        if count is None or not 1 <= count <= limit:
            return self.repair(turn, say.specialists_again(limit))
        return {"reserva_especialistas": float(count)}

    def read_reserva_motivo(self, turn: Turn) -> dict[str, Any]:
        again = say.reason_again(*REASON_LENGTH)
        return self.read_text_within(turn, "reserva_motivo", REASON_LENGTH, again)

    def read_reserva_telefone(self, turn: Turn) -> dict[str, Any]:
        text = self.answer(turn.tracker, "reserva_telefone")
        if text is None:
            return {}
        phone = read_phone(text)
        if phone is None:
            return self.repair(turn, say.PHONE_AGAIN)
        return {"reserva_telefone": phone}


def _quote(ctx: runtime.Context, request: Request, ended_at: datetime | None = None) -> Quote:
    plantao = plantoes.PlantaoWindow(request.window.start, request.window.end, request.specialists)
    return plantoes.plantao_quote(plantao, ctx.prices, ctx.settings.tariff, ended_at)


def _cancellation_rule(ctx: runtime.Context, request: Request) -> str:
    """What cancelling this booking costs, and until when it is free (SPEC §3.3 item 4)."""
    notice = ctx.settings.tariff.plantao.free_cancellation_notice
    late = _quote(ctx, request, ended_at=request.window.start)
    deadline = request.window.start - notice
    if deadline <= ctx.now:
        return say.late_cancellation_rule(notice, late.charged_minutes, late.amount)
    return say.cancellation_rule(deadline, notice, late.charged_minutes, late.amount)


def _term_status(
    ctx: runtime.Context, session: Session, who: said.Caller
) -> tuple[TermVersion, bool, TermText]:
    """The Term in force, whether the person accepted that version, and its text."""
    version, text = current_term(session, ctx, Modality.PLANTAO)
    person = find_person(session, who)
    accepted = person is not None and has_accepted(session, Customer(person, who.channel), version)
    return version, accepted, text


def _show_summary(
    ctx: runtime.Context, dispatcher: CollectingDispatcher, request: Request, quote: Quote
) -> None:
    """The request, its quote, the cancellation rule and what to mind about the window."""
    dispatcher.utter_message(
        text=say.summary(
            request.window,
            request.specialists,
            request.reason,
            request.phone,
            quote_message(quote),
        )
    )
    dispatcher.utter_message(text=_cancellation_rule(ctx, request))
    for warning in _check(ctx, request.window, quote.specialists).warnings:
        dispatcher.utter_message(text=say.warning(warning))


class ActionBookingSummary(GuardedAction):
    """After the form: the quote, the cancellation rule, then the Term or a last confirmation."""

    action_name = "action_booking_summary"

    def reset(self) -> list[EventType]:
        return reset_booking()

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        stopped = tracker.get_slot("reserva_parada")
        if stopped == GAVE_UP:
            dispatcher.utter_message(text=say.GAVE_UP, buttons=say.GAVE_UP_BUTTONS)
        request = requested(tracker)
        if stopped or request is None:
            return reset_booking()
        ctx = runtime.context()
        try:
            quote = _quote(ctx, request)
        except TariffError as exc:
            dispatcher.utter_message(text=say.cannot_quote(str(exc)))
            return reset_booking()
        _show_summary(ctx, dispatcher, request, quote)
        with db.unit_of_work(ctx.sessions) as session:
            version, accepted, text = _term_status(ctx, session, said.caller(tracker))
        if not accepted:
            return ask_acceptance(dispatcher, version, text)
        asked = say.term_already_accepted(version.version)
        return ask(dispatcher, "confirmar_reserva", asked, say.CONFIRM_BUTTONS)


def request_key(who: said.Caller, request: Request) -> str:
    """The same confirmation delivered twice yields the same key, so it books once."""
    parts = (
        who.channel,
        who.user_id,
        request.token,
        request.window.start.isoformat(),
        request.window.end.isoformat(),
        str(request.specialists),
    )
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def _shown_term(tracker: Tracker, question: Question, version: TermVersion) -> str | None:
    """The hash of the Term text the person just accepted, when it is `version`; None when the
    "sim" confirms a Term accepted before, or the Term changed since it was shown."""
    if question.kind != TERM_QUESTION or float(version.id) != tracker.get_slot("termo_versao"):
        return None
    return str(tracker.get_slot("termo_hash"))


@dataclass(frozen=True)
class Acceptance:
    """Who confirms the booking and with which message, the Term version in force, and the text
    they accepted now (None when they had accepted that version before)."""

    customer: Customer
    message_id: str | None
    term: TermVersion
    shown_sha256: str | None


def _book(
    session: Session, key: str, request: Request, quote: Quote, acceptance: Acceptance
) -> tuple[Plantao, bool]:
    """Book the request and, with the delivery that booked it, the answer to the Term."""
    price_id = price_version_id(
        session, "plantao", None if quote.price is None else quote.price.effective
    )
    plantao, created = plantoes.request_plantao(
        session,
        acceptance.customer,
        start_at=request.window.start,
        end_at=request.window.end,
        specialists=quote.specialists,
        reason=request.reason,
        contact_phone=request.phone,
        request_key=key,
        price_version_id=price_id,
        quoted_minutes=quote.charged_minutes,
        quoted_amount=quote.amount,
    )
    if created and acceptance.shown_sha256 is not None:
        # Only the delivery that booked records the answer: a concurrent duplicate found the
        # booking instead and adds nothing.
        record_answer(
            session,
            acceptance.customer,
            term=acceptance.term,
            accepted=True,
            shown_sha256=acceptance.shown_sha256,
            price_version_id=price_id,
            quote=quote.to_dict(),
            message_id=acceptance.message_id,
            plantao_id=plantao.id,
        )
    return plantao, created


def _tell_booked(
    dispatcher: CollectingDispatcher,
    plantao: Plantao,
    created: bool,
    request: Request,
    quote: Quote,
) -> None:
    if created:
        dispatcher.utter_message(text=say.booked(plantao.ref, request.window, quote.amount))
    else:
        dispatcher.utter_message(text=say.already_booked(plantao.ref))


class ActionConfirmBooking(AnswerAction):
    """ "Aceito" (or "sim" when the Term was accepted before): book, in one transaction."""

    action_name = "action_confirm_booking"
    answers = AWAITING_CONFIRMATION

    def act_on(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, question: Question
    ) -> list[EventType]:
        request = requested(tracker)
        if request is None:
            return clear_pending(dispatcher)
        ctx = runtime.context()
        check = _check(ctx, request.window, request.specialists)
        if not check.ok:
            dispatcher.utter_message(text=say.not_booked(check.errors))
            return reset_booking()
        quote = _quote(ctx, request)
        who = said.caller(tracker)
        key = request_key(who, request)
        with db.unit_of_work(ctx.sessions) as session:
            customer = acting_customer(session, who)
            plantao, created = plantoes.find_by_request_key(session, customer, key), False
            if plantao is None:
                version, text = current_term(session, ctx, Modality.PLANTAO)
                shown = _shown_term(tracker, question, version)
                if shown is None and not has_accepted(session, customer, version):
                    # The Term changed since it was shown: the new version needs its own answer.
                    dispatcher.utter_message(text=say.TERM_UPDATED)
                    return ask_acceptance(dispatcher, version, text)
                acceptance = Acceptance(customer, who.message_id, version, shown)
                plantao, created = _book(session, key, request, quote, acceptance)
        _tell_booked(dispatcher, plantao, created, request, quote)
        if created:
            send_calendar(dispatcher, ctx, plantao, Method.REQUEST)
        return reset_booking()


class ActionRefuseTerm(AnswerAction):
    """ "Não aceito": the refusal is recorded, nothing is booked, the free path is offered."""

    action_name = "action_refuse_term"
    answers = frozenset({TERM_QUESTION})

    def reset(self) -> list[EventType]:
        return reset_booking()

    def act_on(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, question: Question
    ) -> list[EventType]:
        ctx = runtime.context()
        who = said.caller(tracker)
        request = requested(tracker)
        quote = None if request is None else _quote(ctx, request)
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
                    quote=None if quote is None else quote.to_dict(),
                    message_id=who.message_id,
                )
        dispatcher.utter_message(text=say.REFUSED)
        dispatcher.utter_message(response="utter_recommend_suporte_padrao")
        return reset_booking()

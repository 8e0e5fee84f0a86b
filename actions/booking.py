"""Booking a plantão: the form, the summary with the quote and the Term, and the confirmation
that writes the booking, its acceptance and the staff notification in one transaction."""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from sqlalchemy.orm import Session

from actions.extra_config import max_failed_attempts
from actions.failures import apologize_on_database_error
from actions.identity import find_person, remember_person
from actions.pending import asked_by, clear_pending
from actions.quotes import quote_message, quoted_window
from actions.terms import ask_acceptance, current_term
from actions.tracker import Caller, caller
from consultoria import db, runtime
from consultoria.db import Person, TermVersion, format_ref
from consultoria.db.plantoes import find_by_request_key
from consultoria.db.terms import has_accepted, price_version_id, record_answer
from consultoria.tariff import (
    Modality,
    Quote,
    TariffError,
    check_booking,
    format_brl,
    format_minutes,
    format_moment,
    quote_plantao,
    specialists_text,
)
from consultoria.textparse import Window, parse_count, parse_day, parse_end_time, parse_window

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
STATE_SLOTS = ("reserva_falhas", "reserva_parada", "reserva_token", "termo_versao", "termo_hash")
WINDOW_SLOTS = ("reserva_data", "reserva_inicio", "reserva_fim")
# Intents that leave or interrupt the form rather than answer it: its rules take over.
NOT_AN_ANSWER = frozenset({"stop", "faq", "human_handoff"})
START_INTENT = "book_plantao"
# Answers in the person's own words: whatever intent such an answer resembles ("virada de versão
# do Protheus" may read as a booking), it answers the question and never restarts the form.
FREE_TEXT_SLOTS = frozenset({"unidade", "reserva_motivo"})
MAX_REASON = 500
ASKED_CONFIRMATION = frozenset({"action_booking_summary", "action_show_term"})
_PHONE_DIGITS = re.compile(r"\d")
_CONSULTANT = re.compile(r"consult|franq|unidade|parceir|\bams\b|projeto", re.IGNORECASE)
_CUSTOMER = re.compile(r"client|empresa|usuari", re.IGNORECASE)


def reset_booking() -> list[EventType]:
    """Forget the booking being built, so the next request starts clean."""
    return [SlotSet(slot, None) for slot in (*FORM_SLOTS, *STATE_SLOTS, "pendente")]


def _text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "").strip()


def _entity(tracker: Tracker, name: str) -> str | None:
    for found in tracker.latest_message.get("entities", []):
        if found.get("entity") == name and found.get("value") is not None:
            return str(found["value"])
    return None


def _intent(tracker: Tracker) -> str | None:
    name = (tracker.latest_message.get("intent") or {}).get("name")
    return None if name is None else str(name)


def _starting(tracker: Tracker) -> bool:
    if tracker.get_slot("requested_slot") in FREE_TEXT_SLOTS:
        return False
    return _intent(tracker) == START_INTENT


def _answer(tracker: Tracker, *slots: str) -> str | None:
    """The latest message when it answers the form's question about one of `slots`."""
    if _intent(tracker) in NOT_AN_ANSWER:
        return None
    if tracker.get_slot("requested_slot") not in slots:
        return None
    return _text(tracker) or None


def _fail(
    dispatcher: CollectingDispatcher, tracker: Tracker, message: str, clear: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Say what was wrong; after too many wrong answers, stop the form (the summary explains)."""
    failures = int(tracker.get_slot("reserva_falhas") or 0) + 1
    dispatcher.utter_message(text=message)
    result: dict[str, Any] = dict.fromkeys(clear)
    result["reserva_falhas"] = float(failures)
    if failures >= max_failed_attempts(runtime.settings().source):
        result["reserva_parada"] = "tentativas"
    return result


def _parse_iso(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _window_from_slots(slots: dict[str, Any]) -> Window | None:
    start, end = _parse_iso(slots.get("reserva_inicio")), _parse_iso(slots.get("reserva_fim"))
    return Window(start, end) if start and end else None


def _window_slots(window: Window) -> dict[str, Any]:
    return {
        "reserva_data": window.start.date().isoformat(),
        "reserva_inicio": window.start.isoformat(),
        "reserva_fim": window.end.isoformat(),
    }


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


def _window_problem(slots: dict[str, Any], now: datetime) -> str | None:
    """SPEC §3.3 item 8 on what is known so far; None when it can be booked."""
    day_value = slots.get("reserva_data")
    if day_value and date.fromisoformat(day_value) < now.date():
        return "Essa data já passou. O plantão precisa ser agendado para hoje ou uma data futura."
    start = _parse_iso(slots.get("reserva_inicio"))
    if start is not None and start <= now:
        return "Esse horário já passou: o início do plantão precisa estar no futuro."
    window = _window_from_slots(slots)
    if window is None:
        return None
    check = check_booking(window.start, window.end, 1, now=now, rules=runtime.settings().tariff)
    return " ".join(check.errors) or None


def _quoted_plantao(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The window (and specialists) of the plantão quoted last, for "quero agendar esse plantão"
    said with no day of its own: the person is not asked again what they just priced."""
    window = quoted_window(tracker)
    if tracker.get_slot("modalidade") != "plantao" or window is None:
        return []
    found = _window_slots(window)
    problem = _window_problem(found, runtime.now())
    if problem is not None:
        dispatcher.utter_message(text=f"O plantão da cotação não pode ser agendado: {problem}")
        return []
    # The quote's specialists (checked by its form), unless the booking message said its own.
    quoted = tracker.get_slot("especialistas")
    who = ""
    if quoted and tracker.get_slot("reserva_especialistas") is None:
        found["reserva_especialistas"] = float(int(quoted))
        who = f", {specialists_text(int(quoted))}"
    dispatcher.utter_message(
        text=f"Vou agendar o plantão da cotação: de {format_moment(window.start)} até "
        f'{format_moment(window.end)}{who}. Para outro dia ou horário, diga "parar" e peça '
        "de novo com a data."
    )
    return [SlotSet(slot, value) for slot, value in found.items()]


_WINDOW_HELP = {
    "reserva_data": 'Não entendi a data. Escreva, por exemplo, "sábado", "amanhã" ou "06/03".',
    "reserva_inicio": 'Não entendi a hora de início. Escreva, por exemplo, "8h" ou "22:00".',
    "reserva_fim": 'Não entendi a hora de término. Escreva, por exemplo, "18h" ou "2h".',
}


def _phone(text: str) -> str | None:
    """A Brazilian phone with area code (10 or 11 digits, optionally after +55)."""
    digits = "".join(_PHONE_DIGITS.findall(text))
    if len(digits) in (12, 13) and digits.startswith("55"):
        digits = digits[2:]
    if len(digits) not in (10, 11) or digits[0] == "0":
        return None
    return f"({digits[:2]}) {digits[2:-4]}-{digits[-4:]}"


def _perfil(tracker: Tracker, text: str) -> str | None:
    said = _entity(tracker, "perfil")
    if said in ("cliente", "consultor"):
        return said
    if _CONSULTANT.search(text):
        return "consultor"
    return "cliente" if _CUSTOMER.search(text) else None


class ValidateBookingForm(FormValidationAction):
    """Reads each answer with the pt-BR parsers and checks it at once, with a clear message."""

    def name(self) -> str:
        return "validate_booking_form"

    @apologize_on_database_error(
        lambda: [SlotSet("reserva_parada", "erro"), SlotSet("requested_slot", None)]
    )
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        fresh: list[EventType] = []
        if _starting(tracker):
            # A new request forgets an unfinished one, and gets the key that makes it idempotent.
            fresh = [*reset_booking(), SlotSet("reserva_token", uuid.uuid4().hex)]
            tracker.slots.update({e["name"]: e["value"] for e in fresh})
        # Each extract_ method checks what it reads, so there is no separate validation step.
        extracted = await self.get_extraction_events(dispatcher, tracker, domain)
        tracker.add_slots(extracted)
        if _starting(tracker) and not any(tracker.get_slot(slot) for slot in WINDOW_SLOTS):
            quoted = _quoted_plantao(dispatcher, tracker)
            tracker.add_slots(quoted)
            extracted += quoted
        needed = await self.required_slots([], dispatcher, tracker, domain)
        missing = next((slot for slot in needed if tracker.get_slot(slot) is None), None)
        return [*fresh, *extracted, SlotSet("requested_slot", missing)]

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[str]:
        if tracker.get_slot("reserva_parada"):
            return []
        needed: list[str] = []
        with db.unit_of_work(runtime.sessions()) as session:
            known = find_person(session, caller(tracker)) is not None
        if not known:
            needed.append("perfil")
            if tracker.get_slot("perfil") == "consultor":
                needed.append("unidade")
        return [*needed, *FORM_SLOTS[2:]]

    def extract_perfil(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        text = _answer(tracker, "perfil")
        if text is None:
            return {}
        perfil = _perfil(tracker, text)
        if perfil is None:
            return _fail(
                dispatcher, tracker, "Desculpe, não entendi. Você é cliente TOTVS ou consultor(a)?"
            )
        if perfil == "cliente":
            with db.unit_of_work(runtime.sessions()) as session:
                remember_person(session, caller(tracker), perfil, None)
        return {"perfil": perfil}

    def extract_unidade(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        text = _answer(tracker, "unidade")
        if text is None:
            return {}
        if not 2 <= len(text) <= 120:
            return _fail(dispatcher, tracker, "Informe o nome da sua unidade, em até 120 letras.")
        with db.unit_of_work(runtime.sessions()) as session:
            remember_person(session, caller(tracker), "consultor", text)
        return {"unidade": text}

    def extract_reserva_data(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        """Date, start and end: one message may give any of them, or all three at once."""
        text = _text(tracker) if _starting(tracker) else _answer(tracker, *WINDOW_SLOTS)
        if not text:
            return {}
        now = runtime.now()
        found = _read_window(text, tracker, now)
        if not found:
            if _starting(tracker):
                return {}
            asked = str(tracker.get_slot("requested_slot"))
            return _fail(dispatcher, tracker, _WINDOW_HELP[asked])
        problem = _window_problem({**tracker.slots, **found}, now)
        if problem is not None:
            return _fail(dispatcher, tracker, problem, clear=WINDOW_SLOTS)
        return found

    def extract_reserva_especialistas(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        limit = runtime.settings().tariff.plantao.max_specialists
        if _starting(tracker):
            count = parse_count(_entity(tracker, "especialistas") or "") or _count_in(
                _text(tracker)
            )
            if count is None or not 1 <= count <= limit:
                return {}
            return {"reserva_especialistas": float(count)}
        text = _answer(tracker, "reserva_especialistas")
        if text is None:
            return {}
        count = parse_count(text)
        if count is None or not 1 <= count <= limit:
            return _fail(
                dispatcher, tracker, f"O número de especialistas precisa ser de 1 a {limit}."
            )
        return {"reserva_especialistas": float(count)}

    def extract_reserva_motivo(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        text = _answer(tracker, "reserva_motivo")
        if text is None:
            return {}
        if not 3 <= len(text) <= MAX_REASON:
            return _fail(
                dispatcher,
                tracker,
                f"Descreva o motivo em poucas palavras (de 3 a {MAX_REASON} caracteres), por "
                'exemplo "virada de versão do Protheus".',
            )
        return {"reserva_motivo": text}

    def extract_reserva_telefone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        text = _answer(tracker, "reserva_telefone")
        if text is None:
            return {}
        phone = _phone(text)
        if phone is None:
            return _fail(
                dispatcher,
                tracker,
                'Não reconheci o telefone. Informe com DDD, por exemplo "(11) 91234-5678".',
            )
        return {"reserva_telefone": phone}


def _count_in(text: str) -> int | None:
    """A head count written in a sentence ("com 2 especialistas"); a bare number is not one."""
    count = parse_count(text)
    return count if count is not None and not text.strip().isdigit() else None


def requested_window(tracker: Tracker) -> Window | None:
    return _window_from_slots(tracker.slots)


def booking_quote(tracker: Tracker, window: Window, ended_at: datetime | None = None) -> Quote:
    return quote_plantao(
        window.start,
        window.end,
        specialists=int(tracker.get_slot("reserva_especialistas") or 1),
        table=runtime.price_table(),
        rules=runtime.settings().tariff,
        ended_at=ended_at,
    )


def cancellation_rule(tracker: Tracker, window: Window) -> str:
    """What cancelling this booking costs, and until when it is free (SPEC §3.3 item 4)."""
    notice = runtime.settings().tariff.plantao.free_cancellation_notice
    late = booking_quote(tracker, window, ended_at=window.start)
    deadline = window.start - notice
    late_amount = "" if late.amount is None else f" = {format_brl(late.amount)}"
    return (
        f"Cancelamento: sem custo até {format_moment(deadline)} "
        f"({int(notice.total_seconds() // 3600)} h antes do início); depois disso, cobra-se o "
        f"mínimo do primeiro dia: {format_minutes(late.charged_minutes or 0)}{late_amount}."
    )


def _summary(tracker: Tracker, window: Window, quote: Quote) -> str:
    count = int(tracker.get_slot("reserva_especialistas") or 1)
    return "\n".join(
        [
            "Resumo do pedido de plantão:",
            f"• Início: {format_moment(window.start)}",
            f"• Fim: {format_moment(window.end)}",
            f"• Especialistas: {count}",
            f"• Motivo: {tracker.get_slot('reserva_motivo')}",
            f"• Telefone de contato: {tracker.get_slot('reserva_telefone')}",
            "",
            quote_message(quote),
        ]
    )


def _term_status(session: Session, who: Caller) -> tuple[TermVersion, bool, Any]:
    version, text = current_term(session, Modality.PLANTAO)
    person = find_person(session, who)
    accepted = person is not None and has_accepted(session, person.id, version.id)
    return version, accepted, text


class ActionBookingSummary(Action):
    """After the form: the quote, the cancellation rule, then the Term or a last confirmation."""

    def name(self) -> str:
        return "action_booking_summary"

    @apologize_on_database_error(reset_booking)
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        stopped = tracker.get_slot("reserva_parada")
        if stopped == "tentativas":
            dispatcher.utter_message(
                text="Não consegui registrar o pedido com essas respostas, então parei por aqui "
                "e nada foi agendado. Você pode recomeçar quando quiser, mandando tudo numa "
                'mensagem só (por exemplo "agendar plantão sábado das 8 às 18"), ou falar com '
                "a nossa equipe.",
                buttons=[
                    {"title": "Agendar de novo", "payload": "/book_plantao"},
                    {"title": "Falar com um atendente", "payload": "/human_handoff"},
                ],
            )
        window = requested_window(tracker)
        if stopped or window is None:
            return reset_booking()
        try:
            quote = booking_quote(tracker, window)
        except TariffError as exc:
            dispatcher.utter_message(text=f"Não consegui calcular o plantão: {exc}")
            return reset_booking()
        check = check_booking(
            window.start,
            window.end,
            quote.specialists,
            now=runtime.now(),
            rules=runtime.settings().tariff,
        )
        dispatcher.utter_message(text=_summary(tracker, window, quote))
        dispatcher.utter_message(text=cancellation_rule(tracker, window))
        for warning in check.warnings:
            dispatcher.utter_message(text=f"Atenção: {warning}")
        with db.unit_of_work(runtime.sessions()) as session:
            version, accepted, text = _term_status(session, caller(tracker))
        if not accepted:
            return ask_acceptance(dispatcher, version, text)
        dispatcher.utter_message(
            text=f"Você já aceitou o Termo do plantão (versão {version.version}). "
            "Posso registrar o pedido?",
            buttons=[
                {"title": "Confirmar", "payload": "/affirm"},
                {"title": "Desistir", "payload": "/deny"},
            ],
        )
        return [SlotSet("pendente", "confirmar_reserva")]


def request_key(who: Caller, tracker: Tracker, window: Window) -> str:
    """The same confirmation delivered twice yields the same key, so it books once."""
    parts = (
        who.channel,
        who.user_id,
        str(tracker.get_slot("reserva_token")),
        window.start.isoformat(),
        window.end.isoformat(),
        str(int(tracker.get_slot("reserva_especialistas") or 1)),
    )
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def _person(session: Session, who: Caller) -> Person:
    # The form asked who they are; a person without a record books as a customer.
    return find_person(session, who) or remember_person(session, who, "cliente", None)


class ActionConfirmBooking(Action):
    """ "Aceito" (or "sim" when the Term was accepted before): book, in one transaction."""

    def name(self) -> str:
        return "action_confirm_booking"

    @apologize_on_database_error(lambda: [SlotSet("pendente", None)])
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        pending = tracker.get_slot("pendente")
        window = requested_window(tracker)
        if pending not in ("termo", "confirmar_reserva") or not asked_by(
            tracker, ASKED_CONFIRMATION
        ):
            return clear_pending(dispatcher)
        if window is None:
            return clear_pending(dispatcher)
        now = runtime.now()
        check = check_booking(
            window.start,
            window.end,
            int(tracker.get_slot("reserva_especialistas") or 1),
            now=now,
            rules=runtime.settings().tariff,
        )
        if not check.ok:
            dispatcher.utter_message(text="Não registrei o pedido: " + " ".join(check.errors))
            return reset_booking()
        quote = booking_quote(tracker, window)
        who = caller(tracker)
        key = request_key(who, tracker, window)
        with db.unit_of_work(runtime.sessions()) as session:
            plantao = find_by_request_key(session, key)
            created = False
            if plantao is None:
                person = _person(session, who)
                version, text = current_term(session, Modality.PLANTAO)
                shown = pending == "termo" and float(version.id) == tracker.get_slot("termo_versao")
                if not shown and not has_accepted(session, person.id, version.id):
                    # The Term changed since it was shown: the new version needs its own answer.
                    dispatcher.utter_message(text="O Termo do plantão foi atualizado.")
                    return ask_acceptance(dispatcher, version, text)
                price_id = price_version_id(
                    session, "plantao", None if quote.price is None else quote.price.effective
                )
                plantao, created = db.request_plantao(
                    session,
                    person=person,
                    start_at=window.start,
                    end_at=window.end,
                    specialists=quote.specialists,
                    reason=str(tracker.get_slot("reserva_motivo")),
                    contact_phone=str(tracker.get_slot("reserva_telefone")),
                    request_key=key,
                    price_version_id=price_id,
                    quoted_minutes=quote.charged_minutes or 0,
                    quoted_amount=quote.amount,
                    channel=who.channel,
                )
                if created and shown:
                    # Only the delivery that booked records the answer: a concurrent
                    # duplicate found the booking instead and adds nothing.
                    record_answer(
                        session,
                        person=person,
                        term=version,
                        accepted=True,
                        shown_sha256=str(tracker.get_slot("termo_hash")),
                        price_version_id=price_id,
                        quote=quote.to_dict(),
                        channel=who.channel,
                        message_id=who.message_id,
                    )
        amount = "" if quote.amount is None else f" Valor previsto: {format_brl(quote.amount)}."
        if created:
            dispatcher.utter_message(
                text=f"Pedido registrado: plantão {plantao.ref}, de {format_moment(window.start)} "
                f"até {format_moment(window.end)}.{amount} A equipe da Consultoria foi avisada e "
                'confirma a alocação do especialista. Para acompanhar, diga "meus plantões".'
            )
        else:
            dispatcher.utter_message(
                text=f"Esse pedido já estava registrado: plantão {format_ref(plantao.id)}."
            )
        return reset_booking()


class ActionRefuseTerm(Action):
    """ "Não aceito": the refusal is recorded, nothing is booked, the free path is offered."""

    def name(self) -> str:
        return "action_refuse_term"

    @apologize_on_database_error(reset_booking)
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.get_slot("pendente") != "termo" or not asked_by(tracker, ASKED_CONFIRMATION):
            return clear_pending(dispatcher)
        who = caller(tracker)
        window = requested_window(tracker)
        quote = None if window is None else booking_quote(tracker, window)
        with db.unit_of_work(runtime.sessions()) as session:
            version = session.get(TermVersion, int(tracker.get_slot("termo_versao") or 0))
            if version is not None:
                record_answer(
                    session,
                    person=_person(session, who),
                    term=version,
                    accepted=False,
                    shown_sha256=str(tracker.get_slot("termo_hash")),
                    price_version_id=None,
                    quote=None if quote is None else quote.to_dict(),
                    channel=who.channel,
                    message_id=who.message_id,
                )
        dispatcher.utter_message(
            text="Tudo bem: registrei que você não aceitou o Termo, e nenhum plantão foi agendado."
        )
        dispatcher.utter_message(response="utter_recommend_suporte_padrao")
        return reset_booking()

"""Live quotes and the price table in the chat: every number comes from the tariff engine."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecutionRejected, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.forms import stop_on_giving_up
from actions.identity import find_person
from actions.messages import quotes as say
from actions.pending import pressed_elsewhere, stale_in_form
from actions.tracker import before_this_message, caller, entity, entity_names, intent, text
from consultoria import db, runtime
from consultoria.services import hour_bank, people
from consultoria.tariff import (
    Inconsistency,
    Modality,
    Quote,
    RequestedBy,
    TariffError,
    check_booking,
    quote_plantao,
    quote_suporte,
    quote_tecnica,
    quote_telefonica,
)
from consultoria.textparse import (
    Window,
    names_a_duration,
    normalize,
    parse_count,
    parse_duration_minutes,
    parse_end_time,
    parse_window,
    window_said_of,
)

# Entity values of `modalidade` that the tariff engine prices.
PRICED = {
    "consultoria_telefonica": Modality.TELEFONICA,
    "plantao": Modality.PLANTAO,
    "consultoria_suporte": Modality.SUPORTE,
    "consultoria_tecnica": Modality.TECNICA,
}
# Requests that end a quote in progress and start their own flow.
LEAVES_A_QUOTE = frozenset({"book_plantao", "cancel_plantao"})
# What each entity of a message fills; a new question (`ask_quote`) forgets what it does not repeat.
SLOTS_BY_ENTITY = {
    "duracao": ("duracao", "duracao_minutos"),
    "especialistas": ("especialistas",),
    "inconsistencia": ("inconsistencia",),
    "horario": ("janela", "plantao_inicio", "plantao_fim"),
    "data": ("janela", "plantao_inicio", "plantao_fim"),
    "encerramento": ("encerramento", "plantao_encerramento"),
}

# Every entity that says something about a quote.
QUOTE_ENTITIES = frozenset({*SLOTS_BY_ENTITY, "modalidade"})
SPECIALISTS_WORD = re.compile(r"\b(especialista|analista|consultor|pessoa|t[eé]cnico)", re.I)


def quoted_window(tracker: Tracker) -> Window | None:
    """The plantão window of the quote in progress or last shown."""
    start, end = tracker.get_slot("plantao_inicio"), tracker.get_slot("plantao_fim")
    if not start or not end:
        return None
    return Window(datetime.fromisoformat(start), datetime.fromisoformat(end))


def inconsistency_outcome(said: str) -> str | None:
    """The value of the `inconsistencia` slot that `said` names, or None."""
    plain = normalize(said)
    if plain in {outcome.value for outcome in Inconsistency}:
        return plain
    if re.search(r"\bnao\s+(?:foi\s+|esta\s+|estava\s+)?(?:publicad|documentad|conhecid)", plain):
        return Inconsistency.NEW.value
    if re.search(r"\b(publicad|documentad|conhecid)", plain):
        return Inconsistency.PUBLISHED.value
    if re.search(r"\b(sem|nao|nenhum)\b", plain):
        return Inconsistency.NONE.value
    if re.search(r"\b(nov[oa])\b", plain):
        return Inconsistency.NEW.value
    return None


# The words around "inconsistência" in a message, where its outcome is said ("se achar
# inconsistência nova", "sem inconsistência", "inconsistência já publicada").
_INCONSISTENCY_CLAUSE = re.compile(r"(?:\S+\s+){0,2}\binconsistenc\w*(?:\s+\S+){0,3}")


def _outcome_said(tracker: Tracker) -> str | None:
    """The inconsistency outcome the message itself states, for when the entity extractor
    missed it."""
    found = _INCONSISTENCY_CLAUSE.search(normalize(text(tracker)))
    return None if found is None else inconsistency_outcome(found.group())


def _says_nothing_of_a_quote(tracker: Tracker) -> bool:
    """A detail given outside the form (it is being activated by "inform") that names nothing
    a quote has: "pressão 14 por 9 é alta?" must not open a quote (SPEC §11)."""
    named = entity_names(tracker) & QUOTE_ENTITIES
    if not SPECIALISTS_WORD.search(text(tracker)):
        # A bare number tagged as a count of specialists ("pressão 14 por 9") names none.
        named -= {"especialistas"}
    return intent(tracker) == "inform" and not tracker.active_loop and not named


class ValidateQuoteForm(FormValidationAction):
    def name(self) -> str:
        return "validate_quote_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if pressed_elsewhere(tracker):
            return stale_in_form(dispatcher, tracker)
        if stop_on_giving_up(dispatcher, tracker):
            # No modality left to quote: the action after the form says nothing more.
            return [SlotSet("modalidade", None), SlotSet("requested_slot", None)]
        if intent(tracker) in LEAVES_A_QUOTE or _says_nothing_of_a_quote(tracker):
            # "quero agendar esse plantão" leaves the quote even though it names the modality
            # (a slot the form would take): the rule for booking or cancelling takes over.
            return [ActionExecutionRejected(self.form_name())]
        forget: list[EventType] = []
        if intent(tracker) == "ask_quote":
            said = entity_names(tracker)
            kept = {slot for name in said for slot in SLOTS_BY_ENTITY.get(name, ())}
            stale = {
                slot
                for slots in SLOTS_BY_ENTITY.values()
                for slot in slots
                if slot not in kept and tracker.slots.get(slot) is not None
            }
            forget = [SlotSet(slot, None) for slot in sorted(stale)]
            tracker.slots.update(dict.fromkeys(stale))
            # Rasa hands prefilled slots over as candidates at the end of the events: drop
            # the stale ones so they are neither validated nor set again.
            tracker.events = [
                e
                for e in tracker.events
                if not (e.get("event") == "slot" and e.get("name") in stale)
            ]
        events: list[EventType] = await super().run(dispatcher, tracker, domain)
        return forget + events

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[str]:
        modality = tracker.get_slot("modalidade")
        needed = ["modalidade"]
        if modality in {"consultoria_telefonica", "consultoria_suporte", "consultoria_tecnica"}:
            needed.append("duracao")
        if modality == "consultoria_suporte":
            needed.append("inconsistencia")
        if modality == "plantao":
            ends = tracker.get_slot("encerramento") or _end_said(tracker) is not None
            needed += ["janela", "encerramento"] if ends else ["janela"]
        if modality in {"consultoria_telefonica", "plantao"} and (
            tracker.get_slot("especialistas") is not None
            or ("especialistas" in tracker.slots_to_validate() and _count_asked_or_named(tracker))
            or _specialists_said(tracker) is not None
        ):
            needed.append("especialistas")
        return needed

    # The entity extractor misses some counts and end times ("com 3 especialistas", "e se eu
    # encerrar às 10?"); the parsers read them from the message itself.
    async def extract_especialistas(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        count = _specialists_said(tracker)
        if count is None or "especialistas" in tracker.slots_to_validate():
            return {}
        return {"especialistas": float(count)}

    async def extract_encerramento(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if _end_said(tracker) is None or "encerramento" in tracker.slots_to_validate():
            return {}
        return {"encerramento": text(tracker)}

    async def extract_inconsistencia(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        outcome = _outcome_said(tracker)
        if outcome is None or "inconsistencia" in tracker.slots_to_validate():
            return {}
        return {"inconsistencia": outcome}

    def validate_duracao(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "duracao" and not names_a_duration(str(value)):
            # Not the answer to "quanto tempo?", so a bare number counts only when the message
            # gives its unit: the "uma" of "uma consultoria", which the entity extractor may tag,
            # is an article. Without a duration the form asks for one.
            message = text(tracker)
            if not names_a_duration(message):
                return {"duracao": None, "duracao_minutos": None}
            value = message
        minutes = parse_duration_minutes(str(value))
        if minutes is None:
            minutes = parse_duration_minutes(text(tracker))
        if minutes is None or minutes <= 0:
            dispatcher.utter_message(text=say.DURATION_AGAIN)
            return {"duracao": None, "duracao_minutos": None}
        return {"duracao": str(value), "duracao_minutos": float(minutes)}

    def validate_inconsistencia(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        # The entity's text reaches here when no synonym maps it ("sem inconsistencia" without
        # the accent); an unknown outcome is asked again, with buttons, instead of failing.
        return {"inconsistencia": inconsistency_outcome(str(value))}

    def validate_especialistas(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if not _count_asked_or_named(tracker):
            # A number the extractor took for a head count from a date or an hour ("12/10 das
            # 8 às 12"): nothing was said of specialists.
            return {"especialistas": before_this_message(tracker, "especialistas")}
        count = _as_count(value, tracker)
        limit = runtime.context().settings.tariff.plantao.max_specialists
        if count is None or not 1 <= count <= limit:
            dispatcher.utter_message(text=say.specialists_again(limit))
            return {"especialistas": None}
        return {"especialistas": float(count)}

    def validate_janela(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        now = runtime.context().now
        message, known = text(tracker), quoted_window(tracker)
        if known is not None and tracker.get_slot("requested_slot") != "janela":
            # A follow-up revalidates the window; the slot's text alone may lack its day.
            window = window_said_of(message, known, now)
            if window is None:  # "e se forem 2 especialistas?" leaves the window alone
                return {"janela": str(value)}
        else:
            window = parse_window(message, now) or parse_window(str(value), now)
        if window is None:
            dispatcher.utter_message(text=say.WINDOW_AGAIN)
            return {"janela": None, "plantao_inicio": None, "plantao_fim": None}
        updates: dict[str, Any] = {
            "janela": str(value),
            "plantao_inicio": window.start.isoformat(),
            "plantao_fim": window.end.isoformat(),
        }
        ended = parse_end_time(message, window, now)
        if ended is not None:
            updates |= {
                "encerramento": ended.strftime("%H:%M"),
                "plantao_encerramento": ended.isoformat(),
            }
        elif known is not None and window != known:
            # An early end belongs to the window it was given for: "e se for na segunda?"
            # quotes Monday's whole window, not Saturday's end time moved to it.
            updates |= {"encerramento": None, "plantao_encerramento": None}
        return updates

    def validate_encerramento(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        window = quoted_window(tracker)
        if window is None:  # the window is asked first; the end time is read again with it
            return {}
        now = runtime.context().now
        ended = parse_end_time(text(tracker), window, now) or parse_end_time(
            str(value), window, now
        )
        if ended is None:
            dispatcher.utter_message(text=say.END_TIME_AGAIN)
            return {"encerramento": None, "plantao_encerramento": None}
        return {"encerramento": str(value), "plantao_encerramento": ended.isoformat()}


def _count_asked_or_named(tracker: Tracker) -> bool:
    """Whether a number in the message can be a head count: the form asked for one, or the
    message names the specialists."""
    asked = tracker.get_slot("requested_slot") == "especialistas"
    return asked or bool(SPECIALISTS_WORD.search(text(tracker)))


def _specialists_said(tracker: Tracker) -> int | None:
    """A head count the message gives with its noun ("com 3 especialistas"), never a bare
    number, which may be an hour or a day."""
    message = text(tracker)
    return parse_count(message) if SPECIALISTS_WORD.search(message) else None


def _end_said(tracker: Tracker) -> datetime | None:
    """An early end the message gives for the window being quoted, or the one it names."""
    now = runtime.context().now
    window = parse_window(text(tracker), now) or quoted_window(tracker)
    return None if window is None else parse_end_time(text(tracker), window, now)


def _as_count(value: Any, tracker: Tracker) -> int | None:
    if isinstance(value, (int, float)):
        return int(value)
    count: int | None = parse_count(str(value)) or parse_count(text(tracker))
    return count


@dataclass(frozen=True)
class Asker:
    """What a quote needs to know of the person asking: the unit that pays when they are a
    consultant, and the minutes left in their hour bank (None: they have none)."""

    unit: str | None = None
    hour_bank_minutes: int | None = None


def asker_of(tracker: Tracker, ctx: runtime.Context) -> Asker:
    with db.unit_of_work(ctx.sessions) as session:
        person = find_person(session, caller(tracker))
        if person is None:
            return Asker()
        unit = people.bill_to(person)["bill_to_unit"]
        return Asker(unit, hour_bank.balance(session, person.id))


def quote_for(tracker: Tracker, ctx: runtime.Context, asker: Asker) -> Quote:
    """Price what the slots describe with the tariff engine and the current price table; a
    consultant's Suporte and Técnica are billed to their unit, and a Telefônica is taken from
    the asker's hour bank first."""
    table, rules, today = ctx.prices, ctx.settings.tariff, ctx.now.date()
    requested_by = RequestedBy.CONSULTANT if asker.unit else RequestedBy.CUSTOMER
    modality = PRICED[tracker.get_slot("modalidade")]
    specialists = int(tracker.get_slot("especialistas") or 1)
    minutes = int(tracker.get_slot("duracao_minutos") or 0)
    if modality is Modality.PLANTAO:
        window = quoted_window(tracker)
        if window is None:
            raise TariffError(say.MISSING_WINDOW)
        ended = tracker.get_slot("plantao_encerramento")
        return quote_plantao(
            window.start,
            window.end,
            specialists=specialists,
            table=table,
            rules=rules,
            ended_at=datetime.fromisoformat(ended) if ended else None,
        )
    if modality is Modality.TELEFONICA:
        return quote_telefonica(
            minutes,
            day=today,
            table=table,
            rules=rules,
            specialists=specialists,
            hour_bank_minutes=asker.hour_bank_minutes,
        )
    if modality is Modality.SUPORTE:
        return quote_suporte(
            minutes,
            inconsistency=Inconsistency(tracker.get_slot("inconsistencia") or "none"),
            day=today,
            table=table,
            rules=rules,
            requested_by=requested_by,
        )
    return quote_tecnica(minutes, day=today, table=table, rules=rules, requested_by=requested_by)


class ActionQuote(Action):
    def name(self) -> str:
        return "action_quote"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        modality = tracker.get_slot("modalidade")
        if modality not in PRICED:  # free or by proposal: rules explain that modality
            return [SlotSet("recomendacao", modality)]
        ctx = runtime.context()
        asker = asker_of(tracker, ctx)
        try:
            quote = quote_for(tracker, ctx, asker)
        except TariffError as exc:
            dispatcher.utter_message(text=say.not_quoted(str(exc)))
            return [SlotSet("recomendacao", None)]
        dispatcher.utter_message(text=say.quote_message(quote, asker.unit))
        window = quoted_window(tracker)
        if quote.modality is Modality.PLANTAO and window is not None:
            check = check_booking(
                window.start, window.end, quote.specialists, now=ctx.now, rules=ctx.settings.tariff
            )
            notes = [*check.errors, *check.warnings]
            if notes:
                dispatcher.utter_message(text=say.booking_notes(notes))
        return [SlotSet("recomendacao", None)]


class ActionPriceInfo(Action):
    """The prices in force today, for one modality when the message names it."""

    def name(self) -> str:
        return "action_price_info"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        ctx = runtime.context()
        table, today = ctx.prices, ctx.now.date()
        named = PRICED.get(entity(tracker, "modalidade") or "")
        modalities = [named] if named else list(Modality)
        in_force = [table.price_on(modality, today) for modality in modalities]
        prices = [table.describe(version) for version in in_force if version is not None]
        dispatcher.utter_message(
            text=say.price_list(prices, ctx.settings.tariff.minimum_minutes),
            buttons=[say.BUTTON_CALCULATE],
        )
        return []

"""A customer's own shifts: the list with states and amounts, and cancelling one of them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.failures import apologize_on_database_error
from actions.identity import find_person
from actions.pending import asked_by, clear_pending
from actions.quotes import quote_message
from actions.tracker import caller
from consultoria import db, runtime
from consultoria.db import Plantao, StateConflict
from consultoria.tariff import PriceTable, Quote, format_brl, format_moment, quote_plantao
from consultoria.textparse import parse_ref

STATES_PT = {
    "requested": "aguardando confirmação",
    "confirmed": "confirmado",
    "in_progress": "em andamento",
    "completed": "concluído",
    "ended_early": "encerrado antes do fim",
    "cancelled": "cancelado",
}
CANCELLABLE = frozenset({"requested", "confirmed"})


def _until(plantao: Plantao) -> str:
    tz = runtime.settings().tariff.calendar.timezone
    start, end = plantao.start_at.astimezone(tz), plantao.end_at.astimezone(tz)
    return f"{end:%H:%M}" if end.date() == start.date() else format_moment(end)


def describe(plantao: Plantao) -> str:
    """One line per shift: reference, window, specialists, state and the amount that applies."""
    tz = runtime.settings().tariff.calendar.timezone
    line = (
        f"{plantao.ref} — {format_moment(plantao.start_at.astimezone(tz))} até {_until(plantao)}, "
        f"{plantao.specialists} especialista(s), {STATES_PT[plantao.state]}"
    )
    if plantao.amount_due is not None:
        return f"{line}; valor devido {format_brl(plantao.amount_due)}."
    if plantao.quoted_amount is not None:
        return f"{line}; valor previsto {format_brl(plantao.quoted_amount)}."
    return line + "."


def _own_plantoes(tracker: Tracker) -> list[Plantao]:
    with db.unit_of_work(runtime.sessions()) as session:
        person = find_person(session, caller(tracker))
        return [] if person is None else db.list_plantoes_for_person(session, person.id)


def _own_plantao(tracker: Tracker, plantao_id: int) -> Plantao | None:
    """The caller's shift with this id; someone else's is as good as missing."""
    with db.unit_of_work(runtime.sessions()) as session:
        person = find_person(session, caller(tracker))
        return None if person is None else db.get_plantao_for_person(session, plantao_id, person.id)


def cancellation_quote(plantao: Plantao, at: datetime, table: PriceTable) -> Quote:
    """What cancelling at `at` costs (SPEC §3.3 item 4), with the price of the shift's start."""
    return quote_plantao(
        plantao.start_at,
        plantao.end_at,
        specialists=plantao.specialists,
        table=table,
        rules=runtime.settings().tariff,
        ended_at=at,
    )


def _ref_asked(tracker: Tracker) -> str | None:
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") == "plantao_ref" and entity.get("value"):
            return parse_ref(str(entity["value"]))
    return parse_ref(str(tracker.latest_message.get("text") or ""))


class ActionListMyPlantoes(Action):
    def name(self) -> str:
        return "action_list_my_plantoes"

    @apologize_on_database_error(lambda: [])
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        plantoes = _own_plantoes(tracker)
        if not plantoes:
            dispatcher.utter_message(
                text='Você não tem plantões registrados. Para agendar, diga "agendar plantão".',
                buttons=[{"title": "Agendar plantão", "payload": "/book_plantao"}],
            )
            return []
        lines = ["Seus plantões:", *(f"• {describe(p)}" for p in plantoes)]
        dispatcher.utter_message(text="\n".join(lines))
        return []


class ActionCancelRequest(Action):
    """Which shift to cancel, and what cancelling it now would cost, before asking to confirm."""

    def name(self) -> str:
        return "action_cancel_request"

    @apologize_on_database_error(lambda: [SlotSet("pendente", None)])
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        ref = _ref_asked(tracker)
        if ref is None:
            return self._ask_which(dispatcher, tracker)
        plantao = _own_plantao(tracker, db.parse_ref(ref))
        if plantao is None:
            dispatcher.utter_message(text=f"Não encontrei o plantão {ref} entre os seus.")
            return [SlotSet("pendente", None)]
        now = runtime.now()
        if plantao.state not in CANCELLABLE:
            dispatcher.utter_message(
                text=f"O plantão {ref} está {STATES_PT[plantao.state]} e não pode ser cancelado."
            )
            return [SlotSet("pendente", None)]
        if plantao.start_at <= now:
            dispatcher.utter_message(
                text=f"O plantão {ref} já começou: para encerrá-lo antes do fim, fale com a "
                "equipe da Consultoria.",
                buttons=[{"title": "Falar com um atendente", "payload": "/human_handoff"}],
            )
            return [SlotSet("pendente", None)]
        quote = cancellation_quote(plantao, now, runtime.price_table())
        dispatcher.utter_message(
            text=f"Se cancelar agora o plantão {ref}:\n\n{quote_message(quote)}"
        )
        dispatcher.utter_message(
            text=f"Confirma o cancelamento do plantão {ref}?",
            buttons=[
                {"title": "Sim, cancelar", "payload": "/affirm"},
                {"title": "Não", "payload": "/deny"},
            ],
        )
        return [SlotSet("pendente", "confirmar_cancelamento"), SlotSet("plantao_ref", ref)]

    def _ask_which(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        open_ones = [p for p in _own_plantoes(tracker) if p.state in CANCELLABLE]
        if not open_ones:
            dispatcher.utter_message(text="Você não tem plantões que possam ser cancelados.")
            return [SlotSet("pendente", None)]
        dispatcher.utter_message(
            text="Qual plantão você quer cancelar?",
            buttons=[
                {
                    "title": describe(p),
                    "payload": f'/cancel_plantao{{"plantao_ref": "{p.ref}"}}',
                }
                for p in open_ones
            ],
        )
        return [SlotSet("pendente", None)]


class ActionConfirmCancellation(Action):
    """ "Sim": cancel by compare-and-set, with the amount due computed at this moment."""

    def name(self) -> str:
        return "action_confirm_cancellation"

    @apologize_on_database_error(lambda: [SlotSet("pendente", None)])
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        ref = tracker.get_slot("plantao_ref")
        if (
            tracker.get_slot("pendente") != "confirmar_cancelamento"
            or not ref
            or not asked_by(tracker, {"action_cancel_request"})
        ):
            return clear_pending(dispatcher)
        done = [SlotSet("pendente", None), SlotSet("plantao_ref", None)]
        who = caller(tracker)
        now = runtime.now()
        with db.unit_of_work(runtime.sessions()) as session:
            person = find_person(session, who)
            plantao = (
                None
                if person is None
                else db.get_plantao_for_person(session, db.parse_ref(ref), person.id)
            )
            if person is None or plantao is None:
                dispatcher.utter_message(text=f"Não encontrei o plantão {ref} entre os seus.")
                return done
            if plantao.start_at <= now:
                dispatcher.utter_message(
                    text=f"O plantão {ref} já começou e não pode mais ser cancelado por aqui."
                )
                return done
            quote = cancellation_quote(plantao, now, db.load_price_table(session))
            try:
                db.transition(
                    session,
                    plantao.id,
                    to_state="cancelled",
                    allowed_from=CANCELLABLE,
                    actor_person_id=person.id,
                    actor_role="customer",
                    channel=who.channel,
                    billed_minutes=quote.charged_minutes or 0,
                    amount_due=quote.amount,
                    ended_at=now,
                    note="cancelado pelo cliente",
                )
            except StateConflict as exc:
                dispatcher.utter_message(text=f"Não cancelei: {exc}")
                return done
        due = "sem custo" if not quote.amount else f"valor devido {format_brl(quote.amount)}"
        dispatcher.utter_message(
            text=f"Plantão {ref} cancelado ({due}). A equipe da Consultoria foi avisada.\n\n"
            + "\n".join(quote.lines)
        )
        return done

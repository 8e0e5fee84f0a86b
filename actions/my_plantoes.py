"""A customer's own plantões: the list with states and amounts, and cancelling one of them.

The amount a final change's preview showed rides on its question (actions/pending.py): "Sim"
changes the plantão only at that amount, and a different one is shown and asked again (SPEC §4).
Staff ending or cancelling a plantão confirm the same way (actions/staff_ops.py)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Protocol, TypeVar

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions import tracker as said
from actions.calendar import send_calendar
from actions.failures import GuardedAction
from actions.identity import find_person
from actions.messages import plantoes as say
from actions.pending import AnswerAction, Question, ask
from actions.tracker import Caller
from consultoria import db, runtime
from consultoria.db import Plantao
from consultoria.ics import Method
from consultoria.presentation import describe
from consultoria.services import plantoes
from consultoria.services.actors import Customer
from consultoria.services.plantoes import (
    AlreadyStarted,
    AmountChanged,
    PlantaoNotFound,
    StateConflict,
)
from consultoria.tariff import Quote, TariffRules
from consultoria.textparse import listed_position, parse_day, parse_ref

CANCEL_QUESTION = "confirmar_cancelamento"
LISTED_SLOT = "plantoes_listados"


def customer(session: Session, who: Caller) -> Customer | None:
    """The sender as the customer of their own plantões; None without a person record (they
    never booked), and so without plantões."""
    person = find_person(session, who)
    return None if person is None else Customer(person, who.channel)


def _own_plantoes(ctx: runtime.Context, who: Caller, *, cancellable_only: bool) -> list[Plantao]:
    with db.unit_of_work(ctx.sessions) as session:
        found = customer(session, who)
        if found is None:
            return []
        return plantoes.list_for_customer(session, found, cancellable_only=cancellable_only)


T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class CustomerOperation(Protocol[T_co]):
    """A plantão service operation on one of the customer's plantões, as of now."""

    def __call__(
        self,
        session: Session,
        customer: Customer,
        plantao_id: int,
        *,
        now: datetime,
        rules: TariffRules,
    ) -> T_co: ...


def _on_own_plantao(
    operation: CustomerOperation[T], ctx: runtime.Context, tracker: Tracker, ref: str
) -> T:
    """Run a service operation on the sender's plantão `ref`, in one unit of work."""
    with db.unit_of_work(ctx.sessions) as session:
        asking = customer(session, said.caller(tracker))
        if asking is None:
            raise PlantaoNotFound(db.parse_ref(ref))
        return operation(session, asking, db.parse_ref(ref), now=ctx.now, rules=ctx.settings.tariff)


def _ref_asked(tracker: Tracker) -> str | None:
    """The plantão the message names: by its reference, or by its place in the list just
    shown ("o segundo", "o último", "esse" when there was one)."""
    asked = said.entity(tracker, "plantao_ref")
    text = said.text(tracker)
    ref = parse_ref(asked) if asked is not None else parse_ref(text)
    if ref is not None:
        return ref
    listed = tracker.get_slot(LISTED_SLOT) or []
    position = listed_position(text, len(listed)) if listed else None
    return None if position is None else str(listed[position])


def _on_the_day_said(
    ctx: runtime.Context, tracker: Tracker, open_ones: list[Plantao]
) -> list[Plantao]:
    """The plantões starting on the day the message names; all of them when it names none."""
    day = parse_day(said.text(tracker), ctx.now)
    if day is None:
        return open_ones
    zone = ctx.settings.tariff.calendar.timezone
    return [p for p in open_ones if p.start_at.astimezone(zone).date() == day]


def _listed(plantoes_shown: list[Plantao]) -> SlotSet:
    return SlotSet(LISTED_SLOT, [p.ref for p in plantoes_shown])


class ActionListMyPlantoes(GuardedAction):
    action_name = "action_list_my_plantoes"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        ctx = runtime.context()
        own = _own_plantoes(ctx, said.caller(tracker), cancellable_only=False)
        if not own:
            dispatcher.utter_message(text=say.NO_PLANTOES, buttons=[say.BOOK_BUTTON])
            return []
        zone = ctx.settings.tariff.calendar.timezone
        dispatcher.utter_message(text=say.own_plantoes(describe(p, zone) for p in own))
        return [_listed(own)]


class ActionCancelRequest(GuardedAction):
    """Which plantão to cancel, and what cancelling it now would cost, before asking to confirm."""

    action_name = "action_cancel_request"

    def reset(self) -> list[EventType]:
        return [SlotSet("pendente", None)]

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        ctx = runtime.context()
        ref = _ref_asked(tracker)
        if ref is None:
            # "cancelar o plantão" with a single one that can be cancelled means that one, and
            # "cancelar o de sábado" the only one that starts on that day.
            open_ones = _own_plantoes(ctx, said.caller(tracker), cancellable_only=True)
            meant = _on_the_day_said(ctx, tracker, open_ones)
            if len(meant) != 1:
                return _ask_which(dispatcher, ctx, open_ones)
            ref = meant[0].ref
        try:
            quote = _on_own_plantao(plantoes.cancellation_preview, ctx, tracker, ref)
        except PlantaoNotFound:
            dispatcher.utter_message(text=say.not_yours(ref))
            return [SlotSet("pendente", None)]
        except StateConflict as exc:
            dispatcher.utter_message(text=say.not_cancellable(ref, exc.state))
            return [SlotSet("pendente", None)]
        except AlreadyStarted:
            dispatcher.utter_message(text=say.started_ask_staff(ref), buttons=[say.HANDOFF_BUTTON])
            return [SlotSet("pendente", None)]
        dispatcher.utter_message(text=say.cancellation_cost(ref, quote))
        asked = ask_at_amount(
            dispatcher,
            CANCEL_QUESTION,
            say.confirm_cancellation(ref),
            say.CONFIRM_CANCEL_BUTTONS,
            ref,
            quote,
        )
        return [*asked, SlotSet("plantao_ref", ref)]


def ask_at_amount(
    dispatcher: CollectingDispatcher,
    kind: str,
    text: str,
    buttons: list[dict[str, str]],
    ref: str,
    quote: Quote,
    **shown: str,
) -> list[EventType]:
    """Ask to confirm a final change of plantão `ref` that costs `quote`: the question keeps the
    amount it showed, which is the only amount its "Sim" accepts."""
    amount = None if quote.amount is None else str(quote.amount)
    return ask(dispatcher, kind, text, buttons, {"plantao_ref": ref, "amount": amount, **shown})


def amount_shown(question: Question) -> Decimal | None:
    """The amount the question showed, which its "Sim" confirms."""
    shown = question.shown.get("amount")
    return None if shown is None else Decimal(str(shown))


def _ask_which(
    dispatcher: CollectingDispatcher, ctx: runtime.Context, open_ones: list[Plantao]
) -> list[EventType]:
    if not open_ones:
        # Often asked as "posso cancelar um plantão depois de marcar?": the rule answers that.
        dispatcher.utter_message(text=say.NOTHING_TO_CANCEL)
        dispatcher.utter_message(response=say.CANCELLATION_RULE_RESPONSE)
        return [SlotSet("pendente", None)]
    zone = ctx.settings.tariff.calendar.timezone
    dispatcher.utter_message(
        text=say.WHICH_TO_CANCEL,
        buttons=[say.cancel_button(describe(p, zone), p.ref) for p in open_ones],
    )
    return [SlotSet("pendente", None), _listed(open_ones)]


def _cancel_as_shown(
    ctx: runtime.Context, tracker: Tracker, question: Question, ref: str
) -> plantoes.Done:
    """Cancel `ref` at the amount the question showed; AmountChanged, with the amount due now,
    when that is no longer the amount."""
    cancel = partial(plantoes.cancel_by_customer, confirmed=amount_shown(question))
    return _on_own_plantao(cancel, ctx, tracker, ref)


class ActionConfirmCancellation(AnswerAction):
    """ "Sim": cancel by compare-and-set, at the amount due now if it is the amount shown."""

    action_name = "action_confirm_cancellation"
    answers = frozenset({CANCEL_QUESTION})

    def act_on(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, question: Question
    ) -> list[EventType]:
        ctx, ref = runtime.context(), str(question.shown.get("plantao_ref"))
        try:
            done = _cancel_as_shown(ctx, tracker, question, ref)
        except AmountChanged as exc:
            dispatcher.utter_message(
                text=say.amount_changed(ref, exc.quote), buttons=[say.review_button(ref)]
            )
        except PlantaoNotFound:
            dispatcher.utter_message(text=say.not_yours(ref))
        except AlreadyStarted:
            dispatcher.utter_message(text=say.started_not_here(ref))
        except StateConflict as exc:
            dispatcher.utter_message(text=say.not_cancelled(say.state_conflict(ref, exc.state)))
        else:
            dispatcher.utter_message(text=say.cancelled(ref, done.quote))
            send_calendar(dispatcher, ctx, done.plantao, Method.CANCEL)
        return [SlotSet("pendente", None), SlotSet("plantao_ref", None)]

"""The Terms of the charged modalities (SPEC §5): texts rendered with configured figures,
versioned in the database, shown as a summary with the full text on request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.failures import GuardedAction
from actions.messages import terms as say
from actions.pending import ask, current_question, open_question, pressed, stale
from actions.tracker import entities
from consultoria import db, runtime
from consultoria.db import TermVersion, text_sha256
from consultoria.services import term_texts
from consultoria.services.terms import sync_term
from consultoria.settings import Settings
from consultoria.tariff import Modality, PriceTable

# The `pendente` value of the question "Você aceita este Termo?" before booking a plantão, of
# the same question for a service that starts outside the bot (the Consultoria do Suporte on
# a ticket, the Consultoria Telefônica): its `modalidade` and ticket ride on the question, and
# before requesting a Consultoria Técnica appointment, which rides on its question too.
TERM_QUESTION = "termo"
SERVICE_TERM_QUESTION = "termo_servico"
TECNICA_TERM_QUESTION = "termo_tecnica"
TERM_QUESTIONS = frozenset({TERM_QUESTION, SERVICE_TERM_QUESTION, TECNICA_TERM_QUESTION})
# Telegram refuses messages over 4096 characters; keep a margin for the channel's markup.
CHAT_LIMIT = 4000
ENTITY_MODALITIES = {
    "plantao": Modality.PLANTAO,
    "consultoria_telefonica": Modality.TELEFONICA,
    "consultoria_suporte": Modality.SUPORTE,
    "consultoria_tecnica": Modality.TECNICA,
}


@dataclass(frozen=True)
class TermText:
    """A Term as shown to people, with the configured figures filled in."""

    modality: Modality
    title: str
    summary: str
    clauses: str

    @property
    def full_text(self) -> str:
        return say.full_text(self.title, self.summary, self.clauses)

    def prompt(self, version: TermVersion) -> str:
        """The summary message a person answers for `version`."""
        return say.acceptance_prompt(self.title, version.version, self.summary)


def render_term(modality: Modality, settings: Settings, table: PriceTable, today: date) -> TermText:
    template = settings.terms[modality]
    figures = say.term_figures(settings, table, modality, today)
    return TermText(
        modality=modality,
        title=template.title.format_map(figures),
        summary=template.summary.format_map(figures),
        clauses=template.text.format_map(figures),
    )


def current_term(
    session: Session, ctx: runtime.Context, modality: Modality
) -> tuple[TermVersion, TermText]:
    """The Term in force today, recorded as a new version if its text changed."""
    table = db.load_price_table(session)  # the same transaction: no second connection
    text = render_term(modality, ctx.settings, table, ctx.now.date())
    version = sync_term(session, modality.value, text.title, text.full_text)
    # Both texts a person may answer are kept, so each acceptance's hash can be audited.
    for shown in (version.text, text.prompt(version)):
        term_texts.remember_shown(session, version, shown)
    return version, text


def split_for_chat(text: str, limit: int = CHAT_LIMIT) -> list[str]:
    """Messages of at most `limit` characters, cut between paragraphs, lines or words."""
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = max(window.rfind("\n\n"), 0) or max(window.rfind("\n"), 0) or window.rfind(" ")
        cut = cut if cut > 0 else limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def ask_acceptance(
    dispatcher: CollectingDispatcher,
    version: TermVersion,
    text: TermText,
    kind: str = TERM_QUESTION,
    shown: Mapping[str, Any] | None = None,
) -> list[EventType]:
    """Show the summary with the answer buttons; the slots remember what exactly was shown, the
    question what it is for (`shown`)."""
    prompt = text.prompt(version)
    buttons = [say.BUTTON_ACCEPT, say.BUTTON_REFUSE, say.BUTTON_FULL_TEXT]
    return [
        *ask(dispatcher, kind, prompt, buttons, shown),
        SlotSet("termo_versao", float(version.id)),
        SlotSet("termo_hash", text_sha256(prompt)),
    ]


def _modality_asked(tracker: Tracker) -> Modality:
    named = [value for value in entities(tracker, "modalidade") if value in ENTITY_MODALITIES]
    return ENTITY_MODALITIES[named[0]] if named else Modality.PLANTAO


def _show_full_text(
    dispatcher: CollectingDispatcher, modality: Modality
) -> tuple[TermVersion, TermText]:
    """Show the full text of the Term of `modality` in force; that version and its text."""
    ctx = runtime.context()
    with db.unit_of_work(ctx.sessions) as session:
        version, text = current_term(session, ctx, modality)
    for chunk in split_for_chat(version.text):
        dispatcher.utter_message(text=chunk)
    return version, text


class ActionShowTerm(GuardedAction):
    """The full text of the Term being answered, or of the modality asked about."""

    action_name = "action_show_term"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        question = open_question(tracker)
        if pressed(tracker) is not None and question is None:
            return stale(dispatcher, current_question(tracker))
        if question is None or question.kind not in TERM_QUESTIONS:
            _show_full_text(dispatcher, _modality_asked(tracker))
            dispatcher.utter_message(text=say.ACCEPTANCE_ASKED_ON_CONTRACTING)
            return [SlotSet("pendente", None)]
        modality = Modality(question.shown.get("modalidade", Modality.PLANTAO.value))
        version, text = _show_full_text(dispatcher, modality)
        if float(version.id) != tracker.get_slot("termo_versao"):
            # The Term changed while the person was reading: ask again with the new summary.
            return ask_acceptance(dispatcher, version, text, question.kind, question.shown)
        # The answer now refers to the full text just shown: a new question, whose buttons are
        # the only ones that accept it.
        question_asked = say.acceptance_question(version.version)
        buttons = [say.BUTTON_ACCEPT, say.BUTTON_REFUSE]
        return [
            *ask(dispatcher, question.kind, question_asked, buttons, question.shown),
            SlotSet("termo_hash", text_sha256(version.text)),
        ]

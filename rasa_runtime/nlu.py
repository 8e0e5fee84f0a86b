"""The project's NLU components: Rasa's whitespace tokenizer whose tokens carry an
accent-folded lemma, so "horario", "preco" and "tecnica" count as "horário", "preço" and
"técnica", and which leaves out a self-introduction ("sou da empresa X e …"); and Rasa's
synonym mapper, bounded to the values an entity can take.

People write pt-BR without accents about as often as with them; the featurizers count each
spelling as a different word, so a message typed without accents looked less like the training
examples written with them and fell below the confidence thresholds. Rasa's CountVectors
featurizers read a token's lemma (`use_lemma`, on by default) and the WhitespaceTokenizer sets
none, so the lemma is where a folded spelling goes: the token's text and offsets stay as typed,
and so do the entities extracted from them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.entity_synonyms import EntitySynonymMapper
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message


def fold(text: str) -> str:
    """`text` in lower case without diacritics ("Técnica" -> "tecnica")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# A self-introduction at the start of a sentence ("sou da empresa Metalúrgica Joinville e",
# "aqui é o Paulo da Agro Serra,", "meu nome é Ana e"), up to the comma, period or "e" that ends
# it: the name of a company or a person says nothing of what is asked, and an unknown one pulled
# the question below the confidence threshold. "sou cliente" or "sou obrigado a" are no
# introduction (no article), and without a word that ends the clause nothing is left out.
_INTRODUCTION = re.compile(
    r"(?:^|(?<=[,.!?;]))\s*(?:sou|aqui e|meu nome e|me chamo)\s+(?:[oa]s?\s|d[aeo]s?\s)"
    r"[^,.!?;]{0,60}?(?=\s+e\s|[,.!?;])"
)


def _folded_by_character(text: str) -> str:
    """`text` folded one character for one, so that offsets into it are offsets into `text`."""
    return "".join((fold(char) or " ")[0] for char in text)


def introduction(text: str) -> tuple[int, int] | None:
    """Where the message introduces who writes, as offsets into `text`; None when it does not."""
    found = _INTRODUCTION.search(_folded_by_character(text))
    return None if found is None else (found.start(), found.end())


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class FoldingTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer whose tokens' lemma is their accent-folded, lower-case text, without
    the tokens of a self-introduction when the message says something else too."""

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            token.lemma = fold(token.text)
        span = introduction(message.get(attribute) or "") if attribute == TEXT else None
        if span is None:
            return tokens
        rest = [t for t in tokens if not (span[0] <= t.start and t.end <= span[1])]
        return rest or tokens


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class BoundedSynonymMapper(EntitySynonymMapper):
    """Rasa's EntitySynonymMapper, then every entity named in `canonical` holds one of its
    listed values, or is dropped.

    DIET sometimes draws an entity one word too wide ("[plantão em] 10/03", "[plantao sexta]"):
    no synonym matches, and the raw text would fill a categorical slot with a value no action
    knows, so the message fell to the fallback. The known surface inside the span gives the
    value (and the span); a span with none names nothing.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"canonical": {}}

    def process(self, messages: list[Message]) -> list[Message]:
        messages = super().process(messages)
        canonical: dict[str, list[str]] = self._config.get("canonical") or {}
        for message in messages:
            text = message.get(TEXT) or ""
            bounded = [
                self._bounded(text, entity, canonical[entity["entity"]])
                if entity["entity"] in canonical
                else entity
                for entity in message.get(ENTITIES, [])
            ]
            message.set(ENTITIES, [e for e in bounded if e is not None], add_to_output=True)
        return messages

    def _bounded(
        self, text: str, entity: dict[str, Any], values: list[str]
    ) -> dict[str, Any] | None:
        if str(entity["value"]) in values:
            return entity
        start, end = entity["start"], entity["end"]
        span = fold(text[start:end])
        # The longest known surface of one of the values, as whole words inside the span.
        surfaces = sorted(
            (s for s, v in self.synonyms.items() if v in values), key=len, reverse=True
        )
        for surface in surfaces:
            found = re.search(rf"(?<!\w){re.escape(fold(surface))}(?!\w)", span)
            if found is None:
                continue
            bounded = {**entity, "value": self.synonyms[surface]}
            if len(span) == end - start:  # folding kept the length: the offsets still hold
                bounded["start"], bounded["end"] = start + found.start(), start + found.end()
            self.add_processor_name(bounded)
            return bounded
        return None

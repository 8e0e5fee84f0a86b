"""The project's one NLU component: Rasa's whitespace tokenizer whose tokens carry an
accent-folded lemma, so "horario", "preco" and "tecnica" count as "horário", "preço" and
"técnica".

People write pt-BR without accents about as often as with them; the featurizers count each
spelling as a different word, so a message typed without accents looked less like the training
examples written with them and fell below the confidence thresholds. Rasa's CountVectors
featurizers read a token's lemma (`use_lemma`, on by default) and the WhitespaceTokenizer sets
none, so the lemma is where a folded spelling goes: the token's text and offsets stay as typed,
and so do the entities extracted from them.
"""

from __future__ import annotations

import unicodedata

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message


def fold(text: str) -> str:
    """`text` in lower case without diacritics ("Técnica" -> "tecnica")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class FoldingTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer whose tokens' lemma is their accent-folded, lower-case text."""

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            token.lemma = fold(token.text)
        return tokens

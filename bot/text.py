"""Reply text for Telegram: split under the message limit, escaped for the HTML parse mode."""

from __future__ import annotations

import html
import re

# Telegram's limit, counted after entity parsing in UTF-16 code units (an emoji counts 2).
MESSAGE_LIMIT = 4096
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
# The boundaries tried in turn: paragraph, line, sentence, word.
_SEPARATORS = ("\n\n", "\n", ". ", " ")


def units(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def _hard_cut(text: str, limit: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for char in text:
        if current and units(current + char) > limit:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current] if current else pieces


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pieces of at most `limit` units, cut at the widest boundary that fits, in order."""
    text = text.strip()
    if units(text) <= limit:
        return [text] if text else []
    for separator in _SEPARATORS:
        parts = text.split(separator)
        if len(parts) == 1:
            continue
        pieces: list[str] = []
        current = ""
        for part in parts:
            candidate = f"{current}{separator}{part}" if current else part
            if units(candidate) <= limit:
                current = candidate
                continue
            if current:
                pieces.append(current)
            # A part longer than the limit is cut at the next, narrower boundary.
            *whole, current = split_message(part, limit) or [""]
            pieces.extend(whole)
        pieces.append(current)
        return [piece.strip() for piece in pieces if piece.strip()]
    return _hard_cut(text, limit)


def to_html(text: str) -> str:
    """Escape for parse_mode=HTML, keeping the **bold** the response templates use."""
    return _BOLD.sub(r"<b>\1</b>", html.escape(text, quote=False))


def plain(text: str) -> str:
    """The same text for a terminal: markers removed."""
    return _BOLD.sub(r"\1", text)

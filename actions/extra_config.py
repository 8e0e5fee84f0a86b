"""Keys of consultoria.yml read here rather than by actions/settings.py: the Terms' texts and
the booking form's limits, validated on first use with the same pt-BR errors."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from consultoria.settings import ConfigError
from consultoria.tariff import Modality

TERM_KEYS = ("title", "summary", "text")


@cache
def _document(source: Path) -> dict[str, Any]:
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    return raw if isinstance(raw, dict) else {}


def term_templates(source: Path) -> dict[Modality, dict[str, str]]:
    """`terms.<modality>.{title,summary,text}` for every modality."""
    terms = _document(source).get("terms")
    if not isinstance(terms, dict):
        raise ConfigError(f"{source}: faltou a chave terms com os Termos das modalidades")
    templates: dict[Modality, dict[str, str]] = {}
    for modality in Modality:
        entry = terms.get(modality.value)
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in TERM_KEYS):
            raise ConfigError(f"{source}: terms.{modality.value} precisa de title, summary e text")
        templates[modality] = {key: entry[key] for key in TERM_KEYS}
    return templates


def max_failed_attempts(source: Path) -> int:
    """`booking.max_failed_attempts`: wrong answers the booking form takes before it stops."""
    value = (_document(source).get("booking") or {}).get("max_failed_attempts")
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"{source}: booking.max_failed_attempts deve ser um inteiro positivo")
    return value

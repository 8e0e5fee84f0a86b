"""Fail unless the held-out NLU evaluation reaches the bars of issue #3 (reads Rasa's reports)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

INTENT_BAR = 0.95
ENTITY_BAR = 0.90


def weighted_f1(report: Path) -> float:
    data = json.loads(report.read_text(encoding="utf-8"))
    return float(data["weighted avg"]["f1-score"])


def main(results: Path) -> int:
    figures = {
        "intent": (weighted_f1(results / "intent_report.json"), INTENT_BAR),
        "entity": (weighted_f1(results / "DIETClassifier_report.json"), ENTITY_BAR),
    }
    selector = results / "response_selection_report.json"
    if selector.exists():
        figures["faq response"] = (weighted_f1(selector), 0.0)
    failed = False
    for name, (value, bar) in figures.items():
        verdict = "ok" if value >= bar else "ABAIXO DO MÍNIMO"
        failed |= value < bar
        print(f"NLU {name} weighted F1: {value:.4f} (mínimo {bar:.2f}) {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))

"""The formats of a report (SPEC §10): an aligned table for a terminal, CSV (UTF-8, header row)
and JSON, the same for the `consultoria report` command and the document staff get in chat."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import astuple, fields
from typing import Any

FORMATS = ("table", "csv", "json")


def _as_csv(header: list[str], rows: list[tuple[Any, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return out.getvalue()


def _as_json(header: list[str], rows: list[tuple[Any, ...]]) -> str:
    data = [dict(zip(header, row, strict=True)) for row in rows]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _as_table(header: list[str], rows: list[tuple[Any, ...]]) -> str:
    cells = [header, *(["" if v is None else str(v) for v in row] for row in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if not rows:
        lines.append("(nenhuma linha)")
    return "\n".join(line.rstrip() for line in lines) + "\n"


_FORMATTERS: dict[str, Callable[[list[str], list[tuple[Any, ...]]], str]] = {
    "table": _as_table,
    "csv": _as_csv,
    "json": _as_json,
}


def render(fmt: str, row_type: type[Any], rows: Sequence[Any]) -> str:
    """`rows` (instances of the dataclass `row_type`) in `fmt`, one of FORMATS; the columns
    are the dataclass's fields, in order."""
    header = [field.name for field in fields(row_type)]
    return _FORMATTERS[fmt](header, [astuple(row) for row in rows])

"""Rows out to a terminal table, CSV or JSON lines (for pandas, R, Stata)."""

from __future__ import annotations

import csv
import itertools
import json
import sys
from collections.abc import Iterable, Mapping
from typing import IO, Any

from thidua_crawler.records import feed_json

FORMATS = ("table", "csv", "jsonl")


def write_rows(rows: Iterable[Mapping[str, Any]], fmt: str, out: IO[str] | None = None,
               columns: list[str] | None = None) -> None:
    """Rows out as they come (a terminal table waits for all, to size its columns)."""
    out = out or sys.stdout
    if fmt == "table":
        out.write(format_table(list(rows), columns) + "\n")
    elif fmt == "csv":
        write_csv(rows, out, columns)
    else:
        for row in rows:
            out.write(json.dumps(feed_json(row), ensure_ascii=False) + "\n")


def write_csv(rows: Iterable[Mapping[str, Any]], out: IO[str],
              columns: list[str] | None = None) -> None:
    """CSV with a header; lists joined by ";", dates in ISO 8601, empty for null."""
    rows = iter(rows)
    first = next(rows, None)
    columns = columns or (list(first) if first is not None else [])
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in itertools.chain([] if first is None else [first], rows):
        writer.writerow({k: _cell(row.get(k)) for k in columns})


def _cell(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def format_table(rows: list[Mapping[str, Any]], columns: list[str] | None = None,
                 width: int = 60) -> str:
    """A plain-text table for the terminal."""
    if not rows:
        return "(no rows)"
    columns = columns or list(rows[0])
    cells = [[_terminal_cell(row.get(c), width) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join([line, rule, *body])


def _terminal_cell(value: Any, width: int) -> str:
    text = "" if value is None else "; ".join(map(str, value)) if isinstance(value, list) else (
        str(value))
    return text if len(text) <= width else text[: width - 1] + "…"

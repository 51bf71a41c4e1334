"""Rows out to a terminal table, CSV or JSON lines (for pandas, R, Stata)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from thidua_crawler.analysis import format_table
from thidua_crawler.records import feed_json

FORMATS = ("table", "csv", "jsonl")


def write_rows(rows: Sequence[Mapping[str, Any]], fmt: str, out: IO[str] | None = None,
               columns: list[str] | None = None) -> None:
    out = out or sys.stdout
    if fmt == "table":
        out.write(format_table(list(rows), columns) + "\n")
    elif fmt == "csv":
        write_csv(rows, out, columns)
    else:
        for row in rows:
            out.write(json.dumps(feed_json(row), ensure_ascii=False) + "\n")


def write_csv(rows: Sequence[Mapping[str, Any]], out: IO[str],
              columns: list[str] | None = None) -> None:
    """CSV with a header; lists joined by ";", dates in ISO 8601, empty for null."""
    columns = columns or (list(rows[0]) if rows else [])
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(row.get(k)) for k in columns})


def _cell(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def write_files(directory: Path, name: str, rows: Sequence[Mapping[str, Any]],
                formats: Sequence[str], columns: list[str] | None = None,
                excel: bool = False) -> list[Path]:
    """``<name>.csv`` and/or ``<name>.jsonl`` in ``directory``; returns the paths written.
    With ``columns``, a CSV has its header even when there are no rows. With ``excel``, CSV
    files start with a UTF-8 byte order mark: Excel then reads Vietnamese correctly."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = directory / f"{name}.{fmt}"
        encoding = "utf-8-sig" if excel and fmt == "csv" else "utf-8"
        with path.open("w", encoding=encoding, newline="") as out:
            write_rows(rows, fmt, out, columns)
        written.append(path)
    return written

"""The spool: an append-only file of database writes that could not be made, replayable later
(``scrapy replay_spool``; :func:`thidua_crawler.storage.replay`)."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bson import json_util
from pymongo import UpdateOne

from thidua_crawler import local_server

#: Spool lines: MongoDB extended JSON, lossless for every BSON type; dates read back aware.
SPOOL_JSON = json_util.CANONICAL_JSON_OPTIONS.with_options(tz_aware=True, tzinfo=timezone.utc)


class Spool:
    """An append-only file of writes that could not be made, replayable later.

    Safe with many writers: every append holds an exclusive lock on ``<spool>.lock`` and
    writes whole lines; a torn line left by a killed process is skipped (and counted in
    ``unreadable_lines``) rather than stopping the reader. Replay first *claims* the file (renames
    it under the same lock), so writes appended meanwhile land in a new file and are kept.
    """

    def __init__(self, path: Path):
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self.unreadable_path = path.with_name(path.name + ".unreadable")
        #: Lines the last :meth:`entries` call could not read.
        self.unreadable_lines: list[str] = []

    @classmethod
    def from_settings(cls, settings: Any) -> Spool:
        """The spool the settings name: ``MONGO_SPOOL_PATH``, else ``spool.jsonl`` in the
        local data directory."""
        configured = settings.get("MONGO_SPOOL_PATH")
        return cls(Path(configured) if configured
                   else local_server.data_dir(settings.get("THIDUA_DATA_DIR")) / "spool.jsonl")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.lock_path.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def append(self, database: str, collection: str, operations: Iterable[UpdateOne]) -> int:
        """Append writes with where they were going and when; returns how many."""
        now = datetime.now(timezone.utc)
        lines = [_line({"database": database, "collection": collection, "spooled_at": now,
                        "filter": op._filter, "update": op._doc, "upsert": bool(op._upsert)})
                 for op in operations]
        if not lines:
            return 0
        with self._locked():
            self._append_lines(self.path, lines)
        return len(lines)

    @staticmethod
    def _append_lines(path: Path, lines: list[str]) -> None:
        with path.open("ab") as out:
            if out.tell() and not _ends_with_newline(path):
                out.write(b"\n")  # a torn last line stays alone on its line
            out.write("".join(lines).encode("utf-8"))

    def entries(self, path: Path | None = None) -> Iterator[dict[str, Any]]:
        """The readable entries of the spool (or of a claimed copy of it)."""
        self.unreadable_lines = []
        path = path or self.path
        if not path.exists():
            return
        with path.open(encoding="utf-8", errors="replace") as lines:
            for line in lines:
                if not line.strip():
                    continue
                try:
                    yield json_util.loads(line, json_options=SPOOL_JSON)
                except ValueError:
                    self.unreadable_lines.append(line.rstrip("\n") + "\n")

    def set_aside_unreadable(self) -> int:
        """Keep the lines the last read could not parse in ``<spool>.unreadable``, for a human;
        returns how many."""
        if self.unreadable_lines:
            with self._locked():
                self._append_lines(self.unreadable_path, self.unreadable_lines)
        return len(self.unreadable_lines)

    def claim(self) -> list[Path]:
        """Take the spool for replay: rename it (under the lock) so that new writes start a new
        file. Returns the claimed files, older unfinished claims included."""
        with self._locked():
            if self.path.exists():
                self.path.rename(self.path.with_name(
                    f"{self.path.name}.replaying-{os.getpid()}-{time.time_ns()}"))
        return sorted(self.path.parent.glob(self.path.name + ".replaying-*"))


def _line(entry: dict[str, Any]) -> str:
    return json_util.dumps(entry, json_options=SPOOL_JSON) + "\n"


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as tail:
        tail.seek(-1, os.SEEK_END)
        return tail.read(1) == b"\n"

"""A columnar snapshot of the flat tables, so researcher answers take seconds at any size.

MongoDB stays the system of record. The researcher commands read the three flat tables of
:mod:`thidua_crawler.flat_tables` (articles, award counts, campaign launches) from Parquet files
with DuckDB, which groups millions of rows in a fraction of a second in bounded memory,
where the local server takes tens of seconds for one ``$group`` over 100,000 records
(docs/benchmark.md). Before answering, a command brings the snapshot up to date: it reads
only the records written since the last refresh (their ``updated_at``, indexed) into a new
part file. The newest part of a record wins; parts are merged when they pile up; a
collection that lost records, or a change of the tables' columns, rebuilds the snapshot.

Files: ``<data dir>/snapshot/<database>-<server hash>/`` (see README).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb
from pymongo.database import Database
from pymongo.errors import OperationFailure, PyMongoError
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from thidua_crawler import flat_tables, local_server, storage
from thidua_crawler.records import feed_json, from_document

logger = logging.getLogger(__name__)

_TEXT, _INT, _BOOL = "VARCHAR", "BIGINT", "BOOLEAN"
#: DuckDB types of every column; a column not named here is text.
_TYPES = {"article_id": _INT, "published_year": _INT, "launches": _INT, "award_counts": _INT,
          "recipients": _INT, "index": _INT, "count": _INT, "collectives": _INT,
          "individuals": _INT, "year": _INT, "part_of": _INT, "approximate": _BOOL,
          "year_stated": _BOOL, "leaf": _BOOL, "consistent": _BOOL}
#: Columns kept beside the exported ones: for text search, ``scrapy summary``, and the
#: full record in feed form (JSON) for ``articles.jsonl``.
ARTICLE_EXTRA = ["text", "layout", "record"]
TABLES: dict[str, dict[str, str]] = {
    name: {c: _TYPES.get(c, _TEXT) for c in columns} for name, columns in (
        ("articles", [*flat_tables.ARTICLE_COLUMNS, *ARTICLE_EXTRA]),
        ("award_counts", flat_tables.AWARD_COLUMNS),
        ("campaign_launches", flat_tables.LAUNCH_COLUMNS))}
#: Changes when the tables do: an older snapshot is then rebuilt.
LAYOUT = hashlib.sha256(json.dumps(TABLES, sort_keys=True).encode()).hexdigest()[:12]
PARTS_BEFORE_MERGE = 8
#: Records converted at a time while refreshing, and asked of the server at a time (some
#: servers, SecantusDB among them, otherwise answer with the whole collection at once).
CHUNK = 1000
#: Writes this close to a refresh may not be visible yet: read them again next time.
SETTLE = timedelta(seconds=5)
MEMORY_LIMIT = "100MB"
#: Rows per Parquet row group: small enough that writing one holds little memory.
ROW_GROUP = 8192
PARQUET = f"FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP}"


def changed_since(watermark: str | None) -> dict[str, Any]:
    """The records written after the last refresh (all of them for the first)."""
    return {"updated_at": {"$gt": datetime.fromisoformat(watermark)}} if watermark else {}


def directory_for(settings: Any) -> Path:
    """One snapshot per database and server, in the local data directory."""
    server = f"{settings.get('MONGO_URI') or 'local'}:{settings.getint('LOCAL_DB_PORT')}"
    key = hashlib.sha256(server.encode()).hexdigest()[:8]
    return (local_server.data_dir(settings.get("THIDUA_DATA_DIR")) / "snapshot"
            / f"{settings.get('MONGO_DATABASE')}-{key}")


class Snapshot:
    """The Parquet parts of one database's flat tables, and a DuckDB view over them."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.manifest_path = directory / "manifest.json"

    def refresh(self, db: Database) -> int:
        """Bring the snapshot up to date with the collection; returns the records read."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with self._locked():
            manifest = self._manifest()
            articles = db[storage.ARTICLES]
            if manifest["parts"] and self._count(manifest) > articles.estimated_document_count():
                manifest = self._reset()  # records were deleted: start again
            try:
                articles.create_index("updated_at", name="updated_at")
            except OperationFailure as error:  # read-only user: the refresh scans instead
                logger.info("No index on updated_at (%s)", error.code)
            started = datetime.now(timezone.utc)
            watermark = manifest["watermark"]
            part = max(manifest["parts"], default=0) + 1
            newest, read = self._write_part(
                articles.find(changed_since(watermark)).batch_size(CHUNK), part)
            if read:
                manifest["parts"].append(part)
            if newest is not None:
                manifest["watermark"] = min(newest, started - SETTLE).isoformat()
            elif watermark is None:
                manifest["watermark"] = (started - SETTLE).isoformat()
            if len(manifest["parts"]) > PARTS_BEFORE_MERGE:
                manifest["parts"] = self._merge(manifest["parts"])
            self.manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
            return read

    def connect(self, parts: list[int] | None = None) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection with the views ``articles``, ``award_counts`` and
        ``campaign_launches`` (the newest version of each record)."""
        con = self._duckdb()
        parts = self._manifest()["parts"] if parts is None else parts
        for table, columns in TABLES.items():
            if not parts:
                con.execute(f"CREATE TABLE {table} ({_column_list(columns)})")
                continue
            files = self._glob(table)
            source = f"read_parquet({_literal(files)})"
            if len(parts) > 1:
                source = (f"(SELECT * FROM {source} SEMI JOIN (SELECT record_id, max(part) AS "
                          f"part FROM read_parquet({_literal(self._glob('articles'))}) "
                          "GROUP BY record_id) USING (record_id, part))")
            con.execute(f"CREATE VIEW {table} AS SELECT * EXCLUDE (part) FROM {source}")
        return con

    def _duckdb(self) -> duckdb.DuckDBPyConnection:
        """DuckDB in bounded memory: what does not fit spills to the snapshot's directory."""
        con = duckdb.connect()
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        con.execute("SET threads = 1")
        con.execute(f"SET temp_directory = {_literal(str(self.directory / 'spill'))}")
        con.execute("SET preserve_insertion_order = false")
        return con

    # --- parts ---------------------------------------------------------------------------

    def _write_part(self, cursor: Iterable[Mapping[str, Any]], part: int
                    ) -> tuple[datetime | None, int]:
        """Convert the records to rows ``CHUNK`` at a time, each chunk through JSON lines to
        its own Parquet files: memory holds one chunk, whatever the collection's size."""
        newest: datetime | None = None
        read = 0
        con = self._duckdb()
        try:
            for number, chunk in enumerate(_chunks(cursor, CHUNK)):
                read += len(chunk)
                stamps = [_aware(d["updated_at"]) for d in chunk
                          if isinstance(d.get("updated_at"), datetime)]
                newest = max([*stamps, newest] if newest else stamps, default=None)
                for table, rows in _tables([from_document(d) for d in chunk]).items():
                    self._copy(con, table, rows, part, number)
        finally:
            con.close()
        return newest, read

    def _copy(self, con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]],
              part: int, number: int) -> None:
        staged = self.directory / f"{table}.staged.jsonl"
        with staged.open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        con.execute(
            f"COPY (SELECT *, {part} AS part FROM read_json({_literal(str(staged))}, "
            f"format = 'newline_delimited', columns = {_struct(TABLES[table])})) TO "
            f"{_literal(str(self._file(table, part, number)))} ({PARQUET})")
        staged.unlink()

    def _merge(self, parts: list[int]) -> list[int]:
        """Rewrite the newest version of every record into one part."""
        merged = max(parts) + 1
        con = self.connect(parts)
        for table in TABLES:
            con.execute(f"COPY (SELECT *, {merged} AS part FROM {table}) TO "
                        f"{_literal(str(self._file(table, merged, 0)))} ({PARQUET})")
        con.close()
        for part in parts:
            for path in self.directory.glob(f"*-{part:06d}-*.parquet"):
                path.unlink()
        return [merged]

    def _count(self, manifest: Mapping[str, Any]) -> int:
        if not manifest["parts"]:
            return 0
        con = self.connect(manifest["parts"])
        try:
            return con.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            con.close()

    def _reset(self) -> dict[str, Any]:
        for path in self.directory.glob("*.parquet"):
            path.unlink()
        return {"layout": LAYOUT, "watermark": None, "parts": []}

    def _manifest(self) -> dict[str, Any]:
        try:
            manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return self._reset()
        return manifest if manifest.get("layout") == LAYOUT else self._reset()

    def _file(self, table: str, part: int, number: int) -> Path:
        return self.directory / f"{table}-{part:06d}-{number:05d}.parquet"

    def _glob(self, table: str) -> str:
        return str(self.directory / f"{table}-*.parquet")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One refresh at a time (two commands started together)."""
        with (self.directory / "lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _tables(docs: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The rows of each table for some records in feed form."""
    articles = flat_tables.article_rows(docs)
    for row, doc in zip(articles, docs, strict=True):
        row["text"] = "\n".join(doc.get(k) or "" for k in ("title", "sapo", "body"))
        row["layout"] = (doc.get("parser") or {}).get("layout")
        row["record"] = json.dumps(feed_json(doc), ensure_ascii=False)
    tables = {"articles": articles, "award_counts": flat_tables.award_rows(docs),
              "campaign_launches": flat_tables.launch_rows(docs)}
    for rows in tables.values():  # lists are kept as ";"-joined text (answers.py splits them)
        for row in rows:
            for column in flat_tables.LIST_COLUMNS & row.keys():
                if isinstance(row[column], list):
                    row[column] = ";".join(map(str, row[column]))
    return tables


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _column_list(columns: Mapping[str, str]) -> str:
    return ", ".join(f'"{name}" {kind}' for name, kind in columns.items())


def _struct(columns: Mapping[str, str]) -> str:
    return "{" + ", ".join(f"{_literal(n)}: {_literal(k)}" for n, k in columns.items()) + "}"


def open_snapshot(settings: Any, db: Database) -> duckdb.DuckDBPyConnection:
    """The snapshot of the database the settings name, brought up to date."""
    snapshot = Snapshot(directory_for(settings))
    read = snapshot.refresh(db)
    if read:
        logger.info("Snapshot %s: %d record(s) read from the collection", snapshot.directory, read)
    return snapshot.connect()


class RefreshAfterCrawl:
    """Scrapy extension: brings the snapshot up to date when a crawl ends, so the next
    researcher command has nothing to catch up on (setting ``SNAPSHOT_AFTER_CRAWL``)."""

    def __init__(self, crawler: Crawler):
        if not crawler.settings.getbool("SNAPSHOT_AFTER_CRAWL"):
            raise NotConfigured
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RefreshAfterCrawl:
        return cls(crawler)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        settings = self.crawler.settings
        try:
            client, db, _ = storage.open_database(settings)
        except (PyMongoError, RuntimeError) as error:
            logger.warning("Snapshot not refreshed: no database (%s)", error)
            return
        snapshot = Snapshot(directory_for(settings))
        try:
            started = time.perf_counter()
            read = snapshot.refresh(db)
            logger.info("Snapshot %s refreshed: %d record(s) in %.1f s", snapshot.directory,
                        read, time.perf_counter() - started)
        except (PyMongoError, duckdb.Error, OSError) as error:  # commands refresh it anyway
            logger.warning("Snapshot not refreshed (%s); the next command will", error)
        finally:
            client.close()

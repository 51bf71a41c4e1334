"""A columnar snapshot of the flat tables, so researcher answers take seconds at any size.

MongoDB stays the system of record. The researcher commands read the three flat tables of
:mod:`thidua_crawler.flat_tables` (articles, award counts, campaign launches) from Parquet files
with DuckDB, which groups millions of rows in a fraction of a second in bounded memory,
where the local server takes tens of seconds for one ``$group`` over 100,000 records
(docs/benchmark.md). Before answering, a command brings the snapshot up to date: it reads
only the records written since the last refresh (their ``updated_at``, indexed) into a new
part (one Parquet file per table). The newest part of a record wins; parts are merged when
they pile up; a change of the tables' columns rebuilds the snapshot, and so does a
collection that lost records, which the end of each crawl checks (commands do not: counting
a collection takes SecantusDB seconds, and records are only ever deleted by hand).

Files: ``<data dir>/snapshot/<database>-<server hash>/`` (see README).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import shutil
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb
from pymongo.collection import Collection
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
#: Changes when the tables or the files' layout do: an older snapshot is then rebuilt.
LAYOUT = hashlib.sha256(json.dumps([TABLES, "one file per part"], sort_keys=True).encode()
                        ).hexdigest()[:12]
PARTS_BEFORE_MERGE = 8
#: Records converted at a time while refreshing, and asked of the server at a time (some
#: servers, SecantusDB among them, otherwise answer with the whole collection at once).
CHUNK = 1000
#: The widest window of article ids a first build asks for at once: ids are unique, so a
#: window holds at most this many records, however the ids are spread.
WINDOW_MAX = 8000
#: Where a first build stops looking if the collection lost records while it was read.
ID_LIMIT = 2**31
#: Writes this close to a refresh may not be visible yet: read them again next time.
SETTLE = timedelta(seconds=5)
MEMORY_LIMIT = "100MB"
#: Rows per Parquet row group: small enough that writing one holds little memory (a part
#: joined into one file buffers a row group of full records: 8,192 cost 40 MB more).
ROW_GROUP = 2048
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

    def refresh(self, db: Database, deletions: bool = True) -> int:
        """Bring the snapshot up to date with the collection; returns the records read.

        ``deletions`` compares the collection's count with the snapshot's, which SecantusDB
        answers by reading the whole collection (4.5 s at 500,000 records): the end of a
        crawl checks, a researcher command does not (records are deleted only by hand)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with self._locked():
            manifest = self._manifest()
            articles = db[storage.ARTICLES]
            stored = (articles.estimated_document_count()
                      if deletions or manifest["watermark"] is None else None)
            if stored is not None and manifest["parts"] and manifest["records"] > stored:
                manifest = self._reset()  # records were deleted: start again
            for field in ("updated_at", "article_id"):
                try:
                    articles.create_index(field, name=field)
                except OperationFailure as error:  # read-only user: the refresh scans instead
                    logger.info("No index on %s (%s)", field, error.code)
            started = datetime.now(timezone.utc)
            watermark = manifest["watermark"]
            records = (articles.find(changed_since(watermark)).batch_size(CHUNK) if watermark
                       else _by_article_id(articles, stored or 0))
            part = max(manifest["parts"], default=0) + 1
            newest, read = self._write_part(records, part)
            if read:
                manifest["parts"].append(part)
            if newest is not None:
                manifest["watermark"] = min(newest, started - SETTLE).isoformat()
            elif watermark is None:
                manifest["watermark"] = (started - SETTLE).isoformat()
            if len(manifest["parts"]) > PARTS_BEFORE_MERGE:
                manifest["parts"] = self._merge(manifest["parts"])
            if read:
                manifest["records"] = self._count(manifest["parts"])
            self.manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
            return read

    def connect(self, parts: list[int] | None = None) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection with the views ``articles``, ``award_counts`` and
        ``campaign_launches`` (the newest version of each record).

        Each part's rows count unless a newer part holds the same record: an anti-join
        against the newer parts' ids, which are few unless a part holds most records."""
        con = self._duckdb()
        parts = self._manifest()["parts"] if parts is None else parts
        for table, columns in TABLES.items():
            if not parts:
                con.execute(f"CREATE TABLE {table} ({_column_list(columns)})")
                continue
            selects = []
            for index, part in enumerate(parts):
                source = f"read_parquet({_literal(str(self._file(table, part)))})"
                newer = [str(self._file("articles", p)) for p in parts[index + 1:]]
                if newer:
                    source += (f" ANTI JOIN (SELECT record_id FROM read_parquet({_list(newer)}))"
                               " USING (record_id)")
                selects.append(f"SELECT * FROM {source}")
            con.execute(f"CREATE VIEW {table} AS {' UNION ALL '.join(selects)}")
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
        a staged Parquet file (memory holds one chunk, whatever the collection's size), then
        join each table's staged files into one: a query opens few files, not thousands."""
        newest: datetime | None = None
        read = 0
        staging = self.directory / "staging"
        shutil.rmtree(staging, ignore_errors=True)  # what a refresh that died left
        staging.mkdir()
        con = self._duckdb()
        try:
            for number, chunk in enumerate(_chunks(cursor, CHUNK)):
                read += len(chunk)
                stamps = [_aware(d["updated_at"]) for d in chunk
                          if isinstance(d.get("updated_at"), datetime)]
                newest = max([*stamps, newest] if newest else stamps, default=None)
                for table, rows in _tables([from_document(d) for d in chunk]).items():
                    self._stage(con, table, rows, staging / f"{table}-{number:06d}.parquet")
            if read:
                for table in TABLES:
                    staged = _literal(str(staging / f"{table}-*.parquet"))
                    con.execute(f"COPY (SELECT * FROM read_parquet({staged})) TO "
                                f"{_literal(str(self._file(table, part)))} ({PARQUET})")
        finally:
            con.close()
            shutil.rmtree(staging, ignore_errors=True)
        return newest, read

    def _stage(self, con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]],
               path: Path) -> None:
        staged = path.with_suffix(".jsonl")
        with staged.open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        con.execute(
            f"COPY (SELECT * FROM read_json({_literal(str(staged))}, "
            f"format = 'newline_delimited', columns = {_struct(TABLES[table])})) TO "
            f"{_literal(str(path))} ({PARQUET})")
        staged.unlink()

    def _merge(self, parts: list[int]) -> list[int]:
        """Rewrite the newest version of every record of some parts into one part: the newer
        parts alone while they are smaller than the first (a merge then costs what they
        hold), else every part."""
        older, newer = parts[:1], parts[1:]
        if len(newer) < 2 or self._size(newer) >= self._size(older):
            older, newer = [], parts
        merged = max(parts) + 1
        con = self.connect(newer)
        for table in TABLES:
            con.execute(f"COPY (SELECT * FROM {table}) TO "
                        f"{_literal(str(self._file(table, merged)))} ({PARQUET})")
        con.close()
        for part in newer:
            for table in TABLES:
                self._file(table, part).unlink()
        return [*older, merged]

    def _size(self, parts: list[int]) -> int:
        return sum(self._file("articles", part).stat().st_size for part in parts)

    def _count(self, parts: list[int]) -> int:
        """The records in the snapshot (kept in the manifest: a command's refresh compares it
        with the collection's count without reading the snapshot)."""
        if not parts:
            return 0
        con = self.connect(parts)
        try:
            return con.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            con.close()

    def _reset(self) -> dict[str, Any]:
        for path in self.directory.glob("*.parquet"):
            path.unlink()
        return {"layout": LAYOUT, "watermark": None, "parts": [], "records": 0}

    def _manifest(self) -> dict[str, Any]:
        try:
            manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return self._reset()
        return manifest if manifest.get("layout") == LAYOUT else self._reset()

    def _file(self, table: str, part: int) -> Path:
        return self.directory / f"{table}-{part:06d}.parquet"

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


def _by_article_id(articles: Collection, stored: int) -> Iterator[dict[str, Any]]:
    """Every record, read by windows of article ids until ``stored`` have come.

    A first build over a large collection cannot ask for everything at once: SecantusDB
    gathers a whole result before it answers, which stalled it past the driver's timeout
    at 500,000 records. A window is widened while it finds few records and narrowed where
    they are dense, so that each holds about ``CHUNK``."""
    low, width, read = 0, CHUNK, 0
    while read < stored and low < ID_LIMIT:
        window = {"article_id": {"$gte": low, "$lt": low + width}}
        found = 0
        for doc in articles.find(window).batch_size(CHUNK):
            found += 1
            yield doc
        read += found
        low += width
        width = max(1, min(WINDOW_MAX, width * CHUNK // max(found, CHUNK // 2)))


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


def _list(texts: list[str]) -> str:
    return "[" + ", ".join(map(_literal, texts)) + "]"


def _column_list(columns: Mapping[str, str]) -> str:
    return ", ".join(f'"{name}" {kind}' for name, kind in columns.items())


def _struct(columns: Mapping[str, str]) -> str:
    return "{" + ", ".join(f"{_literal(n)}: {_literal(k)}" for n, k in columns.items()) + "}"


def open_snapshot(settings: Any, db: Database) -> duckdb.DuckDBPyConnection:
    """The snapshot of the database the settings name, brought up to date."""
    snapshot = Snapshot(directory_for(settings))
    read = snapshot.refresh(db, deletions=False)
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

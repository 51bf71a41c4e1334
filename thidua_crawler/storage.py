"""MongoDB storage: upserts in batches, indexes, retries, and a spool that loses nothing.

Works the same against MongoDB and the local SecantusDB server. A write that
still fails after its retries is appended to a spool file (MongoDB extended
JSON, one operation a line); ``scrapy replay_spool`` sends it again later.
"""

from __future__ import annotations

import gzip
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bson import Binary, json_util
from pymongo import ASCENDING, DESCENDING, MongoClient, UpdateOne
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import BulkWriteError, OperationFailure, PyMongoError

from thidua_crawler.records import to_document

logger = logging.getLogger(__name__)

ARTICLES = "articles"
PAGES = "pages"
#: Indexes researchers' common queries need; creating them again is a no-op.
ARTICLE_INDEXES: tuple[tuple[str, list[tuple[str, int]]], ...] = (
    ("published_at", [("published_at", DESCENDING)]),
    ("article_id", [("article_id", ASCENDING)]),
    ("section", [("section", ASCENDING)]),
    ("districts_slug", [("districts.slug", ASCENDING)]),
    ("communes_name", [("communes.name", ASCENDING)]),
    ("award_level", [("award_counts.level", ASCENDING)]),
    ("award_forms", [("award_counts.forms", ASCENDING)]),
    ("launcher_person", [("campaign_launches.launcher.person", ASCENDING)]),
    ("launch_date", [("campaign_launches.date", ASCENDING)]),
    ("extractor_version", [("extractor_version", ASCENDING)]),
    ("crawled_at", [("crawled_at", DESCENDING)]),
    ("first_seen_at", [("first_seen_at", DESCENDING)]),
    ("updated_at", [("updated_at", ASCENDING)]),
)
TEXT_INDEX = ("text", [("title", "text"), ("sapo", "text"), ("body", "text")])
#: How many earlier versions (content hash and dates) a record remembers.
HISTORY_LENGTH = 10
#: What ``WriteResult`` knows of a batch.
RESULT_KEYS = ("inserted", "updated", "unchanged", "spooled")


def connect(uri: str, timeout_ms: int = 5000) -> MongoClient:
    """A client that gives up quickly on a server that is down (so writes can be spooled)."""
    return MongoClient(uri, tz_aware=True, serverSelectionTimeoutMS=timeout_ms,
                       connectTimeoutMS=timeout_ms, appname="thidua_crawler")


def open_database(settings: Any) -> tuple[MongoClient, Database, str]:
    """The client, database and URI that Scrapy settings name (``MONGO_URI``, else the
    local server, started if need be)."""
    from thidua_crawler import localdb

    uri = localdb.resolve_uri(settings.get("MONGO_URI"), settings.get("THIDUA_DATA_DIR"),
                              settings.getint("LOCAL_DB_PORT"))
    client = connect(uri, settings.getint("MONGO_TIMEOUT_MS"))
    return client, client[settings.get("MONGO_DATABASE")], uri


def ensure_indexes(db: Database) -> bool:
    """Create the collection's indexes; True when the server has a text index too.

    SecantusDB has no text indexes; where creating one fails, text search falls
    back to a regular-expression scan over a diacritic-free field (see ``query``).
    """
    articles = db[ARTICLES]
    for name, keys in ARTICLE_INDEXES:
        articles.create_index(keys, name=name)
    db[PAGES].create_index([("fetched_at", DESCENDING)], name="fetched_at")
    try:
        articles.create_index(TEXT_INDEX[1], name=TEXT_INDEX[0], default_language="none")
    except OperationFailure as error:
        logger.info("No text index on this server (%s); text search will scan.", error.code)
        return False
    return True


def ensure_validator(db: Database) -> bool:
    """Install the record's ``$jsonSchema`` validator on ``articles``; False where the server
    has no validators (the crawl goes on without)."""
    from thidua_crawler.schema import ARTICLE_VALIDATOR

    options = {"validator": ARTICLE_VALIDATOR, "validationLevel": "moderate",
               "validationAction": "error"}
    try:
        if ARTICLES in db.list_collection_names():
            db.command("collMod", ARTICLES, **options)
        else:
            db.create_collection(ARTICLES, **options)
    except OperationFailure as error:
        logger.info("No schema validator on this server (%s); records are not checked there.",
                    error.code)
        return False
    return True


def article_update(record: dict[str, Any], now: datetime,
                   replaced: dict[str, Any] | None = None) -> UpdateOne:
    """Upsert one record: crawled fields with ``$set``, ``first_seen_at`` only on insert.

    ``replaced`` is the stored state of an article whose content changed: its hash and
    fetch time join the record's ``history`` (the last ``HISTORY_LENGTH`` changes).
    """
    document = to_document(record)
    document.pop("first_seen_at", None)
    update: dict[str, Any] = {"$set": document, "$setOnInsert": {"first_seen_at": now}}
    if replaced is not None:
        entry = {"content_hash": replaced.get("content_hash"),
                 "crawled_at": replaced.get("crawled_at"), "replaced_at": now}
        update["$push"] = {"history": {"$each": [entry], "$slice": -HISTORY_LENGTH}}
    return UpdateOne({"_id": document["_id"]}, update, upsert=True)


def page_update(item: dict[str, Any]) -> UpdateOne:
    """Keep a fetched page (gzipped) with the dates incremental crawls compare."""
    html: bytes = item["raw_html"]
    return UpdateOne({"_id": item["_id"]}, {"$set": to_document({
        "url": item["url"], "article_id": item.get("article_id"),
        "fetched_at": item["crawled_at"], "html_gz": Binary(gzip.compress(html)),
        "size": len(html), "published_at": item.get("published_at"),
        "modified_at": item.get("modified_at"), "lastmod": item.get("lastmod"),
    })}, upsert=True)


def page_html(page: dict[str, Any]) -> bytes:
    return gzip.decompress(page["html_gz"])


@dataclass
class WriteResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    spooled: int = 0

    def add(self, other: WriteResult) -> None:
        for key in RESULT_KEYS:
            setattr(self, key, getattr(self, key) + getattr(other, key))


class Spool:
    """An append-only file of writes that could not be made, replayable later."""

    def __init__(self, path: Path):
        self.path = path

    def append(self, collection: str, operations: Iterable[UpdateOne]) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        with self.path.open("a", encoding="utf-8") as out:
            for op in operations:
                line = {"collection": collection, "filter": op._filter, "update": op._doc}
                out.write(json_util.dumps(line, json_options=json_util.CANONICAL_JSON_OPTIONS))
                out.write("\n")
                written += 1
        return written

    def entries(self) -> Iterator[dict[str, Any]]:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    yield json_util.loads(line)

    def replace(self, entries: list[dict[str, Any]]) -> None:
        """Keep only the given entries (those that failed again)."""
        if not entries:
            self.path.unlink(missing_ok=True)
            return
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            for entry in entries:
                out.write(json_util.dumps(entry, json_options=json_util.CANONICAL_JSON_OPTIONS))
                out.write("\n")
        tmp.replace(self.path)


class Writer:
    """Bulk upserts with retries; what still fails goes to the spool.

    After a batch fails all its retries the server is taken to be down: later
    batches are tried once each, so a dead database does not stall the crawl.
    """

    def __init__(self, db: Database, spool: Spool, retries: int = 3, delay: float = 1.0):
        self.db, self.spool, self.retries, self.delay = db, spool, retries, delay
        self.down = False

    def write(self, collection: str, operations: list[UpdateOne]) -> WriteResult:
        result = WriteResult()
        if not operations:
            return result
        attempts = 1 if self.down else self.retries + 1
        pending = operations
        for attempt in range(attempts):
            try:
                outcome = self.db[collection].bulk_write(pending, ordered=False)
            except BulkWriteError as error:
                failed = {e["index"] for e in error.details.get("writeErrors", [])}
                done = error.details
                self._count(result, done.get("nUpserted", 0), done.get("nModified", 0),
                            len(pending) - len(failed) - done.get("nUpserted", 0)
                            - done.get("nModified", 0))
                for e in error.details.get("writeErrors", []):
                    logger.error("MongoDB refused a write to %s: %s", collection, e.get("errmsg"))
                pending = [op for i, op in enumerate(pending) if i in failed]
                break  # refused writes are not retried: the server said no
            except PyMongoError as error:
                logger.warning("MongoDB write to %s failed (attempt %d of %d): %s",
                               collection, attempt + 1, attempts, error)
                if attempt + 1 < attempts:
                    time.sleep(self.delay * (attempt + 1))
                continue
            else:
                upserted, modified = outcome.upserted_count, outcome.modified_count
                self._count(result, upserted, modified, len(pending) - upserted - modified)
                self.down = False
                pending = []
                break
        else:
            self.down = True
        if pending:
            result.spooled += self.spool.append(collection, pending)
            logger.error("Spooled %d write(s) to %s; replay them with `scrapy replay_spool`.",
                         len(pending), self.spool.path)
        return result

    @staticmethod
    def _count(result: WriteResult, inserted: int, updated: int, unchanged: int) -> None:
        result.inserted += inserted
        result.updated += updated
        result.unchanged += max(unchanged, 0)


def replay(db: Database, spool: Spool) -> tuple[int, int]:
    """Send spooled writes again; returns (replayed, still failing). Failures stay spooled."""
    entries = list(spool.entries())
    still_failing = []
    replayed = 0
    for entry in entries:
        try:
            db[entry["collection"]].update_one(entry["filter"], entry["update"], upsert=True)
            replayed += 1
        except PyMongoError as error:
            logger.error("Replay of %s failed: %s", entry["filter"], error)
            still_failing.append(entry)
    spool.replace(still_failing)
    return replayed, len(still_failing)


def stored_states(collection: Collection, record_ids: list[str]) -> dict[str, dict[str, Any]]:
    """What storage knows of some articles already (their first sighting and content hash),
    by id, read with one query."""
    cursor = collection.find({"_id": {"$in": record_ids}},
                             {"first_seen_at": 1, "content_hash": 1, "crawled_at": 1})
    return {doc["_id"]: doc for doc in cursor}

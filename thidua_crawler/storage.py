"""MongoDB storage: upserts in batches, indexes, retries, and a spool that loses nothing.

Works the same against MongoDB and the local SecantusDB server. A write that
still fails after its retries is appended to a spool file (MongoDB extended
JSON, one operation a line); ``scrapy replay_spool`` sends it again later.
"""

from __future__ import annotations

import gzip
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import bson
from bson import Binary
from pymongo import ASCENDING, DESCENDING, InsertOne, MongoClient, UpdateOne
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import (
    BulkWriteError,
    CollectionInvalid,
    DuplicateKeyError,
    OperationFailure,
    PyMongoError,
)

from thidua_crawler import local_server
from thidua_crawler.records import to_document
from thidua_crawler.schema import ARTICLE_VALIDATOR
from thidua_crawler.spool import Spool

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
RESULT_KEYS = ("inserted", "updated", "unchanged", "spooled", "refused")
#: The server's answer to creating a collection that exists.
NAMESPACE_EXISTS = 48
#: The server's answer to inserting a document whose ``_id`` is stored already.
DUPLICATE_KEY = 11000
#: MongoDB's document size limit.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
#: The field that says how new a stored document is; replay never goes back in time.
VERSION_FIELDS = {ARTICLES: "crawled_at", PAGES: "fetched_at"}


def connect(uri: str, timeout_ms: int = 5000) -> MongoClient:
    """A client that gives up quickly on a server that is down (so writes can be spooled)."""
    return MongoClient(uri, tz_aware=True, serverSelectionTimeoutMS=timeout_ms,
                       connectTimeoutMS=timeout_ms, appname="thidua_crawler")


def open_database(settings: Any) -> tuple[MongoClient, Database, str]:
    """The client, database and URI that Scrapy settings name (``MONGO_URI``, else the
    local server, started if need be)."""
    uri = local_server.resolve_uri(settings.get("MONGO_URI"), settings.get("THIDUA_DATA_DIR"),
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
    options = {"validator": ARTICLE_VALIDATOR, "validationLevel": "moderate",
               "validationAction": "error"}
    try:
        try:
            db.create_collection(ARTICLES, **options)
        except (CollectionInvalid, OperationFailure) as exists:
            # Already there (made by an earlier crawl, or by one starting at this moment).
            if isinstance(exists, OperationFailure) and exists.code != NAMESPACE_EXISTS:
                raise
            db.command("collMod", ARTICLES, **options)
    except OperationFailure as error:
        logger.info("No schema validator on this server (%s); records are not checked there.",
                    error.code)
        return False
    return True


class NewDocumentUpsert(UpdateOne):
    """The upsert of a document its writer found not stored, which :class:`Writer` sends as
    an insert: the local server does half the work for an insert (docs/benchmark.md). Should
    the document have been stored meanwhile, the insert's duplicate key error has it sent
    again as the upsert it is; spooled, it is that upsert."""

    def as_insert(self) -> InsertOne:
        """The document the upsert would insert: its filter's ``_id`` and both ``$set``s."""
        return InsertOne({**self._filter, **self._doc.get("$setOnInsert", {}), **self._doc["$set"]})

    def as_upsert(self) -> UpdateOne:
        return UpdateOne(self._filter, self._doc, upsert=True)


def article_update(record: dict[str, Any], now: datetime,
                   replaced: dict[str, Any] | None = None, new: bool = False) -> UpdateOne:
    """Upsert one record: crawled fields with ``$set``, ``first_seen_at`` only on insert.

    ``replaced`` is the stored state of an article whose content changed: its hash and
    fetch time join the record's ``history`` (the last ``HISTORY_LENGTH`` changes).
    ``new``: the article was found not stored (a :class:`NewDocumentUpsert`).
    """
    document = to_document(record)
    document.pop("first_seen_at", None)
    update: dict[str, Any] = {"$set": document, "$setOnInsert": {"first_seen_at": now}}
    if replaced is not None:
        entry = {"content_hash": replaced.get("content_hash"),
                 "crawled_at": replaced.get("crawled_at"), "replaced_at": now}
        update["$push"] = {"history": {"$each": [entry], "$slice": -HISTORY_LENGTH}}
    kind = NewDocumentUpsert if new and replaced is None else UpdateOne
    return kind({"_id": document["_id"]}, update, upsert=True)


def page_update(item: dict[str, Any], new: bool = False) -> UpdateOne:
    """Keep a fetched page (gzipped) with the dates incremental crawls compare; ``new``: the
    page was found not stored (a :class:`NewDocumentUpsert`)."""
    html: bytes = item["raw_html"]
    kind = NewDocumentUpsert if new else UpdateOne
    return kind({"_id": item["_id"]}, {"$set": to_document({
        "url": item["url"], "article_id": item.get("article_id"),
        "fetched_at": item["crawled_at"], "html_gz": Binary(gzip.compress(html)),
        "size": len(html), "published_at": item.get("published_at"),
        "modified_at": item.get("modified_at"), "lastmod": item.get("lastmod"),
    })}, upsert=True)


def lastmod_update(record_id: str, lastmod: datetime) -> UpdateOne:
    """Move a stored document's ``lastmod`` up to ``lastmod`` (never down; never inserts)."""
    return UpdateOne({"_id": record_id, "$or": [{"lastmod": {"$lt": lastmod}}, {"lastmod": None}]},
                     {"$set": {"lastmod": lastmod}})


def page_html(page: dict[str, Any]) -> bytes:
    return gzip.decompress(page["html_gz"])


@dataclass
class WriteResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    spooled: int = 0
    #: Writes no server could ever take (a value BSON cannot encode, a document too large).
    refused: int = 0


def unencodable(operation: UpdateOne) -> str | None:
    """Why MongoDB could never store this write (an int beyond 64 bits, a date out of range,
    over 16 MB), or None. Checked before sending, so one poison value costs only its record."""
    try:
        size = len(bson.encode(operation._filter)) + len(bson.encode(operation._doc))
    except (bson.errors.BSONError, OverflowError, ValueError, TypeError) as error:
        return f"{type(error).__name__}: {error}"
    return f"{size} bytes, over the 16 MB limit" if size > MAX_DOCUMENT_BYTES else None


class Writer:
    """Bulk upserts with retries; what still fails goes to the spool.

    After a batch fails all its retries the server is taken to be down: later
    batches are tried once each, so a dead database does not stall the crawl.
    A write no server could take is refused alone (logged, counted), never spooled.
    """

    def __init__(self, db: Database, spool: Spool, retries: int = 3, delay: float = 1.0):
        self.db, self.spool, self.retries, self.delay = db, spool, retries, delay
        self.down = False

    def write(self, collection: str, operations: list[UpdateOne]) -> WriteResult:
        """Store a batch; raises only when failed writes cannot be spooled either (OSError)."""
        result = WriteResult()
        pending = []
        for op in operations:
            reason = unencodable(op)
            if reason is None:
                pending.append(op)
                continue
            result.refused += 1
            logger.error("Refused a write to %s that MongoDB cannot store (%s): %s",
                         collection, op._filter.get("_id"), reason)
        if not pending:
            return result
        attempts = 1 if self.down else self.retries + 1
        for attempt in range(attempts):
            try:
                inserted, modified, refused = self._send(collection, pending)
            except PyMongoError as error:
                logger.warning("MongoDB write to %s failed (attempt %d of %d): %s",
                               collection, attempt + 1, attempts, error)
                if attempt + 1 < attempts:
                    time.sleep(self.delay * (attempt + 1))
                continue
            self._count(result, inserted, modified, len(pending) - len(refused) - inserted - modified)
            for message in refused.values():
                logger.error("MongoDB refused a write to %s: %s", collection, message)
            self.down = False
            pending = [op for i, op in enumerate(pending) if i in refused]
            break  # refused writes are not retried: the server said no
        else:
            self.down = True
        if pending:
            result.spooled += self.spool.append(self.db.name, collection, pending)
            logger.error("Spooled %d write(s) to %s; replay them with `scrapy replay_spool`.",
                         len(pending), self.spool.path)
        return result

    def _send(self, collection: str, operations: list[UpdateOne]
              ) -> tuple[int, int, dict[int, str]]:
        """One bulk write: documents inserted, documents modified, and the server's reason
        for each write it refused, by position. New documents go as inserts; one stored
        meanwhile goes again as its upsert."""
        sent = [op.as_insert() if isinstance(op, NewDocumentUpsert) else op for op in operations]
        try:
            outcome = self.db[collection].bulk_write(sent, ordered=False)
        except BulkWriteError as error:
            done = error.details
            errors = {e["index"]: e for e in done.get("writeErrors", [])}
            inserted = done.get("nInserted", 0) + done.get("nUpserted", 0)
            modified = done.get("nModified", 0)
        else:
            return outcome.inserted_count + outcome.upserted_count, outcome.modified_count, {}
        stored = [i for i, e in errors.items() if e.get("code") == DUPLICATE_KEY
                  and isinstance(operations[i], NewDocumentUpsert)]
        refused = {i: e.get("errmsg", "") for i, e in errors.items() if i not in stored}
        if stored:
            again_inserted, again_modified, again_refused = self._send(
                collection, [operations[i].as_upsert() for i in stored])
            inserted, modified = inserted + again_inserted, modified + again_modified
            refused.update({stored[j]: message for j, message in again_refused.items()})
        return inserted, modified, refused

    @staticmethod
    def _count(result: WriteResult, inserted: int, updated: int, unchanged: int) -> None:
        result.inserted += inserted
        result.updated += updated
        result.unchanged += max(unchanged, 0)


@dataclass
class ReplayResult:
    replayed: int = 0
    #: Entries older than what is stored now (or replayed already): skipped, by design.
    superseded: int = 0
    failing: int = 0
    unreadable: int = 0


def replay(client: MongoClient, default_database: str, spool: Spool) -> ReplayResult:
    """Send spooled writes again, each to the database it was meant for (``default_database``
    for entries spooled before entries named it).

    Idempotent and never backwards: an entry applies only while the stored record is older
    than it (by ``crawled_at`` / ``fetched_at``), so a stale entry cannot overwrite a newer
    record and an entry replayed twice adds no second history entry. Entries that fail
    again go back to the spool; unreadable lines go to ``<spool>.unreadable``.
    """
    result = ReplayResult()
    for claimed in spool.claim():
        still_failing: dict[tuple[str, str], list[UpdateOne]] = {}
        for entry in spool.entries(claimed):
            db = client[entry.get("database") or default_database]
            try:
                applied = _apply(db, entry)
            except PyMongoError as error:
                logger.error("Replay of %s failed: %s", entry["filter"], error)
                still_failing.setdefault((db.name, entry["collection"]), []).append(
                    UpdateOne(entry["filter"], entry["update"], upsert=entry.get("upsert", True)))
                continue
            if applied:
                result.replayed += 1
            else:
                result.superseded += 1
        result.unreadable += spool.set_aside_unreadable()
        for (database, collection), operations in still_failing.items():
            result.failing += spool.append(database, collection, operations)
        claimed.unlink(missing_ok=True)  # a concurrent replayer may have finished it too
    if result.unreadable:
        logger.warning("Skipped %d unreadable line(s) in %s (a crawl killed mid-write?); "
                       "kept in %s", result.unreadable, spool.path, spool.unreadable_path)
    return result


def _apply(db: Database, entry: dict[str, Any]) -> bool:
    """Apply one spooled upsert unless the stored record is as new or newer; True if applied."""
    collection = entry["collection"]
    version_field = VERSION_FIELDS.get(collection)
    version = entry["update"].get("$set", {}).get(version_field) if version_field else None
    query = dict(entry["filter"])
    if version is not None:
        query["$or"] = [{version_field: {"$lt": version}}, {version_field: {"$exists": False}}]
    try:
        db[collection].update_one(query, entry["update"], upsert=entry.get("upsert", True))
    except DuplicateKeyError:
        return False  # the record exists and is newer: the upsert could not insert a twin
    return True


def stored_states(collection: Collection, record_ids: list[str]) -> dict[str, dict[str, Any]]:
    """What storage knows of some articles already (their first sighting and content hash),
    by id, read with one query."""
    cursor = collection.find({"_id": {"$in": record_ids}},
                             {"first_seen_at": 1, "content_hash": 1, "crawled_at": 1})
    return {doc["_id"]: doc for doc in cursor}

"""Item pipelines: each one adapts a single processing step to Scrapy.

The work itself lives in :mod:`thidua_crawler.processing` (pure functions),
so re-extraction runs exactly the same steps.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any

from itemadapter import ItemAdapter
from pymongo import UpdateOne
from pymongo.errors import PyMongoError
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.statscollectors import StatsCollector

from thidua_crawler import feeds, identity, processing, storage
from thidua_crawler.extract.dates import in_vietnam
from thidua_crawler.spool import Spool

logger = logging.getLogger(__name__)

#: Batches of writes that may wait for the worker thread before items wait for them.
MAX_BATCHES_IN_FLIGHT = 4
#: How long an item waits for others before its batch's stored states are read anyway.
LOOKUP_LINGER = 0.2
#: What the page archive keeps of an item.
PAGE_FIELDS = ("_id", "url", "article_id", "crawled_at", "raw_html", "published_at",
               "modified_at", "lastmod")


class _StepPipeline:
    """Runs one processing step on the item's fields, in place (no copy of the item)."""

    step: Any = None

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        type(self).step(ItemAdapter(item))
        return item


class NormalizeTextPipeline(_StepPipeline):
    """NFC, spaces, boilerplate out of the body; then the content hash."""

    step = staticmethod(processing.normalize_step)


class PlaceTaggingPipeline(_StepPipeline):
    """``districts`` and ``communes`` from the gazetteer, aware of the 2025 reform."""

    step = staticmethod(processing.places_step)


class FactExtractionPipeline(_StepPipeline):
    """``campaign_launches``, ``award_counts``, ``extractor_version``."""

    step = staticmethod(processing.facts_step)


class DistrictNewsFilterPipeline:
    """Drops articles about no district, ward or commune, unless the spider runs with all=1."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats: StatsCollector = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistrictNewsFilterPipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        keep_all = getattr(self.crawler.spider, "keep_all", False)
        if keep_all or processing.is_district_news(ItemAdapter(item)):
            return item
        self.stats.inc_value("item_dropped_reasons_count/not_district_news")
        raise DropItem(f"not district news: {ItemAdapter(item).get('url')}", log_level="DEBUG")


class _MongoBatchPipeline:
    """Batched writes to one collection through a :class:`storage.Writer` (retries, spool).

    The writes, and building them (gzip, BSON conversion), run in one worker thread per
    pipeline, so the reactor goes on crawling meanwhile; one thread keeps the batches in
    the order they were made. At most ``MAX_BATCHES_IN_FLIGHT`` batches wait for the
    thread: a slow database slows the crawl down rather than filling memory. A batch that
    neither the database nor the spool took goes back to the pending writes; closing waits
    for every batch and tries those once more, so what the log and the stats say at the end
    is what was stored, spooled, refused or lost.
    """

    collection = ""
    label = ""

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.settings = settings
        self.batch_size = settings.getint("MONGO_BATCH_SIZE")
        self.spool = Spool.from_settings(settings)
        self.pending: list[Any] = []
        self.in_flight: deque[asyncio.Future] = deque()
        self.writer: storage.Writer | None = None
        self.client: Any = None
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self.collection)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> _MongoBatchPipeline:
        return cls(crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        s = self.settings
        self.client, self.db, uri = storage.open_database(s)
        self.writer = storage.Writer(self.db, self.spool, s.getint("MONGO_WRITE_RETRIES"),
                                     s.getfloat("MONGO_RETRY_DELAY"))
        try:
            self.prepare(self.db)
        except PyMongoError as error:  # a down server must not stop the crawl
            self.writer.down = True
            logger.error("MongoDB is not reachable at start (%s); %s will be spooled "
                         "to %s if it stays down.", error, self.label, self.spool.path)
        else:
            logger.info("Storing %s to %s, database %r", self.label, _redact(uri),
                        s.get("MONGO_DATABASE"))

    def prepare(self, db: Any) -> None:
        """Called once the database is open (create indexes, check it answers)."""
        db.command("ping")

    def operation(self, entry: Any) -> UpdateOne:
        """The write for one queued entry; runs in the worker thread."""
        return entry

    async def queue(self, entry: Any) -> None:
        """Queue one write; a full batch goes to the worker thread."""
        self.pending.append(entry)
        if len(self.pending) >= self.batch_size:
            self.flush()
            while len(self.in_flight) > MAX_BATCHES_IN_FLIGHT:
                await asyncio.wait([self.in_flight[0]])

    def flush(self) -> None:
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        done = asyncio.get_running_loop().run_in_executor(self.worker, self._write, batch)
        self.in_flight.append(done)
        done.add_done_callback(lambda finished: self._written(finished, batch))

    def _operations(self, batch: list[Any]) -> list[UpdateOne]:
        return [e if isinstance(e, UpdateOne) else self.operation(e) for e in batch]

    def _write(self, batch: list[Any]) -> storage.WriteResult:
        assert self.writer is not None
        return self.writer.write(self.collection, self._operations(batch))

    def _written(self, done: asyncio.Future, batch: list[Any]) -> None:
        """Count a finished batch (in the reactor thread, where the stats live); one that
        even the spool could not take stays pending."""
        self.in_flight.remove(done)
        if done.exception() is not None:
            self.stats.inc_value(f"mongo/{self.collection}/failed_batches")
            logger.error("A batch of writes to %s failed: %r", self.collection, done.exception())
            self.pending[:0] = batch
            return
        self._count(done.result())

    def _count(self, result: storage.WriteResult) -> None:
        for key in storage.RESULT_KEYS:
            value = getattr(result, key)
            if value:
                self.stats.inc_value(f"mongo/{self.collection}/{key}", value)

    async def close_spider(self, spider: Spider | None = None) -> None:
        """Flush, wait for every batch, and report; never raises, so every other pipeline
        still flushes at close (Scrapy stops calling them at the first that raises)."""
        try:
            if self.writer is not None:
                later = getattr(self.crawler.spider, "later_listings", dict)()
                self.pending += [storage.lastmod_update(identity.record_id(article), moment)
                                 for article, moment in later.items()]
                self.flush()
                if self.in_flight:
                    await asyncio.wait(list(self.in_flight))
                if self.pending:  # what neither the database nor the spool took: once more
                    batch, self.pending = self.pending, []
                    try:
                        self._count(self._write(batch))
                    except Exception:
                        self.pending = batch
                        raise
        except Exception as error:  # noqa: BLE001 - reported below; raising would lose more
            logger.error("Could not store or spool the last writes to %s: %s",
                         self.collection, error)
        finally:
            self.worker.shutdown()
        if self.pending:
            lost = self._operations(self.pending)
            self.stats.inc_value(f"mongo/{self.collection}/lost", len(lost))
            logger.error("%d write(s) to %s were lost (the database and the spool %s both "
                         "failed): %s", len(lost), self.collection, self.spool.path,
                         ", ".join(str(op._filter.get("_id")) for op in lost))
        spooled = self.stats.get_value(f"mongo/{self.collection}/spooled", 0)
        refused = self.stats.get_value(f"mongo/{self.collection}/refused", 0)
        if spooled:
            logger.error("%d write(s) to %s could not be made and were spooled to %s; "
                         "run `scrapy replay_spool` when the database is back.",
                         spooled, self.collection, self.spool.path)
        if refused:
            logger.error("%d write(s) to %s were refused: they hold values MongoDB cannot "
                         "store (see the log lines above)", refused, self.collection)
        if not (spooled or refused or self.pending):
            logger.info("All %s stored; nothing spooled.", self.label)
        if self.client is not None:
            self.client.close()


class PageArchivePipeline(_MongoBatchPipeline):
    """Keeps every fetched page (gzipped HTML) in ``pages``, before any filter: for
    re-extraction, and so that incremental runs know what they have seen."""

    collection = storage.PAGES
    label = "pages"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageArchivePipeline:
        if not crawler.settings.getbool("MONGO_STORE_PAGES"):
            raise NotConfigured
        return cls(crawler)

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        adapter = ItemAdapter(item)
        if adapter.get("raw_html") and adapter.get("_id"):
            known = getattr(self.crawler.spider, "known", None)
            new = known is not None and known.unstored(adapter.get("article_id"))
            await self.queue(({key: adapter.get(key) for key in PAGE_FIELDS}, new))
        return item

    def operation(self, entry: tuple[dict[str, Any], bool]) -> UpdateOne:
        return storage.page_update(*entry)  # gzip here, in the worker thread


class MongoPipeline(_MongoBatchPipeline):
    """Upserts records into ``articles`` in batches.

    ``$set`` for crawled fields, ``$setOnInsert`` for ``first_seen_at``: fields a
    researcher added by hand survive a re-crawl. Each item is marked new, changed or
    unchanged against the stored content hash; a change keeps the old hash in
    ``history``. Writes that fail after their retries are spooled, never lost.

    What is stored already is read for a batch of items at once: an item waits until
    ``MONGO_BATCH_SIZE`` items have come, or ``LOOKUP_LINGER`` seconds have passed.
    """

    collection = storage.ARTICLES
    label = "articles"

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.asked: dict[str, asyncio.Future] = {}
        self.linger: asyncio.TimerHandle | None = None

    def prepare(self, db: Any) -> None:
        """Indexes and the record's validator, where the server has them (said in the stats:
        a run on SecantusDB has neither a text index nor a validator)."""
        self.stats.set_value("storage/validator", storage.ensure_validator(db))
        self.stats.set_value("storage/text_index", storage.ensure_indexes(db))

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        adapter = ItemAdapter(item)
        known = await self._known(adapter["_id"])
        now = datetime.now(timezone.utc).replace(microsecond=0)
        adapter["first_seen_at"] = in_vietnam(known["first_seen_at"] if known else now)
        if self.writer is not None and self.writer.down:
            change = feeds.UNKNOWN
        elif known is None:
            change = feeds.NEW
        else:
            same = known.get("content_hash") == adapter["content_hash"]
            change = feeds.UNCHANGED if same else feeds.CHANGED
        adapter["change"] = change
        self.stats.inc_value(f"articles/{change}")
        record = {k: v for k, v in adapter.items() if k not in ("raw_html", "change")}
        record["updated_at"] = datetime.now(timezone.utc)  # the snapshot refreshes from it
        await self.queue((record, now, known if change == feeds.CHANGED else None,
                          change == feeds.NEW))
        return item

    def operation(self, entry: tuple[dict[str, Any], datetime, dict | None, bool]) -> UpdateOne:
        return storage.article_update(*entry)

    def _known(self, record_id: str) -> asyncio.Future:
        """The stored state of an article, read with the rest of its batch."""
        loop = asyncio.get_running_loop()
        if self.writer is None or self.writer.down:
            nothing = loop.create_future()
            nothing.set_result(None)
            return nothing
        future = self.asked.setdefault(record_id, loop.create_future())
        if len(self.asked) >= self.batch_size:
            self._look_up()
        elif self.linger is None:
            self.linger = loop.call_later(LOOKUP_LINGER, self._look_up)
        return future

    def _look_up(self) -> None:
        """Read the stored state of every article asked for so far, with one query."""
        if self.linger is not None:
            self.linger.cancel()
            self.linger = None
        asked, self.asked = self.asked, {}
        done = asyncio.get_running_loop().run_in_executor(self.worker, self._read, list(asked))

        def answer(done: asyncio.Future) -> None:
            if done.exception() is not None:  # taken as not stored: the write path decides
                logger.error("Reading stored articles failed: %r", done.exception())
            found = {} if done.exception() is not None else done.result()
            for record_id, future in asked.items():
                future.set_result(found.get(record_id))

        done.add_done_callback(answer)

    def _read(self, record_ids: list[str]) -> dict[str, dict[str, Any]]:
        try:
            return storage.stored_states(self.db[self.collection], record_ids)
        except PyMongoError as error:  # the write path decides what is lost
            logger.warning("Could not read %d stored articles from MongoDB: %s",
                           len(record_ids), error)
            return {}


def _redact(uri: str) -> str:
    """Hide a password in a URI before it reaches the log."""
    if "@" not in uri:
        return uri
    scheme, _, rest = uri.partition("://")
    return f"{scheme}://***@{rest.split('@', 1)[1]}"

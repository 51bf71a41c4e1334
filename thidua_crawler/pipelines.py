"""Item pipelines: each one adapts a single processing step to Scrapy.

The work itself lives in :mod:`thidua_crawler.processing` (pure functions),
so re-extraction runs exactly the same steps.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from itemadapter import ItemAdapter
from pymongo.errors import PyMongoError
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.statscollectors import StatsCollector

from thidua_crawler import feeds, localdb, processing, records, storage
from thidua_crawler.extract.dates import in_vietnam

logger = logging.getLogger(__name__)


class _StepPipeline:
    """Runs one processing step on the item's fields."""

    step: Any = None

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        adapter = ItemAdapter(item)
        record = type(self).step(adapter.asdict())
        for key, value in record.items():
            adapter[key] = value
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
    """Batched writes to one collection through a :class:`storage.Writer` (retries, spool)."""

    collection = ""
    label = ""

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.settings = settings
        self.batch_size = settings.getint("MONGO_BATCH_SIZE")
        self.spool = storage.Spool(localdb.spool_path(settings.get("MONGO_SPOOL_PATH"),
                                                      settings.get("THIDUA_DATA_DIR")))
        self.pending: list[Any] = []
        self.writer: storage.Writer | None = None
        self.client: Any = None

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

    def queue(self, operation: Any) -> None:
        self.pending.append(operation)
        if len(self.pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Write what is pending; it stays pending if even the spool cannot take it."""
        assert self.writer is not None
        result = self.writer.write(self.collection, self.pending)
        self.pending = []
        for key in storage.RESULT_KEYS:
            value = getattr(result, key)
            if value:
                self.stats.inc_value(f"mongo/{self.collection}/{key}", value)

    def close_spider(self, spider: Spider | None = None) -> None:
        """Flush and report; never raises, so every other pipeline still flushes at close
        (Scrapy stops calling them at the first that raises)."""
        try:
            if self.writer is not None:
                later = getattr(self.crawler.spider, "later_listings", dict)()
                self.pending += [storage.lastmod_update(records.record_id(article), moment)
                                 for article, moment in later.items()]
                self.flush()
        except Exception as error:  # noqa: BLE001 - reported below; raising would lose more
            logger.error("Could not store or spool the last writes to %s: %s",
                         self.collection, error)
        if self.pending:
            self.stats.inc_value(f"mongo/{self.collection}/lost", len(self.pending))
            logger.error("%d write(s) to %s were lost (the database and the spool %s both "
                         "failed): %s", len(self.pending), self.collection, self.spool.path,
                         ", ".join(str(op._filter.get("_id")) for op in self.pending))
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

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        adapter = ItemAdapter(item)
        if adapter.get("raw_html") and adapter.get("_id"):
            self.queue(storage.page_update(adapter.asdict()))
        return item


class MongoPipeline(_MongoBatchPipeline):
    """Upserts records into ``articles`` in batches.

    ``$set`` for crawled fields, ``$setOnInsert`` for ``first_seen_at``: fields a
    researcher added by hand survive a re-crawl. Each item is marked new, changed or
    unchanged against the stored content hash; a change keeps the old hash in
    ``history``. Writes that fail after their retries are spooled, never lost.
    """

    collection = storage.ARTICLES
    label = "articles"

    def prepare(self, db: Any) -> None:
        storage.ensure_validator(db)
        storage.ensure_indexes(db)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        adapter = ItemAdapter(item)
        now = datetime.now(timezone.utc).replace(microsecond=0)
        known = self._known(adapter["_id"])
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
        replaced = known if change == feeds.CHANGED else None
        self.queue(storage.article_update(record, now, replaced))
        return item

    def _known(self, record_id: str) -> dict[str, Any] | None:
        if self.writer is None or self.writer.down:
            return None
        try:
            return storage.stored_state(self.db[self.collection], record_id)
        except PyMongoError as error:  # the write path decides what is lost
            logger.warning("Could not read %s from MongoDB: %s", record_id, error)
            return None


def _redact(uri: str) -> str:
    """Hide a password in a URI before it reaches the log."""
    if "@" not in uri:
        return uri
    scheme, _, rest = uri.partition("://")
    return f"{scheme}://***@{rest.split('@', 1)[1]}"

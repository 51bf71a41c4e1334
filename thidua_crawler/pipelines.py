"""Item pipelines: each one adapts a single processing step to Scrapy.

The work itself lives in :mod:`thidua_crawler.processing` (pure functions),
so re-extraction runs exactly the same steps.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from itemadapter import ItemAdapter
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from thidua_crawler import localdb, processing, storage
from thidua_crawler.extract.dates import in_vietnam

logger = logging.getLogger(__name__)


class _StepPipeline:
    """Runs one processing step on the item's fields."""

    step: Any = None

    def process_item(self, item: Any, spider: Spider) -> Any:
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

    def __init__(self, stats: StatsCollector):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistrictNewsFilterPipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any, spider: Spider) -> Any:
        if getattr(spider, "keep_all", False) or processing.is_district_news(ItemAdapter(item)):
            return item
        self.stats.inc_value("item_dropped_reasons_count/not_district_news")
        raise DropItem(f"not district news: {ItemAdapter(item).get('url')}", log_level="DEBUG")


class MongoPipeline:
    """Upserts records into ``articles`` (and raw pages into ``pages``) in batches.

    ``$set`` for crawled fields, ``$setOnInsert`` for ``first_seen_at``: fields a
    researcher added by hand survive a re-crawl. Writes that fail after their
    retries are spooled, never lost; the closing log line says how many.
    """

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.stats = crawler.stats
        self.settings = settings
        self.batch_size = settings.getint("MONGO_BATCH_SIZE")
        self.store_pages = settings.getbool("MONGO_STORE_PAGES")
        self.spool = storage.Spool(localdb.spool_path(settings.get("MONGO_SPOOL_PATH"),
                                                      settings.get("THIDUA_DATA_DIR")))
        self.articles: list[Any] = []
        self.pages: list[Any] = []
        self.writer: storage.Writer | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MongoPipeline:
        return cls(crawler)

    def open_spider(self, spider: Spider) -> None:
        s = self.settings
        uri = localdb.resolve_uri(s.get("MONGO_URI"), s.get("THIDUA_DATA_DIR"),
                                  s.getint("LOCAL_DB_PORT"))
        self.client = storage.connect(uri, s.getint("MONGO_TIMEOUT_MS"))
        self.db = self.client[s.get("MONGO_DATABASE")]
        self.collection = self.db[storage.ARTICLES]
        self.writer = storage.Writer(self.db, self.spool, s.getint("MONGO_WRITE_RETRIES"),
                                     s.getfloat("MONGO_RETRY_DELAY"))
        logger.info("Storing to %s, database %r", _redact(uri), s.get("MONGO_DATABASE"))
        try:
            storage.ensure_indexes(self.db)
        except Exception as error:
            self.writer.down = True
            logger.error("MongoDB is not reachable at start (%s); items will be spooled "
                         "to %s if it stays down.", error, self.spool.path)

    def process_item(self, item: Any, spider: Spider) -> Any:
        adapter = ItemAdapter(item)
        now = datetime.now(timezone.utc).replace(microsecond=0)
        known = self._known(adapter["_id"])
        adapter["first_seen_at"] = in_vietnam(known["first_seen_at"] if known else now)
        record = {k: v for k, v in adapter.items() if k != "raw_html"}
        self.articles.append(storage.article_update(record, now))
        html = adapter.get("raw_html")
        if self.store_pages and html:
            self.pages.append(storage.page_update(adapter["_id"], adapter["url"], html,
                                                  adapter["crawled_at"]))
        if len(self.articles) >= self.batch_size:
            self._flush()
        return item

    def close_spider(self, spider: Spider) -> None:
        self._flush()
        spooled = self.stats.get_value("mongo/spooled", 0)
        if spooled:
            logger.error("%d write(s) could not be stored and were spooled to %s; "
                         "run `scrapy replay_spool` when the database is back.",
                         spooled, self.spool.path)
        else:
            logger.info("All items stored; nothing spooled.")
        self.client.close()

    def _known(self, record_id: str) -> dict[str, Any] | None:
        if self.writer is None or self.writer.down:
            return None
        try:
            return storage.stored_state(self.collection, record_id)
        except Exception as error:
            logger.warning("Could not read %s from MongoDB: %s", record_id, error)
            return None

    def _flush(self) -> None:
        assert self.writer is not None
        articles, self.articles = self.articles, []
        pages, self.pages = self.pages, []
        result = self.writer.write(storage.ARTICLES, articles)
        pages_result = self.writer.write(storage.PAGES, pages)
        for key in storage.RESULT_KEYS:
            value = getattr(result, key)
            if value:
                self.stats.inc_value(f"mongo/{key}", value)
        if pages_result.spooled:
            self.stats.inc_value("mongo/pages_spooled", pages_result.spooled)


def _redact(uri: str) -> str:
    """Hide a password in a URI before it reaches the log."""
    if "@" not in uri:
        return uri
    scheme, _, rest = uri.partition("://")
    return f"{scheme}://***@{rest.split('@', 1)[1]}"

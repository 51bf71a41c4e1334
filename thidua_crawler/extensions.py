"""Extensions: small additions to a crawl's life cycle, switched on by settings."""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class StatsFile:
    """Writes the crawl's final stats as JSON to ``STATS_FILE`` (for cron jobs and monitoring)."""

    def __init__(self, crawler: Crawler, path: Path):
        self.crawler, self.path = crawler, path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatsFile:
        path = crawler.settings.get("STATS_FILE")
        if not path:
            raise NotConfigured
        extension = cls(crawler, Path(path))
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats: dict[str, Any] = dict(self.crawler.stats.get_stats())
        stats.setdefault("finish_reason", reason)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(stats, default=str, indent=1, sort_keys=True))


class GarbageCollection:
    """Fewer, cheaper runs of Python's cyclic garbage collector while a crawl runs.

    Parsing and extraction allocate many short-lived objects, so with CPython's default
    thresholds (700, 10, 10) the collector ran about 1,500 times and took a tenth of the
    crawl's time (docs/benchmark.md). ``GC_THRESHOLDS`` sets the thresholds while the engine
    runs, and the objects alive when it starts (modules, settings, the gazetteer) are frozen
    out of every collection (:func:`gc.freeze`). Both are undone when the engine stops.
    """

    def __init__(self, thresholds: tuple[int, ...]):
        self.thresholds = thresholds
        self.previous: tuple[int, ...] = gc.get_threshold()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GarbageCollection:
        thresholds = tuple(int(t) for t in crawler.settings.getlist("GC_THRESHOLDS"))
        if not thresholds:
            raise NotConfigured
        extension = cls(thresholds)
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_started(self) -> None:
        self.previous = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(*self.thresholds)

    def engine_stopped(self) -> None:
        gc.set_threshold(*self.previous)
        gc.unfreeze()

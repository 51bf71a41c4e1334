"""A crawl's progress in the log: articles found in listings, fetched, stored, errors, the rate,
and an ETA once discovery is done (the total is then known).

Scrapy's own LogStats line counts pages and items once a minute; an operator watching a long
crawl (or its log file) wants to know how far along the articles are, and when it will end.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

logger = logging.getLogger(__name__)

#: The spider callback that reads an article; every other callback reads a listing.
ARTICLE_CALLBACK = "parse_article"
LISTING_ERRBACK = "listing_failed"


def _kind(request: Request) -> str | None:
    """``article``, ``listing`` or None (robots.txt and the like)."""
    if getattr(request.callback, "__name__", None) == ARTICLE_CALLBACK:
        return "article"
    if getattr(request.errback, "__name__", None) == LISTING_ERRBACK:
        return "listing"
    return None


class CrawlProgress:
    """Scrapy extension: an INFO line every ``PROGRESS_INTERVAL`` seconds (0 switches it off),
    and a last one when the spider closes."""

    def __init__(self, crawler: Crawler, interval: float):
        self.crawler, self.interval = crawler, interval
        self.found: dict[str, set[str]] = {"article": set(), "listing": set()}
        self.done: dict[str, set[str]] = {"article": set(), "listing": set()}
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        interval = crawler.settings.getfloat("PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        extension = cls(crawler, interval)
        for handler, signal in ((extension.spider_opened, signals.spider_opened),
                                (extension.spider_closed, signals.spider_closed),
                                (extension.request_scheduled, signals.request_scheduled),
                                (extension.request_left, signals.request_left_downloader)):
            crawler.signals.connect(handler, signal=signal)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.log)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.log(final=True)

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        kind = _kind(request)
        if kind:
            self.found[kind].add(request.url)

    def request_left(self, request: Request, spider: Spider) -> None:
        kind = _kind(request)
        if kind:
            self.done[kind].add(request.url)

    def line(self, final: bool = False) -> str:
        stats: dict[str, Any] = self.crawler.stats.get_stats() if self.crawler.stats else {}
        found, fetched = len(self.found["article"]), len(self.done["article"])
        minutes = max(time.monotonic() - self.started, 1e-6) / 60
        rate = fetched / minutes
        text = (f"{found} articles found in listings, {fetched} fetched, "
                f"{stats.get('item_scraped_count', 0)} stored, "
                f"{stats.get('log_count/ERROR', 0)} errors; {rate:.1f} articles/min")
        if final:
            return f"Progress (done): {text}"
        listings_pending = self.found["listing"] - self.done["listing"]
        if not listings_pending and rate > 0:
            text += f"; ETA {(found - fetched) / rate:.1f} min"
        else:
            text += f"; listings still being read: {len(listings_pending)}, no ETA yet"
        return f"Progress: {text}"

    def log(self, final: bool = False) -> None:
        logger.info(self.line(final))

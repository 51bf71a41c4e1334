"""Pause a real crawl after exactly N stored items, so a test can act at a known point.

A downloader middleware, enabled with :func:`pause_after`. Before it hands a response
to the spider, it waits until every earlier response's items have been through the
pipelines. Once ``PAUSE_AFTER_ITEMS`` items were scraped, it adds each response's URL
to the file ``paused`` in ``PAUSE_DIR`` and then, in ``hold`` mode, keeps the response
until the test writes ``release`` there, or in ``requeue`` mode puts its request back in
the scheduler (where a Ctrl-C leaves it in ``JOBDIR``). The stop point is thus a number
of items, never a guess at how long the crawl takes; it is exact with one request at a
time (``CONCURRENT_REQUESTS=1``), which :func:`pause_after` sets.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

POLL = 0.02  # seconds between looks at the scraper or the release file


def pause_after(items: int, directory: Path, mode: str) -> list[str]:
    """The ``scrapy crawl`` options that pause the crawl after ``items`` stored items."""
    middleware = {f"{__name__}.PauseAfterItems": 1}  # next to the engine: after redirects
    return ["-s", f"DOWNLOADER_MIDDLEWARES={json.dumps(middleware)}",
            "-s", f"PAUSE_AFTER_ITEMS={items}", "-s", f"PAUSE_DIR={directory}",
            "-s", f"PAUSE_MODE={mode}", "-s", "CONCURRENT_REQUESTS=1"]


def wait_for(path: Path, timeout: float = 120) -> None:
    """Wait until the crawl has written ``path`` (its ``paused`` marker)."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(POLL)


class PauseAfterItems:
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.after = settings.getint("PAUSE_AFTER_ITEMS")
        self.directory = Path(settings["PAUSE_DIR"])
        self.mode = settings["PAUSE_MODE"]
        self.scraped = 0
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PauseAfterItems:
        return cls(crawler)

    def item_scraped(self) -> None:
        self.scraped += 1

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        scraper = self.crawler.engine.scraper
        while not scraper.slot.is_idle():  # earlier items still in the pipelines
            await asyncio.sleep(POLL)
        if self.scraped < self.after:
            return response
        with (self.directory / "paused").open("a", encoding="utf-8") as paused:
            paused.write(request.url + "\n")
        if self.mode == "requeue":
            return request.replace(dont_filter=True)  # back to the queue, not a duplicate
        while not (self.directory / "release").exists():
            await asyncio.sleep(POLL)
        return response

"""The benchmark's baseline: a bare Scrapy spider that fetches what the mirror's sitemaps list.

No parsing beyond the title, no pipelines, no database: what Scrapy itself costs on this
machine. Run outside the project (no ``scrapy.cfg``) so that none of its settings apply:

    scrapy runspider scripts/bare_spider.py -a base=http://127.0.0.1:8099 -a stats=out.json
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from typing import Any

from scrapy.http import Response
from scrapy.spiders import SitemapSpider

LIVE = "https://hanoimoi.vn"


class BareSitemapSpider(SitemapSpider):
    name = "bare"

    def __init__(self, base: str, stats: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.base, self.stats_path = base.rstrip("/"), stats
        self.sitemap_urls = [f"{self.base}/sitemap.xml"]

    def sitemap_filter(self, entries: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """The mirror's sitemaps name the live site, as the real ones do: fetch the mirror."""
        for entry in entries:
            entry["loc"] = entry["loc"].replace(LIVE, self.base)
            yield entry

    def parse(self, response: Response) -> Iterator[dict[str, Any]]:
        yield {"url": response.url, "title": response.css("title::text").get()}

    def closed(self, reason: str) -> None:
        """Stats to a file, with the elapsed time measured as Scrapy's CoreStats does (it sets
        its own only after this runs)."""
        stats = dict(self.crawler.stats.get_stats())
        stats["elapsed_time_seconds"] = (datetime.now(timezone.utc)
                                         - stats["start_time"]).total_seconds()
        with open(self.stats_path, "w", encoding="utf-8") as out:
            json.dump(stats, out, default=str)

"""The hanoimoi spider: discovers articles, fetches them, hands the pages to the parser.

Arguments (``-a name=value``):

- ``discover``: any of ``sitemap,rss,sections`` (default: all three);
- ``since`` / ``until``: ``YYYY-MM-DD``, the publication range, applied at
  discovery before any article is downloaded (default: the last 7 days);
- ``url`` (comma-separated) / ``urls_file`` (one URL a line): these articles only;
- ``all=1``: keep every article, not only district news;
- ``sections``: comma-separated section slugs for RSS and section discovery;
- ``refresh=1``: download every article in range again, stored or not (by default a
  crawl is incremental: see :mod:`thidua_crawler.incremental`).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import scrapy
from scrapy.http import Response
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from thidua_crawler import site
from thidua_crawler.extract.dates import VIETNAM, parse_datetime, parse_day
from thidua_crawler.incremental import Knowledge
from thidua_crawler.items import ArticleItem
from thidua_crawler.parsing import parse_article
from thidua_crawler.processing import record_from_page

DISCOVERERS = ("sitemap", "rss", "sections")
DEFAULT_DAYS = 7


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


class HanoimoiSpider(scrapy.Spider):
    name = "hanoimoi"

    def __init__(self, discover: str = ",".join(DISCOVERERS), since: str | None = None,
                 until: str | None = None, url: str | None = None, urls_file: str | None = None,
                 sections: str | None = None, **kwargs: Any):
        self.keep_all = _flag(kwargs.pop("all", "0"))
        self.refresh = _flag(kwargs.pop("refresh", "0"))
        super().__init__(**kwargs)
        self.discover = [d.strip() for d in discover.split(",") if d.strip()]
        unknown = set(self.discover) - set(DISCOVERERS)
        if unknown:
            raise ValueError(f"discover: unknown {sorted(unknown)}; use any of "
                             f"{','.join(DISCOVERERS)}")
        today = datetime.now(VIETNAM).date()
        self.until: date = parse_day(until) if until else today
        self.since: date = parse_day(since) if since else self.until - timedelta(DEFAULT_DAYS)
        if self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until})")
        self.urls = [u.strip() for u in (url or "").split(",") if u.strip()]
        if urls_file:
            lines = Path(urls_file).read_text(encoding="utf-8").splitlines()
            self.urls += [line.strip() for line in lines if line.strip()
                          and not line.startswith("#")]
        self.sections = tuple(s.strip() for s in sections.split(",")) if sections else (
            site.SECTIONS)
        self.scheduled_ids: set[int] = set()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> HanoimoiSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.base_url = crawler.settings.get("HANOIMOI_BASE_URL").rstrip("/")
        spider.allowed_domains = [urlparse(spider.base_url).hostname or ""]
        spider.max_api_pages = crawler.settings.getint("HANOIMOI_MAX_API_PAGES")
        spider.known = Knowledge() if spider.refresh or spider.urls else Knowledge.load(
            crawler.settings, spider.name, spider.keep_all)
        return spider

    # --- discovery ---------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.urls:
            self.allowed_domains += [urlparse(u).hostname or "" for u in self.urls]
            for url in self.urls:
                request = self._article_request(url, check_range=False)
                if request:
                    yield request
            return
        self.logger.info("Discovering %s, published %s to %s", "+".join(self.discover),
                         self.since, self.until)
        if "sitemap" in self.discover:
            yield self._listing(self._url(site.SITEMAP_INDEX_PATH), self.parse_sitemap)
        if "rss" in self.discover:
            for section in self.sections:
                yield self._listing(self._url(site.RSS_PATH.format(section=section)),
                                    self.parse_rss, section=section)
        if "sections" in self.discover:
            for section in self.sections:
                yield self._listing(self._url(site.SECTION_PATH.format(section=section)),
                                    self.parse_section, section=section)

    def parse_sitemap(self, response: Response, day: str | None = None) -> Iterator[Any]:
        """A sitemap index (children chosen by the date in their name) or a urlset."""
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gzip.decompress(body)
        sitemap = Sitemap(body)
        if sitemap.type == "sitemapindex":
            for entry in sitemap:
                loc = entry["loc"]
                covered = site.sitemap_date(loc)
                if covered is None and not site.UNDATED_ARTICLE_SITEMAPS.search(loc):
                    continue  # categories, tags: no articles
                if covered is not None and not self.since <= covered <= self.until:
                    continue
                if self.known.older_than_last_run(parse_datetime(entry.get("lastmod"))):
                    self.crawler.stats.inc_value("discovery/sitemap/unchanged_since_last_run")
                    continue
                yield self._listing(site.on_base(response.urljoin(loc), self.base_url),
                                    self.parse_sitemap,
                                    day=covered.isoformat() if covered else None)
            return
        entries = list(sitemap)
        self.known.look_up(site.article_id(response.urljoin(e["loc"])) for e in entries)
        for entry in entries:
            self.crawler.stats.inc_value("discovery/sitemap/urls")
            listed = entry.get("lastmod") or day
            request = self._listed(response.urljoin(entry["loc"]), listed, None)
            if request:
                yield request

    def parse_rss(self, response: Response, section: str) -> Iterator[Any]:
        items = response.xpath("//item")
        self.known.look_up(site.article_id(response.urljoin(link.strip()))
                           for link in items.xpath("link/text()").getall())
        for item in items:
            self.crawler.stats.inc_value("discovery/rss/items")
            link = (item.xpath("link/text()").get() or item.xpath("guid/text()").get() or "")
            request = self._listed(response.urljoin(link.strip()),
                                   item.xpath("pubDate/text()").get(), section)
            if request:
                yield request

    def parse_section(self, response: Response, section: str) -> Iterator[Any]:
        """A section page: its article links, then the load-more API from its last article."""
        links = [response.urljoin(h) for h in response.css(site.SECTION_ARTICLE_LINKS).getall()]
        articles = [u for u in dict.fromkeys(links) if site.is_article_url(u)]
        self.known.look_up(site.article_id(u) for u in articles)
        for url in articles:
            if self.known.is_current(site.article_id(url), None):
                self.crawler.stats.inc_value("discovery/known")
                continue
            # The section page shows no dates: check the range once the article is parsed.
            request = self._article_request(url, section=section, check_range=True)
            if request:
                yield request
        channel = self._channel_id(response)
        if channel and articles:
            yield self._api_request(site.article_id(articles[-1]), channel, section, 1)
        elif not channel:
            self.logger.warning("No channel id on %s; load-more skipped (see site.CHANNEL_ID)",
                                response.url)

    def parse_api(self, response: Response, channel: str, section: str, page: int
                  ) -> Iterator[Any]:
        """One load-more page: articles newest first; stop at the first one before ``since``."""
        self.crawler.stats.inc_value("discovery/api/pages")
        try:
            entries = json.loads(response.text)
        except json.JSONDecodeError:
            self.logger.error("Load-more answer is not JSON: %s", response.url)
            return
        if not isinstance(entries, list) or not entries:
            return
        reached_older = False
        last_id = None
        self.known.look_up(site.article_id(str(entry.get(k))) for entry in entries
                           if isinstance(entry, dict) for k in site.API_URL_KEYS if entry.get(k))
        for entry in entries:
            url = next((entry[k] for k in site.API_URL_KEYS if entry.get(k)), None)
            listed = next((entry[k] for k in site.API_TIME_KEYS if entry.get(k)), None)
            if not url:
                continue
            url = self._url(url) if url.startswith("/") else url
            last_id = site.article_id(url) or last_id
            moment = parse_datetime(listed)
            if moment and moment.astimezone(VIETNAM).date() < self.since:
                reached_older = True
            if self.known.is_current(site.article_id(url), moment) and (
                    self.known.older_than_last_run(moment)):
                reached_older = True  # what lies further back was seen by an earlier run
            request = self._listed(url, listed, section)
            if request:
                yield request
        if not reached_older and last_id and page < self.max_api_pages:
            yield self._api_request(last_id, channel, section, page + 1)

    # --- articles ----------------------------------------------------------

    def parse_article(self, response: Response, section: str | None = None,
                      listed_at: str | None = None, check_range: bool = False
                      ) -> Iterator[ArticleItem]:
        stats = self.crawler.stats
        page = parse_article(response.body, site.public_url(response.url, self.base_url))
        if page.article_id is None:
            page.article_id = site.article_id(response.url)
        if not page.title or not page.body or page.article_id is None:
            stats.inc_value("article/unparseable")
            self.logger.warning("Could not read an article from %s (title=%r, body %d chars, "
                                "id=%r); mend thidua_crawler/site.py if the layout changed",
                                response.url, page.title, len(page.body), page.article_id)
            return
        if page.published_at is None and listed_at:
            page.published_at = parse_datetime(listed_at)
            page.paths["published_at"] = "listing"
        if page.published_at is None:
            stats.inc_value("article/no_date")
            self.logger.warning("No publication date found in %s; stored without one",
                                response.url)
        elif check_range and not self._in_range(page.published_at):
            stats.inc_value("article/out_of_range")
            return
        stats.inc_value(f"article/layout/{page.layout}")
        for name, source in page.paths.items():
            stats.inc_value(f"article/field_source/{name}/{source}")
        for warning in page.warnings:
            stats.inc_value("article/parser_warnings")
            self.logger.warning("%s: %s", response.url, warning)
        record = record_from_page(page, section)
        lastmod = parse_datetime(listed_at) or page.modified_at or page.published_at
        yield ArticleItem(**record, lastmod=lastmod,
                          crawled_at=datetime.now(VIETNAM).replace(microsecond=0),
                          raw_html=response.body)

    def closed(self, reason: str) -> None:
        self.known.close()

    def listing_failed(self, failure: Failure) -> None:
        """A sitemap, feed, section page or API answer that could not be read is an error:
        the run then does not count as a baseline for incremental runs."""
        self.crawler.stats.inc_value("discovery/failed")
        self.logger.error("Could not read the listing %s: %s", failure.request.url,
                          failure.getErrorMessage())

    def article_failed(self, failure: Failure) -> None:
        self.crawler.stats.inc_value("article/fetch_failed")
        self.logger.error("Could not fetch %s: %s", failure.request.url, failure.getErrorMessage())

    # --- helpers -------------------------------------------------------------

    def _url(self, path: str) -> str:
        return site.site_url(self.base_url, path)

    def _in_range(self, moment: datetime) -> bool:
        return self.since <= moment.astimezone(VIETNAM).date() <= self.until

    def _listed(self, url: str, listed_at: str | None, section: str | None
                ) -> scrapy.Request | None:
        """An article found in a dated listing: skipped when outside the range."""
        if not site.is_article_url(url):
            return None
        moment = parse_datetime(listed_at)
        if moment is not None and not self._in_range(moment):
            self.crawler.stats.inc_value("discovery/out_of_range")
            return None
        if self.known.is_current(site.article_id(url), moment):
            self.crawler.stats.inc_value("discovery/known")
            return None
        return self._article_request(url, section=section, listed_at=listed_at,
                                     check_range=moment is None)

    def _article_request(self, url: str, section: str | None = None,
                         listed_at: str | None = None, check_range: bool = False
                         ) -> scrapy.Request | None:
        url = site.on_base(url, self.base_url)
        article = site.article_id(url)
        if article is not None and article in self.scheduled_ids:
            self.crawler.stats.inc_value("discovery/duplicate")
            return None
        if article is not None:
            self.scheduled_ids.add(article)
        return scrapy.Request(url, self.parse_article, errback=self.article_failed,
                              cb_kwargs={"section": section, "listed_at": listed_at,
                                         "check_range": check_range})

    def _channel_id(self, response: Response) -> str | None:
        for attribute in site.CHANNEL_ID_ATTRIBUTES:
            for value in response.css(f"[{attribute}]::attr({attribute})").getall():
                match = site.CHANNEL_ID.search(value)
                if match:
                    return match.group(1)
        return None

    def _listing(self, url: str, callback: Any, **cb_kwargs: Any) -> scrapy.Request:
        """A discovery request (sitemap, feed, section page, API), failures reported."""
        return scrapy.Request(url, callback, errback=self.listing_failed, cb_kwargs=cb_kwargs)

    def _api_request(self, last_id: int | None, channel: str, section: str, page: int
                     ) -> scrapy.Request:
        path = site.LOAD_MORE_PATH.format(last_id=last_id, channel_id=channel)
        return self._listing(self._url(path), self.parse_api, channel=channel, section=section,
                             page=page)

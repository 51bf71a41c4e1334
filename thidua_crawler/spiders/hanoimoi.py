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

import json
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlparse

import scrapy
from scrapy.http import Response, TextResponse
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


def _gunzip(body: bytes, limit: int) -> bytes | None:
    """A gzipped body, or None when it inflates past ``limit`` bytes (never more in memory)."""
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error:
        return b""  # not gzip after all: reported as not a sitemap
    return None if len(data) > limit else data


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


class HanoimoiSpider(scrapy.Spider):
    name = "hanoimoi"
    #: Scrapy starts CONCURRENT_ITEMS tasks (default 100) for the output of every response;
    #: an article yields one item and a daily sitemap 40 requests, so 100 tasks a page were a
    #: fifth of the reactor's time (docs/benchmark.md, profile).
    custom_settings: ClassVar[dict[str, Any]] = {"CONCURRENT_ITEMS": 8}

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
            try:
                lines = Path(urls_file).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as error:
                raise ValueError(f"urls_file: cannot read {urls_file} ({error})") from None
            self.urls += [line.strip() for line in lines if line.strip()
                          and not line.startswith("#")]
        self.sections = tuple(s.strip() for s in sections.split(",") if s.strip()) if (
            sections) else site.SECTIONS
        unknown = sorted(set(self.sections) - set(site.SECTIONS))
        if unknown:
            raise ValueError(f"sections: unknown {unknown}; use any of {','.join(site.SECTIONS)}")
        self.scheduled_ids: set[int] = set()
        #: The latest time any listing gave each article, and the lastmod each was stored with.
        self.listed_max: dict[int, datetime] = {}
        self.stored_lastmod: dict[int, datetime | None] = {}

    @classmethod
    def check_arguments(cls, settings: Any, arguments: dict[str, str]) -> None:
        """Raise ValueError with a message for a bad argument (``scrapy crawl`` shows it)."""
        cls(**arguments).check_urls(settings.get("HANOIMOI_BASE_URL"))

    def check_urls(self, base_url: str) -> None:
        """Given URLs must be articles of the site (the live site or the configured root)."""
        hosts = site.LIVE_HOSTS | {urlparse(base_url).hostname}
        bad = [u for u in self.urls if urlparse(u).hostname not in hosts
               or urlparse(u).scheme not in ("http", "https") or not site.is_article_url(u)]
        if bad:
            raise ValueError(f"url: not on the site or not an article: {', '.join(bad)}")

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> HanoimoiSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.base_url = crawler.settings.get("HANOIMOI_BASE_URL").rstrip("/")
        spider.check_urls(spider.base_url)
        spider.allowed_domains = [urlparse(spider.base_url).hostname or ""]
        spider.max_api_pages = crawler.settings.getint("HANOIMOI_MAX_API_PAGES")
        spider.max_sitemap_urls = crawler.settings.getint("HANOIMOI_MAX_SITEMAP_URLS")
        spider.max_sitemap_bytes = crawler.settings.getint("HANOIMOI_MAX_SITEMAP_BYTES")
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

    async def parse_sitemap(self, response: Response, day: str | None = None
                            ) -> AsyncIterator[Any]:
        """A sitemap index (children chosen by the date in their name) or a urlset."""
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = _gunzip(body, self.max_sitemap_bytes)
            if body is None:
                self._problem("too_large", response, f"decompresses to more than "
                              f"{self.max_sitemap_bytes} bytes (HANOIMOI_MAX_SITEMAP_BYTES)")
                return
        sitemap = Sitemap(body)
        if sitemap.type not in ("sitemapindex", "urlset"):
            self._problem("wrong_content", response, f"not a sitemap (a <{sitemap.type}> page)")
            return
        entries = list(islice(sitemap, self.max_sitemap_urls + 1))
        if not entries:
            self._problem("empty", response, "an empty sitemap")
        if len(entries) > self.max_sitemap_urls:
            entries = entries[: self.max_sitemap_urls]
            self._problem("truncated", response, f"more than {self.max_sitemap_urls} entries "
                          "(HANOIMOI_MAX_SITEMAP_URLS); only the first are read")
        if sitemap.type == "sitemapindex":
            for request in self._each(response, entries,
                                      lambda entry: self._sitemap_child(response, entry)):
                yield request
            return
        self.crawler.stats.inc_value("discovery/sitemap/urls", len(entries))
        await self.known.look_up(site.article_id(response.urljoin(e.get("loc") or ""))
                                 for e in entries)
        for request in self._each(response, entries, lambda entry: self._listed(
                response.urljoin(entry["loc"]), entry.get("lastmod") or day, None)):
            yield request

    def _sitemap_child(self, response: Response, entry: dict[str, Any]
                       ) -> scrapy.Request | None:
        """A daily sitemap of the index, unless out of range or unchanged since a run read it."""
        loc = response.urljoin(entry["loc"])
        covered = site.sitemap_date(loc)
        if covered is None and not site.UNDATED_ARTICLE_SITEMAPS.search(loc):
            return None  # categories, tags: no articles
        if covered is not None and not self.since <= covered <= self.until:
            return None
        if covered is not None and self.known.sitemap_unchanged(
                covered, parse_datetime(entry.get("lastmod"))):
            self.crawler.stats.inc_value("discovery/sitemap/unchanged_since_last_run")
            return None
        return self._listing(site.on_base(loc, self.base_url), self.parse_sitemap,
                             day=covered.isoformat() if covered else None)

    async def parse_rss(self, response: Response, section: str) -> AsyncIterator[Any]:
        if not response.xpath("//channel | //*[local-name()='feed']"):  # XML or HTML parser
            self._problem("wrong_content", response, "not an RSS feed")
            return
        items = response.xpath("//item")
        if not items:
            self._problem("empty", response, "an empty feed")
        self.crawler.stats.inc_value("discovery/rss/items", len(items))
        await self.known.look_up(site.article_id(response.urljoin(link.strip()))
                                 for link in items.xpath("link/text()").getall())
        for request in self._each(response, items, lambda item: self._listed(
                response.urljoin((item.xpath("link/text()").get()
                                  or item.xpath("guid/text()").get() or "").strip()),
                item.xpath("pubDate/text()").get(), section)):
            yield request

    async def parse_section(self, response: Response, section: str) -> AsyncIterator[Any]:
        """A section page: its article links, then the load-more API from its last article."""
        links = [response.urljoin(h) for h in response.css(site.SECTION_ARTICLE_LINKS).getall()]
        articles = [u for u in dict.fromkeys(links) if site.is_article_url(u)]
        if not articles:
            self._problem("empty", response, "a section page with no article links")
        await self.known.look_up(site.article_id(u) for u in articles)
        # The section page shows no dates: check the range once the article is parsed.
        for request in self._each(response, articles, lambda url: None if self._known(url, None)
                                  else self._article_request(url, section=section,
                                                             check_range=True)):
            yield request
        channel = self._channel_id(response)
        if channel and articles:
            yield self._api_request(site.article_id(articles[-1]), channel, section, 1)
        elif not channel:
            self.logger.warning("No channel id on %s; load-more skipped (see site.CHANNEL_ID)",
                                response.url)

    async def parse_api(self, response: Response, channel: str, section: str, page: int
                        ) -> AsyncIterator[Any]:
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
        await self.known.look_up(site.article_id(str(entry.get(k))) for entry in entries
                                 if isinstance(entry, dict) for k in site.API_URL_KEYS
                                 if entry.get(k))
        for entry in entries:
            try:
                url = next((entry[k] for k in site.API_URL_KEYS if entry.get(k)), None)
                listed = next((entry[k] for k in site.API_TIME_KEYS if entry.get(k)), None)
                if not isinstance(url, str):
                    continue
                url = self._url(url) if url.startswith("/") else url
                last_id = site.article_id(url) or last_id
                moment = parse_datetime(listed if isinstance(listed, str) else None)
            except AttributeError:  # an entry that is not an object
                self._bad_entry(response, entry)
                continue
            if moment and moment.astimezone(VIETNAM).date() < self.since:
                reached_older = True
            if self.known.is_current(site.article_id(url), moment) and (
                    self.known.walked_before(section, moment, self.since)):
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
        # Scrapy's text honours the declared encoding (HTTP header, BOM, <meta charset>).
        html = response.text if isinstance(response, TextResponse) else response.body
        page = parse_article(html, site.public_url(response.url, self.base_url))
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
        lastmod = self.listed_max.get(page.article_id) or parse_datetime(listed_at) or (
            page.modified_at or page.published_at)
        self.stored_lastmod[page.article_id] = lastmod
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
        article = site.article_id(url)
        if moment is not None and article is not None:
            self.listed_max[article] = max(moment, self.listed_max.get(article, moment))
        if self._known(url, moment):
            return None
        return self._article_request(url, section=section, listed_at=listed_at,
                                     check_range=moment is None)

    def later_listings(self) -> dict[int, datetime]:
        """Articles stored with an older lastmod than a listing read after them gave (an RSS
        ``pubDate``, then a later sitemap ``lastmod``): the storage pipelines move their lastmod
        up at close, or the next run would fetch them again."""
        return {article: moment for article, moment in self.listed_max.items()
                if article in self.stored_lastmod and (self.stored_lastmod[article] is None
                                                       or moment > self.stored_lastmod[article])}

    def _known(self, url: str, listed: datetime | None) -> bool:
        if self.known.is_current(site.article_id(url), listed):
            self.crawler.stats.inc_value("discovery/known")
            return True
        return False

    def _article_request(self, url: str, section: str | None = None,
                         listed_at: str | None = None, check_range: bool = False
                         ) -> scrapy.Request | None:
        url = site.on_base(url, self.base_url)
        if not self._on_site(url):
            self.crawler.stats.inc_value("discovery/bad_url")
            self.logger.debug("Skipped a link that is not an article of this site: %r", url)
            return None
        article = site.article_id(url)
        if article is not None and article in self.scheduled_ids:
            self.crawler.stats.inc_value("discovery/duplicate")
            return None
        request = scrapy.Request(url, self.parse_article, errback=self.article_failed,
                                 cb_kwargs={"section": section, "listed_at": listed_at,
                                            "check_range": check_range})
        if article is not None:
            self.scheduled_ids.add(article)  # only once a request exists for it
        return request

    def _on_site(self, url: str) -> bool:
        """An http(s) URL on the configured site (or a host of a given URL)."""
        parsed = urlparse(url)
        return parsed.scheme in ("http", "https") and (parsed.hostname or "") in (
            self.allowed_domains)

    def _each(self, response: Response, entries: Iterable[Any],
              handle: Callable[[Any], scrapy.Request | None]) -> Iterator[scrapy.Request]:
        """Requests for a listing's entries; an entry that cannot be read is counted and
        skipped, never the end of its listing."""
        for entry in entries:
            try:
                request = handle(entry)
            except (ValueError, TypeError, KeyError, OverflowError) as error:
                self._bad_entry(response, entry, error)
                continue
            if request is not None:
                yield request

    def _bad_entry(self, response: Response, entry: Any, error: Exception | None = None) -> None:
        self.crawler.stats.inc_value("discovery/bad_entry")
        self.logger.warning("Skipped an unreadable entry of %s: %.200r (%s)", response.url,
                            entry, error or "not an object")

    def _problem(self, kind: str, response: Response, what: str) -> None:
        """A listing that answered but is not what it should be: the run is then no baseline
        (see :func:`thidua_crawler.run_log.problems`)."""
        self.crawler.stats.inc_value(f"discovery/problem/{kind}")
        self.logger.warning("Discovery problem at %s: %s", response.url, what)

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

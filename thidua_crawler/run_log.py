"""A record of every crawl in the ``crawl_runs`` collection.

Written when the spider opens (``status: running``) and completed when it
closes, with the finish reason and the final stats. A run that died leaves
its record at ``running`` with no ``finished_at``. The last *successful* run
(finished normally, no error logged, nothing spooled or refused, no discovery
problem; see :func:`problems`) is a baseline for incremental crawling, for
what it covered (:mod:`thidua_crawler.incremental`).
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import datetime, timezone
from typing import Any

from pymongo import DESCENDING, UpdateOne
from pymongo.database import Database
from pymongo.errors import PyMongoError
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from thidua_crawler import monitors, storage
from thidua_crawler.spool import Spool

logger = logging.getLogger(__name__)

RUNS = "crawl_runs"
#: Settings worth keeping with a run, to tell later what it did.
RECORDED_SETTINGS = ("HANOIMOI_BASE_URL", "MONGO_DATABASE", "JOBDIR", "DOWNLOAD_DELAY",
                     "AUTOTHROTTLE_ENABLED", "CONCURRENT_REQUESTS_PER_DOMAIN", "ROBOTSTXT_OBEY",
                     "USER_AGENT", "LOG_FILE")
SPIDER_ARGUMENTS = ("discover", "since", "until", "urls", "sections", "keep_all", "refresh")
#: The spider argument Scrapyd gives every job it runs: the job id.
SCRAPYD_JOB_ARGUMENT = "_job"


#: How many successful runs incremental crawling looks back over for a baseline.
BASELINE_RUNS = 200
#: Stats that make a run no baseline, and what each means (``{}`` is the count).
PROBLEM_STATS = {
    "log_count/ERROR": "{} error(s) logged",
    "discovery/failed": "{} listing(s) could not be fetched",
    "discovery/problem/wrong_content": "{} listing(s) were not what they should be "
                                       "(e.g. not a sitemap)",
    "discovery/problem/empty": "{} listing(s) were empty",
    "discovery/problem/truncated": "{} listing(s) were cut at HANOIMOI_MAX_SITEMAP_URLS",
    "discovery/problem/too_large": "{} gzipped listing(s) inflated past "
                                   "HANOIMOI_MAX_SITEMAP_BYTES",
    "discovery/bad_entry": "{} listing entries could not be read",
    "offsite/filtered": "{} request(s) redirected or linked off-site were dropped",
    "article/fetch_failed": "{} article(s) could not be fetched",
}


def successful(db: Database, spider: str) -> list[dict[str, Any]]:
    """The spider's runs that succeeded (see :func:`problems`), newest first."""
    return list(db[RUNS].find({"spider": spider, "succeeded": True},
                              sort=[("started_at", DESCENDING)]).limit(BASELINE_RUNS))


def problems(reason: str, stats: dict[str, Any]) -> list[str]:
    """Why a run may not be a baseline for later incremental runs: it did not finish, logged
    an error, could not store something, met any discovery problem (an HTTP error, a listing
    that was HTML, empty or cut short, off-site redirects), or a monitor failed. Empty for a
    success."""
    found = [] if reason == "finished" else [f"finished with reason {reason!r}"]
    found += [text.format(stats[key]) for key, text in PROBLEM_STATS.items() if stats.get(key)]
    for collection in (storage.ARTICLES, storage.PAGES):
        for outcome in ("spooled", "refused", "lost"):
            if stats.get(f"mongo/{collection}/{outcome}"):
                found.append(f"{stats[f'mongo/{collection}/{outcome}']} write(s) to "
                             f"{collection} {outcome}")
    failed = stats.get(monitors.FAILED_STAT)
    if failed:
        found.append(f"monitor(s) failed: {', '.join(failed)}")
    return found


def monitor_results(stats: dict[str, Any]) -> dict[str, Any]:
    """What the monitor suite said (thidua_crawler/monitors.py), for the run's entry."""
    failed = stats.get(monitors.FAILED_STAT) or []
    return {
        "failed": [{"monitor": name, "message": stats.get(monitors.FAILURE_STAT.format(name))}
                   for name in failed],
        "passed": list(stats.get(monitors.PASSED_STAT) or []),
        "exit_code": stats.get(monitors.EXIT_STAT),
    }


def _mongo_keys(stats: dict[str, Any]) -> dict[str, Any]:
    """Stats keys may hold dots (exception class names); MongoDB field names may not."""
    return {key.replace(".", "_"): value for key, value in stats.items()}


class CrawlRunRecorder:
    """Scrapy extension: one ``crawl_runs`` document per run (setting ``CRAWL_RUNS_ENABLED``)."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.run_id = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
        self.db: Database | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRunRecorder:
        if not crawler.settings.getbool("CRAWL_RUNS_ENABLED"):
            raise NotConfigured
        recorder = cls(crawler)
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_opened(self, spider: Spider) -> None:
        settings = self.crawler.settings
        document = {
            "_id": self.run_id,
            "spider": spider.name,
            "status": "running",
            "started_at": datetime.now(timezone.utc),
            "arguments": {name: _plain(getattr(spider, name)) for name in SPIDER_ARGUMENTS
                          if hasattr(spider, name)},
            "settings": {name: _plain(settings.get(name)) for name in RECORDED_SETTINGS},
            "feeds": list(settings.getdict("FEEDS")),
            "scrapyd_job": getattr(spider, SCRAPYD_JOB_ARGUMENT, None),
            "host": socket.gethostname(),
            "pid": os.getpid(),
        }
        self.opening = document
        try:
            self.client, self.db, _ = storage.open_database(settings)
            self.db[RUNS].insert_one(document)
        except PyMongoError as error:
            logger.error("Could not record this run in %s: %s", RUNS, error)
        spider.run_id = self.run_id

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Complete the run's entry; when the database is down, the completion (with the
        opening fields, in case those never arrived) is spooled like any other write."""
        stats = dict(self.crawler.stats.get_stats())
        found = problems(reason, stats)
        if found:
            logger.warning("This run is not a baseline for incremental runs: %s", "; ".join(found))
        opening = {k: v for k, v in self.opening.items() if k not in ("_id", "status")}
        update = UpdateOne({"_id": self.run_id}, {"$set": {
            "status": reason if found else "succeeded",
            "succeeded": not found,
            "problems": found,
            "finish_reason": reason,
            "finished_at": datetime.now(timezone.utc),
            "monitors": monitor_results(stats),
            "stats": _mongo_keys({k: _plain(v) for k, v in stats.items()}),
        }, "$setOnInsert": opening}, upsert=True)
        try:
            if self.db is None:
                raise PyMongoError("not connected")
            self.db[RUNS].bulk_write([update])
        except PyMongoError as error:
            settings = self.crawler.settings
            spool = Spool.from_settings(settings)
            spool.append(settings.get("MONGO_DATABASE"), RUNS, [update])
            logger.error("Could not complete the record of run %s (%s); spooled to %s",
                         self.run_id, error, spool.path)
        finally:
            if self.db is not None:
                self.client.close()


def _plain(value: Any) -> Any:
    """A value MongoDB can store (dates and numbers as they are, the rest as text)."""
    if value is None or isinstance(value, (bool, int, float, str, datetime)):
        return value
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return str(value)

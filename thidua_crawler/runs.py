"""A record of every crawl in the ``crawl_runs`` collection.

Written when the spider opens (``status: running``) and completed when it
closes, with the finish reason and the final stats. A run that died leaves
its record at ``running`` with no ``finished_at``. The last *successful* run
(finished normally, no error logged, nothing spooled) is what incremental
crawling measures against.
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

from thidua_crawler import localdb, monitors, storage

logger = logging.getLogger(__name__)

RUNS = "crawl_runs"
#: Settings worth keeping with a run, to tell later what it did.
RECORDED_SETTINGS = ("HANOIMOI_BASE_URL", "MONGO_DATABASE", "JOBDIR", "DOWNLOAD_DELAY",
                     "AUTOTHROTTLE_ENABLED", "CONCURRENT_REQUESTS_PER_DOMAIN", "ROBOTSTXT_OBEY",
                     "USER_AGENT", "LOG_FILE")
SPIDER_ARGUMENTS = ("discover", "since", "until", "urls", "sections", "keep_all", "refresh")
#: The spider argument Scrapyd gives every job it runs: the job id.
SCRAPYD_JOB_ARGUMENT = "_job"


def last_successful(db: Database, spider: str) -> dict[str, Any] | None:
    """The newest run of a spider that succeeded (see :func:`succeeded_by`)."""
    return db[RUNS].find_one({"spider": spider, "succeeded": True},
                             sort=[("started_at", DESCENDING)])


def succeeded_by(reason: str, stats: dict[str, Any]) -> bool:
    """Finished normally, with no error logged, nothing spooled and no monitor failed. A run
    that could not reach the site, or lost a page, is not one later runs may skip work after."""
    spooled = any(stats.get(f"mongo/{c}/spooled") for c in (storage.ARTICLES, storage.PAGES))
    return (reason == "finished" and not stats.get("log_count/ERROR") and not spooled
            and not stats.get(monitors.FAILED_STAT))


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
        succeeded = succeeded_by(reason, stats)
        opening = {k: v for k, v in self.opening.items() if k not in ("_id", "status")}
        update = UpdateOne({"_id": self.run_id}, {"$set": {
            "status": "succeeded" if succeeded else reason,
            "succeeded": succeeded,
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
            spool = storage.Spool(localdb.spool_path(settings.get("MONGO_SPOOL_PATH"),
                                                     settings.get("THIDUA_DATA_DIR")))
            spool.append(RUNS, [update])
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

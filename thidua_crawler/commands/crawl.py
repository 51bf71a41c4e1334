"""``scrapy crawl``, one at a time per database, with an exit status that tells cron and
Scrapyd how the run went.

The spider's arguments are checked before anything starts: a bad ``-a`` gets a one-line
message and exit status 2, not a traceback. Scrapy's own command exits 0 whatever the crawl
met; this one exits with the status the monitor suite decided
(:mod:`thidua_crawler.monitors`: 3 writes spooled or refused, 4 discovery failed, 5 another
monitor failed), after Scrapy's 1 (could not run) and 2 (usage), and with 75 when another
crawl into the same database holds the lock in the data directory (scheduled runs, manual
crawls and Scrapyd jobs alike).
"""

from __future__ import annotations

import argparse
import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scrapy import Spider
from scrapy.commands import crawl
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError

from thidua_crawler import local_server
from thidua_crawler.command_base import ExampleCommand
from thidua_crawler.monitors import EXIT_MONITOR, EXIT_OK, EXIT_STAT

logger = logging.getLogger(__name__)

#: EX_TEMPFAIL (sysexits.h): another crawl is running; try again at the next schedule.
EXIT_LOCKED = 75


@contextmanager
def exclusive(path: Path) -> Iterator[str | None]:
    """Hold an exclusive ``flock`` on ``path`` (the same lock as flock(1)); yields None when
    held, else what the holder wrote in it (its pid)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            yield handle.read().strip() or "unknown"
            return
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield None


class Command(ExampleCommand, crawl.Command):
    crawler: Crawler | None = None
    examples = ("scrapy crawl hanoimoi",
                "scrapy crawl hanoimoi -a since=2026-01-01 -O articles.jsonl",
                "scrapy crawl hanoimoi -a url=https://hanoimoi.vn/xa-ba-vi-khen-thuong-1151234.html")

    def long_desc(self) -> str:
        return ("Run a spider of the project (hanoimoi). Exit status: 0 every monitor passed, "
                "1 the crawl could not run, 2 bad arguments, 3 writes spooled or refused, "
                "4 discovery failed, 5 another monitor failed, 75 skipped (another crawl into "
                "the same database runs).")

    def _create_crawler(self, spidercls: type[Spider] | str) -> Crawler:
        self.crawler = super()._create_crawler(spidercls)
        return self.crawler

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        self._check_arguments(args, opts)
        if not self.settings.getbool("CRAWL_LOCK_ENABLED"):
            self._crawl(args, opts)
            return
        directory = local_server.data_dir(self.settings.get("THIDUA_DATA_DIR"))
        lock = directory / f"crawl-{self.settings.get('MONGO_DATABASE')}.lock"
        with exclusive(lock) as holder:
            if holder is not None:
                logger.warning("Skipped: another crawl into database %r is running (pid %s "
                               "holds %s); exit status %d", self.settings.get("MONGO_DATABASE"),
                               holder, lock, EXIT_LOCKED)
                self.exitcode = EXIT_LOCKED
                return
            self._crawl(args, opts)

    def _check_arguments(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1 or self.crawler_process is None:
            return
        try:
            spider_class = self.crawler_process.spider_loader.load(args[0])
        except KeyError:
            return  # Scrapy's own command says the spider is unknown
        check = getattr(spider_class, "check_arguments", None)
        if check is not None:
            try:
                check(self.settings, opts.spargs)
            except ValueError as error:
                raise UsageError(str(error), print_help=False) from None

    def _crawl(self, args: list[str], opts: argparse.Namespace) -> None:
        super().run(args, opts)
        if self.exitcode or self.crawler is None or self.crawler.stats is None:
            return
        status = self.crawler.stats.get_value(EXIT_STAT)
        if status is None and self.crawler.settings.getbool("SPIDERMON_ENABLED"):
            # A crawl whose checks did not run must not pass for one that passed them.
            logger.error("The monitor suite recorded no result; exit status %d", EXIT_MONITOR)
            status = EXIT_MONITOR
        self.exitcode = int(status or EXIT_OK)

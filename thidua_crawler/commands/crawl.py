"""``scrapy crawl``: Scrapy's own, with the spider's arguments checked before anything starts."""

from __future__ import annotations

import argparse

from scrapy.commands import crawl
from scrapy.exceptions import UsageError


class Command(crawl.Command):
    """A bad ``-a`` argument gets a one-line message and exit status 2, not a traceback."""

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) == 1 and self.crawler_process is not None:
            try:
                spider_class = self.crawler_process.spider_loader.load(args[0])
            except KeyError:
                spider_class = None  # Scrapy's own command says the spider is unknown
            check = getattr(spider_class, "check_arguments", None)
            if check is not None:
                try:
                    check(self.settings, opts.spargs)
                except ValueError as error:
                    raise UsageError(str(error), print_help=False) from None
        super().run(args, opts)

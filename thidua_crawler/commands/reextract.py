"""``scrapy reextract``: re-run parsing and extraction over stored pages, without a crawl.

After the rules improve (a new ``EXTRACTOR_VERSION``) or ``site.py`` is mended,
this brings stored records up to date from the raw pages kept in ``pages``.
Crawl fields (``first_seen_at``, ``crawled_at``) and fields added by hand stay.
"""

from __future__ import annotations

import argparse

from thidua_crawler import reextraction, storage
from thidua_crawler.command_base import DatabaseCommand, add_filter_options, progress_bar
from thidua_crawler.extract import EXTRACTOR_VERSION


class Command(DatabaseCommand):
    examples = ("scrapy reextract",
                'scrapy reextract --all --since 2024-01-01 --district "Đống Đa" --dry-run')

    def syntax(self) -> str:
        return "[--outdated | --all] [filters] [--dry-run]"

    def short_desc(self) -> str:
        return "Re-run parsing and extraction over stored pages (no re-crawl)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--outdated", action="store_true", default=True,
                           help=f"records whose extractor_version is not {EXTRACTOR_VERSION} "
                                "(the default)")
        which.add_argument("--all", action="store_true", help="every selected record")
        parser.add_argument("--dry-run", action="store_true",
                            help="count what would change, write nothing")
        add_filter_options(parser)

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        query = reextraction.selection(self.filters(opts), outdated=not opts.all)
        db = self.database()
        with progress_bar((), db[storage.ARTICLES].count_documents(query), "re-extracting") as bar:
            result = reextraction.reextract(db, query, dry_run=opts.dry_run, progress=bar.update)
        verb = "would change" if opts.dry_run else "changed"
        print(f"re-extracted {result.seen} record(s) with rules {EXTRACTOR_VERSION}: "
              f"{result.changed} {verb}, {result.unchanged} unchanged, "
              f"{result.missing_page} without a stored page")

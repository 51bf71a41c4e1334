"""``scrapy query``: find articles, or their launches and award counts, by simple filters."""

from __future__ import annotations

import argparse

from thidua_crawler import answers
from thidua_crawler.command_base import DatabaseCommand, add_filter_options, fail
from thidua_crawler.output import FORMATS, write_rows

#: What ``--show`` lists: a flat table, and the columns a terminal table shows of it.
SHOW = {
    "articles": ("articles", ["published_at", "places", "launches", "award_counts",
                              "recipients", "title", "record_id"]),
    "launches": ("campaign_launches", ["date", "places", "kind", "launcher_person",
                                       "launcher_position", "launcher_body", "names", "title"]),
    "awards": ("award_counts", ["published_at", "places", "year", "level", "collectives",
                                "individuals", "count", "forms", "status", "part_of"]),
}


class Command(DatabaseCommand):
    examples = ('scrapy query --district "Thanh Xuân"',
                "scrapy query --has-launch --since 2023-01-01 --show launches",
                'scrapy query --text "thi dua khen thuong" --format csv > articles.csv')

    def syntax(self) -> str:
        return "[filters] [--show articles|launches|awards] [--format table|csv|jsonl]"

    def short_desc(self) -> str:
        return "Find articles (or their launches, award counts) by date, place, level, text..."

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        add_filter_options(parser)
        parser.add_argument("--show", choices=sorted(SHOW), default="articles",
                            help="what to list for the matching articles; default articles")
        parser.add_argument("--format", choices=FORMATS, default="table",
                            help="a table for reading, or CSV or JSON lines for files; "
                                 "default table")
        parser.add_argument("--limit", type=int, default=0, help="at most this many rows")

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        if opts.limit < 0:
            fail(f"--limit {opts.limit}: give a number of rows, or 0 for all")
        table, table_columns = SHOW[opts.show]
        rows = answers.table_rows(self.snapshot(), table, self.filters(opts), opts.limit)
        write_rows(rows, opts.format, columns=table_columns if opts.format == "table" else None)

"""``scrapy export --out DIR``: the articles and flat tables of launches and award counts."""

from __future__ import annotations

import argparse
from pathlib import Path

from thidua_crawler import analysis
from thidua_crawler.command_base import DatabaseCommand, fail
from thidua_crawler.filters import Filters
from thidua_crawler.output import write_files


class Command(DatabaseCommand):
    examples = ("scrapy export --out export/",
                "scrapy export --out export/ --excel --since 2024-01-01 --formats csv")

    def syntax(self) -> str:
        return "--out DIR [filters] [--formats csv,jsonl] [--excel]"

    def short_desc(self) -> str:
        return "Export articles, award counts and campaign launches to CSV and JSON lines"

    def long_desc(self) -> str:
        return ("Writes DIR/articles.jsonl (full records, as the feeds), DIR/articles.csv, and "
                "one row per award count (award_counts.csv/.jsonl) and per campaign launch "
                "(campaign_launches.csv/.jsonl), each row with its article's id, date, places "
                "and URL. Ready for pandas, R or Stata.")

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--out", required=True, type=Path, help="directory to write into")
        parser.add_argument("--formats", default="csv,jsonl",
                            help="csv, jsonl or csv,jsonl (the default)")
        parser.add_argument("--excel", action="store_true",
                            help="CSV files start with a UTF-8 byte order mark, so that Excel "
                                 "shows Vietnamese correctly")
        Filters.add_arguments(parser)

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        formats = [f.strip() for f in opts.formats.split(",") if f.strip()]
        if not formats or set(formats) - {"csv", "jsonl"}:
            fail(f"--formats {opts.formats!r}: use csv, jsonl or csv,jsonl")
        docs = self.filtered(self.filters(opts), projection=None, progress="reading")
        written = write_files(opts.out, "articles", docs, ["jsonl"]) if "jsonl" in formats else []
        tables = {
            "articles": (analysis.article_rows(docs), analysis.ARTICLE_COLUMNS),
            "award_counts": (analysis.award_rows(docs), analysis.AWARD_COLUMNS),
            "campaign_launches": (analysis.launch_rows(docs), analysis.LAUNCH_COLUMNS),
        }
        for name, (rows, columns) in tables.items():
            table_formats = [f for f in formats if not (name == "articles" and f == "jsonl")]
            written += write_files(opts.out, name, rows, table_formats, columns, opts.excel)
        for path in written:
            print(path)
        print(f"{len(docs)} articles, {len(tables['award_counts'][0])} award counts, "
              f"{len(tables['campaign_launches'][0])} campaign launches")

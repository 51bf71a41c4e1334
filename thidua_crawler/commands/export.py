"""``scrapy export --out DIR``: the articles and flat tables of launches and award counts."""

from __future__ import annotations

import argparse
import codecs
import shutil
from pathlib import Path

from thidua_crawler import answers
from thidua_crawler.command_base import DatabaseCommand, add_filter_options, fail, progress_bar

#: The flat tables, by the names their files take.
TABLES = ("articles", "award_counts", "campaign_launches")


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
                "and URL. Ready for pandas, R or Stata. --level and --form keep only the award "
                "counts at that level or of that form.")

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--out", required=True, type=Path, help="directory to write into")
        parser.add_argument("--formats", default="csv,jsonl",
                            help="csv, jsonl or csv,jsonl (the default)")
        parser.add_argument("--excel", action="store_true",
                            help="CSV files start with a UTF-8 byte order mark, so that Excel "
                                 "shows Vietnamese correctly")
        add_filter_options(parser)

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        formats = [f.strip() for f in opts.formats.split(",") if f.strip()]
        if not formats or set(formats) - {"csv", "jsonl"}:
            fail(f"--formats {opts.formats!r}: use csv, jsonl or csv,jsonl")
        filters = self.filters(opts)
        con = self.snapshot()
        opts.out.mkdir(parents=True, exist_ok=True)
        written = []
        if "jsonl" in formats:
            written.append(opts.out / "articles.jsonl")
            answers.export_records(con, filters, written[-1])
        counts = {}
        # DuckDB writes each table in one go: the bar counts tables, not rows
        for name in progress_bar(TABLES, len(TABLES), "exporting", unit=" tables"):
            for fmt in formats:
                if name == "articles" and fmt == "jsonl":
                    continue
                path = opts.out / f"{name}.{fmt}"
                counts[name] = answers.export_table(con, name, filters, path, fmt)
                if opts.excel and fmt == "csv":
                    with_byte_order_mark(path)
                written.append(path)
            if name not in counts:
                counts[name] = answers.count(con, name, filters)
        for path in written:
            print(path)
        print(f"{counts['articles']} articles, {counts['award_counts']} award counts, "
              f"{counts['campaign_launches']} campaign launches")


def with_byte_order_mark(path: Path) -> None:
    """Start a UTF-8 file with a byte order mark, as Excel needs to read Vietnamese; streamed,
    so a large table costs no memory."""
    temporary = path.with_name(path.name + ".tmp")
    path.rename(temporary)
    with temporary.open("rb") as source, path.open("wb") as target:
        target.write(codecs.BOM_UTF8)
        shutil.copyfileobj(source, target)
    temporary.unlink()

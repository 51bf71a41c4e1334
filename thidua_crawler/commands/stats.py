"""``scrapy stats awards|launches|coverage``: the tables a study starts from."""

from __future__ import annotations

import argparse

from thidua_crawler import answers, flat_tables
from thidua_crawler.command_base import DatabaseCommand, add_filter_options, fail
from thidua_crawler.extract.places import communes, districts
from thidua_crawler.filters import Filters
from thidua_crawler.output import FORMATS, write_rows

TABLES = ("awards", "launches", "coverage")


class Command(DatabaseCommand):
    examples = ('scrapy stats awards --district "Thanh Xuân" --year 2022 --by-level',
                "scrapy stats launches",
                "scrapy stats coverage --format csv > coverage.csv")

    def syntax(self) -> str:
        return "awards|launches|coverage [filters] [--year Y] [--by-level] [--format ...]"

    def short_desc(self) -> str:
        return "Award recipients by place and year, launches by year and kind, coverage"

    def long_desc(self) -> str:
        return ("awards: collectives, individuals and combined counts per place and year "
                "(each total counted once: its parts carry the numbers). "
                "launches: campaign launches per year and kind. "
                "coverage: articles per month and the share with facts.")

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("table", choices=TABLES, help="which table (see above)")
        add_filter_options(parser)
        parser.add_argument("--year", type=int, help="only this year (of the award or launch)")
        parser.add_argument("--by-level", action="store_true", help="awards: one row per level")
        parser.add_argument("--format", choices=FORMATS, default="table",
                            help="a table for reading, or CSV or JSON lines; default table")

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        if opts.year is not None and not 1945 <= opts.year <= 2100:
            fail(f"--year {opts.year}: give a year such as 2022")
        filters = self.filters(opts)
        con = self.snapshot()
        if opts.table == "awards":
            rows = answers.awards_by_place_year(con, filters, opts.by_level,
                                                self._place_label(filters), opts.year)
        elif opts.table == "launches":
            rows = answers.launches_by_year_kind(con, filters, opts.year)
        else:
            rows = answers.coverage(con, filters)
        write_rows(rows, opts.format)

    @staticmethod
    def _place_label(filters: Filters) -> str | None:
        """With a place filter, the table shows that place only (not its co-mentioned ones)."""
        if filters.district:
            unit = next(d for d in districts() if d.slug == filters.district)
        elif filters.commune:
            unit = next(c for c in communes() if c.name == filters.commune)
        else:
            return None
        return flat_tables.place_label(unit.record())

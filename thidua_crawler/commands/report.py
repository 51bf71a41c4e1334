"""``scrapy report --out report.html``: awards per place and year, launches over time."""

from __future__ import annotations

import argparse
from pathlib import Path

from thidua_crawler import report
from thidua_crawler.command_base import DatabaseCommand
from thidua_crawler.filters import Filters


class Command(DatabaseCommand):
    def syntax(self) -> str:
        return "--out FILE.html [filters]"

    def short_desc(self) -> str:
        return "Write a self-contained HTML report with charts (viewable offline)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--out", type=Path, default=Path("report.html"))
        parser.add_argument("--title", help="the report's heading")
        Filters.add_arguments(parser)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        data = report.gather(self.snapshot(), self.filters(opts))
        html = report.render(data, opts.title) if opts.title else report.render(data)
        opts.out.parent.mkdir(parents=True, exist_ok=True)
        opts.out.write_text(html, encoding="utf-8")
        print(f"wrote {opts.out} ({data.articles} articles)")

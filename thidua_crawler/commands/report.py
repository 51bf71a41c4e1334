"""``scrapy report --out report.html``: awards per place and year, launches over time."""

from __future__ import annotations

import argparse
from pathlib import Path

from thidua_crawler import html_report
from thidua_crawler.command_base import DatabaseCommand, add_filter_options


class Command(DatabaseCommand):
    examples = ("scrapy report --out report.html",
                'scrapy report --out thanh-xuan.html --district "Thanh Xuân" --title "Thanh Xuân"')

    def syntax(self) -> str:
        return "--out FILE.html [filters]"

    def short_desc(self) -> str:
        return "Write a self-contained HTML report with charts (viewable offline)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--out", type=Path, default=Path("report.html"),
                            help="the HTML file to write; default report.html")
        parser.add_argument("--title", help="the report's heading")
        add_filter_options(parser)

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        filters = self.filters(opts)
        data = html_report.gather(self.snapshot(), filters)
        html = html_report.render(data, **({"title": opts.title} if opts.title else {}),
                             filters=filters.describe())
        opts.out.parent.mkdir(parents=True, exist_ok=True)
        opts.out.write_text(html, encoding="utf-8")
        print(f"wrote {opts.out} ({data.articles} articles)")

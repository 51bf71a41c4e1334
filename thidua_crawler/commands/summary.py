"""``scrapy summary``: what the collection holds, per place (what `make demo` prints)."""

from __future__ import annotations

import argparse
from collections import Counter

from thidua_crawler import analysis
from thidua_crawler.command_base import DatabaseCommand


class Command(DatabaseCommand):
    examples = ("scrapy summary",)

    def short_desc(self) -> str:
        return "Print articles, campaign launches and award counts per district or commune"

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        docs = list(analysis.articles(self.database()))
        layouts = Counter((d.get("parser") or {}).get("layout") for d in docs)
        print(f"{len(docs)} articles stored "
              f"({', '.join(f'{n} {layout}' for layout, n in layouts.most_common())})\n")
        print(analysis.format_table(analysis.summary_by_place(docs)))
        print("\nCampaign launches:")
        print(analysis.format_table(analysis.launch_rows(docs), [
            "published_at", "places", "kind", "launcher_person", "launcher_body", "names"], 40))
        print("\nAward recipients by place and year (each total counted once):")
        print(analysis.format_table(analysis.awards_by_place_year(analysis.award_rows(docs))))

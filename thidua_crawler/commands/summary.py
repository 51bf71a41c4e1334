"""``scrapy summary``: what the collection holds, per place (what `make demo` prints)."""

from __future__ import annotations

import argparse

from thidua_crawler import answers
from thidua_crawler.command_base import DatabaseCommand
from thidua_crawler.filters import Filters
from thidua_crawler.output import format_table


class Command(DatabaseCommand):
    examples = ("scrapy summary",)

    def short_desc(self) -> str:
        return "Print articles, campaign launches and award counts per district or commune"

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        con = self.snapshot()
        layouts = con.execute("SELECT layout, count(*) AS n FROM articles GROUP BY layout "
                              "ORDER BY n DESC, layout").fetchall()
        print(f"{sum(n for _, n in layouts)} articles stored "
              f"({', '.join(f'{n} {layout}' for layout, n in layouts)})\n")
        print(format_table(list(answers.summary_by_place(con))))
        print("\nCampaign launches:")
        print(format_table(list(answers.table_rows(con, "campaign_launches", Filters())), [
            "published_at", "places", "kind", "launcher_person", "launcher_body", "names"], 40))
        print("\nAward recipients by place and year (each total counted once):")
        print(format_table(list(answers.awards_by_place_year(con, Filters()))))

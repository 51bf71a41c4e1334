"""``scrapy runs``: the latest crawls from ``crawl_runs``, with what each did."""

from __future__ import annotations

import argparse

from thidua_crawler.command_base import DatabaseCommand
from thidua_crawler.output import format_table
from thidua_crawler.run_log import RUNS


class Command(DatabaseCommand):
    examples = ("scrapy runs --last 10",)

    def syntax(self) -> str:
        return "[--last N]"

    def short_desc(self) -> str:
        return "List recent crawl runs: status, duration, articles new/changed/unchanged"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--last", type=int, default=20, help="how many runs (default 20)")

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        rows = []
        for run in self.database()[RUNS].find().sort("started_at", -1).limit(opts.last):
            stats = run.get("stats", {})
            finished = run.get("finished_at")
            rows.append({
                "run": run["_id"],
                "status": run["status"],
                "started_at (UTC)": f"{run['started_at']:%Y-%m-%d %H:%M:%S}",
                "seconds": round((finished - run["started_at"]).total_seconds())
                if finished else None,
                "requests": stats.get("downloader/request_count"),
                "new": stats.get("articles/new"),
                "changed": stats.get("articles/changed"),
                "unchanged": stats.get("articles/unchanged"),
                "dropped": stats.get("item_dropped_count"),
                "spooled": stats.get("mongo/articles/spooled"),
                "errors": stats.get("log_count/ERROR"),
                "problems": "; ".join(run.get("problems") or []) or None,
                "failed monitors": ", ".join(f["monitor"] for f in
                                             (run.get("monitors") or {}).get("failed", [])),
            })
        print(format_table(rows))
        if any(r["status"] == "running" for r in rows):
            print("\n'running' with no end: still going, or died (see its host and pid in "
                  "crawl_runs).")

"""``scrapy replay_spool``: send writes that failed during a crawl to the database again."""

from __future__ import annotations

import argparse

from thidua_crawler import storage
from thidua_crawler.command_base import DatabaseCommand
from thidua_crawler.spool import Spool


class Command(DatabaseCommand):
    examples = ("scrapy replay_spool",)

    def short_desc(self) -> str:
        return "Replay writes spooled while the database was down"

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        spool = Spool.from_settings(self.settings)
        db = self.database()
        outcome = storage.replay(db.client, db.name, spool)
        print(f"replayed {outcome.replayed} write(s) from {spool.path}; "
              f"{outcome.superseded} older than what is stored (skipped); "
              f"{outcome.failing} still failing; {outcome.unreadable} unreadable line(s)")
        if outcome.failing or outcome.unreadable:
            self.exitcode = 1

"""``scrapy localdb start|stop|status``: the project's local SecantusDB server."""

from __future__ import annotations

import argparse

from thidua_crawler import local_server
from thidua_crawler.command_base import DatabaseCommand


class Command(DatabaseCommand):
    examples = ("scrapy localdb status", "scrapy localdb stop")

    def syntax(self) -> str:
        return "start|stop|status"

    def short_desc(self) -> str:
        return "Start, stop or show the local SecantusDB server used when MONGO_URI is unset"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("action", choices=("start", "stop", "status"),
                            help="start the server, stop it, or say whether it runs")

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        directory = local_server.data_dir(self.settings.get("THIDUA_DATA_DIR"))
        if opts.action == "start":
            uri = local_server.ensure_server(directory, self.settings.getint("LOCAL_DB_PORT"))
            print(f"running at {uri} (data in {directory / 'secantus'})")
        elif opts.action == "stop":
            print("stopped" if local_server.stop_server(directory) else "was not running")
        else:
            uri = local_server.status(directory)
            print(f"running at {uri} (data in {directory / 'secantus'})" if uri
                  else f"not running (data directory {directory})")

"""The base of the project's commands that work on the database (kept outside
``thidua_crawler.commands``, where Scrapy would take it for a command)."""

from __future__ import annotations

import argparse

import duckdb
from pymongo.database import Database
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from thidua_crawler import snapshot, storage
from thidua_crawler.filters import FilterError, Filters


class DatabaseCommand(ScrapyCommand):
    """A command that works on the project's database (``MONGO_URI`` or the local server)."""

    requires_project = True

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        if not opts.loglevel:  # results go to stdout; only problems to the log
            self.settings.set("LOG_LEVEL", "WARNING", priority="cmdline")

    def database(self) -> Database:
        assert self.settings is not None
        return storage.open_database(self.settings)[1]

    def filters(self, opts: argparse.Namespace) -> Filters:
        """The checked command-line filters; a bad value stops the command with its message."""
        try:
            return Filters.from_options(opts)
        except FilterError as error:
            fail(str(error))
            raise  # fail() always raises; this tells type checkers so

    def snapshot(self) -> duckdb.DuckDBPyConnection:
        """The flat tables, brought up to date with the collection (see
        :mod:`thidua_crawler.snapshot`)."""
        assert self.settings is not None
        return snapshot.open_snapshot(self.settings, self.database())


def fail(message: str) -> None:
    """Stop a command with a message for the user (no traceback)."""
    raise UsageError(message, print_help=False)


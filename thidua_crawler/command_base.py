"""The base of the project's commands that work on the database (kept outside
``thidua_crawler.commands``, where Scrapy would take it for a command)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from pymongo.database import Database
from pymongo.errors import PyMongoError
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from thidua_crawler import analysis, storage
from thidua_crawler.filters import FilterError, Filters

ANALYSIS_PROJECTION = analysis.ARTICLE_PROJECTION


class DatabaseCommand(ScrapyCommand):
    """A command that works on the project's database (``MONGO_URI`` or the local server).

    Subclasses implement :meth:`execute`; :meth:`run` turns what the surroundings do wrong
    (a bad filter, a database that refuses or is gone, an unwritable file, a reader that
    closed the pipe) into a message instead of a traceback.
    """

    requires_project = True

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            self.execute(args, opts)
            sys.stdout.flush()
        except BrokenPipeError:  # `scrapy query | head -1`: the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except FilterError as error:
            fail(str(error))
        except PyMongoError as error:
            fail(f"the database did not answer as expected: {error}")
        except RuntimeError as error:  # the local server could not start
            fail(f"no database: {error}")
        except OSError as error:
            fail(f"cannot write {error.filename or ''}: {error.strerror or error}")

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        raise NotImplementedError

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

    def filtered(self, filters: Filters, projection: Any = ANALYSIS_PROJECTION
                 ) -> list[dict[str, Any]]:
        """The stored articles the filters select, in their feed form."""
        db = self.database()
        return list(analysis.articles(db, filters.query(db), projection))


def fail(message: str) -> None:
    """Stop a command with a message for the user (no traceback)."""
    raise UsageError(message, print_help=False)


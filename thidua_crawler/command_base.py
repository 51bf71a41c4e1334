"""The base of the project's commands that work on the database (kept outside
``thidua_crawler.commands``, where Scrapy would take it for a command)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from dataclasses import fields
from typing import Any

import duckdb
from pymongo.database import Database
from pymongo.errors import PyMongoError
from scrapy.commands import ScrapyCommand, ScrapyHelpFormatter
from scrapy.exceptions import UsageError
from tqdm import tqdm

from thidua_crawler import snapshot, storage
from thidua_crawler.filters import FilterError, Filters
from thidua_crawler.vocab import FORMS, LEVELS


class HelpFormatter(ScrapyHelpFormatter):
    """Scrapy's help layout with two mends: only section titles become underlined headings
    (Scrapy also takes an option's help that wraps after a colon for one), and indented
    example lines keep their own line."""

    def format_part_strings(self, part_strings: list[str]) -> list[str]:
        parts: list[str] = []
        for part in part_strings:
            if part.startswith("usage: "):
                parts.append("Usage\n=====\n  " + part.removeprefix("usage: "))
            elif part.endswith(":\n") and not part.startswith(" "):
                title = part.removesuffix(":\n").title()
                rule = "-" if title == "Global Options" else "="
                parts += [title, f"\n{rule * len(title)}\n"]
            else:
                parts.append(part)
        return parts

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        fill = super()._fill_text
        return "\n".join(line if line.startswith("  ") else fill(line, width, indent)
                         for line in text.splitlines())


class ExampleCommand(ScrapyCommand):
    """A command whose ``--help`` ends with examples that run as written."""

    examples: tuple[str, ...] = ()

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.formatter_class = HelpFormatter
        parser.epilog = "Examples:\n" + "\n".join(f"  {example}" for example in self.examples)


class DatabaseCommand(ExampleCommand):
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
            return Filters.checked(**{name: getattr(opts, name) for name in FILTER_OPTIONS})
        except FilterError as error:
            fail(str(error))
            raise  # fail() always raises; this tells type checkers so

    def snapshot(self) -> duckdb.DuckDBPyConnection:
        """The flat tables, brought up to date with the collection (see
        :mod:`thidua_crawler.snapshot`)."""
        assert self.settings is not None
        return snapshot.open_snapshot(self.settings, self.database())


#: The filter options every researcher command takes: the fields of ``Filters``.
FILTER_OPTIONS = tuple(f.name for f in fields(Filters))


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    """The filter options (:data:`FILTER_OPTIONS`), in a group of their own in ``--help``."""
    group = parser.add_argument_group("filters")
    group.add_argument("--since", help="published on or after (YYYY-MM-DD)")
    group.add_argument("--until", help="published on or before (YYYY-MM-DD)")
    group.add_argument("--district", help="district slug or name (before 2025-07-01)")
    group.add_argument("--commune", help="ward or commune name (from 2025-07-01)")
    group.add_argument("--level", help=f"an award count at this level: {', '.join(LEVELS)}")
    group.add_argument("--form", help=f"an award count of this form: {', '.join(FORMS)}")
    group.add_argument("--launcher", help="words in a launcher's name, position or body")
    group.add_argument("--has-launch", action="store_true", help="with a campaign launch")
    group.add_argument("--has-award", action="store_true", help="with an award count")
    group.add_argument("--text", help="words in title, sapo or body (diacritics optional)")


def progress_bar(items: Iterable[Any], total: int, label: str, unit: str = " articles") -> Any:
    """A tqdm bar on stderr when it is a terminal; nothing when piped or redirected."""
    return tqdm(items, total=total, desc=label, unit=unit, disable=None, leave=False)


def fail(message: str) -> None:
    """Stop a command with a message for the user (no traceback)."""
    raise UsageError(message, print_help=False)


"""The package's seams: modules that import on their own, no import circle dodged inside a
function, pure extraction, and command modules that do not share a name with a library
module (``scrapy report`` and ``thidua_crawler/report.py`` were two different things)."""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from thidua_crawler import schema, vocab

PACKAGE = Path(__file__).resolve().parents[1] / "thidua_crawler"
MODULES = sorted(
    ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
    for path in PACKAGE.rglob("*.py") if "sample_site" not in path.parts
)


def _source_tree(module: str) -> ast.Module:
    path = PACKAGE.parent / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = PACKAGE.parent / module.replace(".", "/") / "__init__.py"
    return ast.parse(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("module", MODULES)
def test_every_module_imports_first_in_a_fresh_interpreter(module: str) -> None:
    """Imported first, a module in a circle fails with 'partially initialized module'."""
    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True,
                          text=True, cwd=PACKAGE.parent)
    assert done.returncode == 0, done.stderr


def test_no_import_inside_a_function() -> None:
    """Imports at module level only: a function-level import is how a circle hides."""
    found = []
    for module in MODULES:
        for node in ast.walk(_source_tree(module)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found += [f"{module}.{node.name}" for inner in ast.walk(node)
                          if isinstance(inner, (ast.Import, ast.ImportFrom))]
    assert found == []


def test_extraction_is_pure() -> None:
    """Facts come from plain functions on text: nothing in ``extract`` reaches for Scrapy,
    the database or the rest of the crawler (``vocab`` is the shared vocabulary)."""
    allowed = {"thidua_crawler.extract", "thidua_crawler.vocab"}
    imported = set()
    for module in (m for m in MODULES if m.startswith("thidua_crawler.extract")):
        for node in ast.walk(_source_tree(module)):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    crawler = {name for name in imported if name.startswith("thidua_crawler")}
    assert {name for name in crawler if not name.startswith(tuple(allowed))} == set()
    assert not {name for name in imported if name.split(".")[0] in ("scrapy", "pymongo")}


def test_command_modules_do_not_share_a_library_module_name() -> None:
    commands = {path.stem for path in (PACKAGE / "commands").glob("*.py")} - {"__init__"}
    library = {path.stem for path in PACKAGE.glob("*.py")}
    assert commands & library == set()


def test_the_validator_speaks_the_vocabulary() -> None:
    launch = schema.LAUNCH["properties"]
    award = schema.AWARD["properties"]
    assert launch["kind"]["enum"] == list(vocab.KINDS)
    assert launch["launcher"]["properties"]["level"]["enum"] == list(vocab.LEVELS)
    assert award["level"]["enum"] == list(vocab.LEVELS)
    assert award["forms"]["items"]["enum"] == list(vocab.FORMS)
    assert award["status"]["enum"] == list(vocab.STATUSES)


def test_required_fields_are_those_that_cannot_be_null() -> None:
    """The record's shape is stated once; what is required follows from it."""
    required = schema.ARTICLE_VALIDATOR["$jsonSchema"]["required"]
    assert required == ["_id", "url", "source", "article_id", "title", "tags", "body", "images",
                        "districts", "communes", "campaign_launches", "award_counts",
                        "first_seen_at", "crawled_at", "content_hash", "extractor_version"]


def test_every_import_path_the_docs_name_resolves() -> None:
    """Researchers copy ``thidua_crawler.x.y`` from README.md and docs/: each must import."""
    docs = [PACKAGE.parent / "README.md", *(PACKAGE.parent / "docs").glob("*.md")]
    named = {m for path in docs
             for m in re.findall(r"thidua_crawler(?:\.[A-Za-z_]\w*)+", path.read_text(encoding="utf-8"))}
    assert {"thidua_crawler.feeds.ChangedArticles", "thidua_crawler.records.from_document"} <= named
    for dotted in sorted(named):
        try:
            importlib.import_module(dotted)  # a module ("python -m thidua_crawler.evaluation")
        except ModuleNotFoundError:
            module, _, name = dotted.rpartition(".")
            assert hasattr(importlib.import_module(module), name), dotted

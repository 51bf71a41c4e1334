"""Replay of the sample site's article pages, Fundus style (the workflow: tests/replay.py).

The parser's reading of each page and what processing makes of it are compared with two
separate expectations: a rule change shows in the extraction one only, a parser change in
the parsing one first (and in the extraction one where it changes the text).
"""

from __future__ import annotations

import pytest

from tests.conftest import ALL_ARTICLES
from tests.replay import EXPECTED, article_pages, expected, extracted, parse, parsed
from thidua_crawler import site

PAGES = article_pages()


def page_name(value: object) -> str:
    return getattr(value, "stem", "")


@pytest.mark.parametrize(("url", "path"), PAGES, ids=page_name)
def test_the_parser_reads_each_page_as_checked_by_hand(url, path) -> None:
    page = parse(url, path)
    assert parsed(page) == expected("parsing", page.article_id)


@pytest.mark.parametrize(("url", "path"), PAGES, ids=page_name)
def test_extraction_finds_each_page_s_facts(url, path) -> None:
    page = parse(url, path)
    assert extracted(page) == expected("extraction", page.article_id)


def test_every_page_has_both_expectations_and_no_more() -> None:
    """A page added without expectations, or removed leaving them behind, fails here."""
    assert len(PAGES) == ALL_ARTICLES
    ids = {str(parse(url, path).article_id) for url, path in PAGES}
    for kind in ("parsing", "extraction"):
        assert {f.stem for f in (EXPECTED / kind).glob("*.json")} == ids, kind


@pytest.mark.parametrize("layout", [layout.name for layout in site.LAYOUTS])
def test_every_layout_has_a_page_the_parser_reads_in_it(layout: str) -> None:
    """A layout in site.LAYOUTS that no sample page shows is a layout no test reads."""
    assert any(parse(url, path).layout == layout for url, path in PAGES), (
        f"no page of thidua_crawler/sample_site is read as {layout!r}")

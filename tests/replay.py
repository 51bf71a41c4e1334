"""Replay the sample site's article pages through parsing, then extraction (Fundus style).

Each article page has two expectations, compared by ``tests/test_replay.py``:

- ``tests/expected/parsing/<article_id>.json``: what the parser reads from the page alone:
  its layout and which source gave each field, title, sapo, author, dates, section, tags,
  images, and the body as its length, paragraph count, SHA-256 and first and last paragraph.
  These were checked by hand against each page's HTML, not only generated.
- ``tests/expected/extraction/<article_id>.json``: what the processing steps make of the
  parsed page: the body paragraphs cleaning removed, the hash of the cleaned text, and the
  facts: districts, communes, campaign launches and award counts.

After a deliberate change of the parser or the rules, rewrite them with
``python -m tests.replay --write`` and review ``git diff tests/expected`` before
committing: the diff is the change's effect. Check a changed parsing expectation against
the page's HTML by hand again; a changed extraction expectation against the page's text.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

from thidua_crawler import site
from thidua_crawler.parsing import ParsedArticle, parse_article
from thidua_crawler.processing import process, record_from_page
from thidua_crawler.records import feed_json
from thidua_crawler.sample_site import SITE_ROOT

EXPECTED = Path(__file__).resolve().parent / "expected"
#: The facts the processing steps add to a record.
FACTS = ("districts", "communes", "campaign_launches", "award_counts")
#: How much of the body's first and last paragraph a parsing expectation quotes.
QUOTED = 160


def article_pages() -> list[tuple[str, Path]]:
    """(live URL, file) of every article page in the sample site."""
    pages = []
    for path in sorted(SITE_ROOT.rglob("*")):
        url = f"{site.DEFAULT_BASE_URL}/{path.relative_to(SITE_ROOT).as_posix()}"
        if path.is_file() and site.is_article_url(url):
            pages.append((url, path))
    return pages


def parse(url: str, path: Path) -> ParsedArticle:
    return parse_article(path.read_bytes(), url)


def parsed(page: ParsedArticle) -> dict[str, Any]:
    """A parsed page as its parsing expectation states it."""
    paragraphs = page.body.split("\n\n") if page.body else []
    return {
        "url": page.url, "article_id": page.article_id,
        "layout": page.layout, "paths": page.paths, "warnings": page.warnings,
        "title": page.title, "sapo": page.sapo, "author": page.author,
        "published_at": page.published_at and page.published_at.isoformat(),
        "modified_at": page.modified_at and page.modified_at.isoformat(),
        "section": page.section, "tags": page.tags, "images": page.images,
        "body": {
            "characters": len(page.body), "paragraphs": len(paragraphs),
            "sha256": hashlib.sha256(page.body.encode("utf-8")).hexdigest(),
            "first": paragraphs[0][:QUOTED] if paragraphs else None,
            "last": paragraphs[-1][-QUOTED:] if paragraphs else None,
        },
    }


def processed(page: ParsedArticle) -> dict[str, Any]:
    """The whole record the crawl would make of a parsed page, as the feed writes it."""
    return feed_json(process(record_from_page(page)))


def replay(url: str, path: Path) -> dict[str, Any]:
    return processed(parse(url, path))


def extracted(page: ParsedArticle) -> dict[str, Any]:
    """A parsed page's processing as its extraction expectation states it."""
    record = processed(page)
    kept = set(record["body"].split("\n\n"))
    return {"removed_paragraphs": [p for p in page.body.split("\n\n") if p not in kept],
            "content_hash": record["content_hash"], **{name: record[name] for name in FACTS}}


def expected(kind: str, article_id: int) -> dict[str, Any]:
    return json.loads((EXPECTED / kind / f"{article_id}.json").read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="rewrite the expectations")
    args = parser.parse_args()
    for url, path in article_pages():
        page = parse(url, path)
        for kind, value in (("parsing", parsed(page)), ("extraction", extracted(page))):
            target = EXPECTED / kind / f"{page.article_id}.json"
            if args.write:
                target.parent.mkdir(exist_ok=True)
                target.write_text(json.dumps(value, ensure_ascii=False, indent=1) + "\n",
                                  encoding="utf-8")
            print(("wrote " if args.write else "") + str(target.relative_to(EXPECTED)))


if __name__ == "__main__":
    main()

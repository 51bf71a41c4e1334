"""Replay stored pages through parsing and extraction (Fundus style).

Every article page of the sample site has its expected record in
``tests/expected/<article_id>.json``. After a deliberate change of the rules,
regenerate them with ``python -m tests.replay --write`` and review the diff
(``git diff tests/expected``) before committing: the diff is the change's effect.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from thidua_crawler import site
from thidua_crawler.parsing import parse_article
from thidua_crawler.processing import process, record_from_page
from thidua_crawler.records import feed_json
from thidua_crawler.sample_site import SITE_ROOT

EXPECTED = Path(__file__).resolve().parent / "expected"


def article_pages() -> list[tuple[str, Path]]:
    """(live URL, file) of every article page in the sample site."""
    pages = []
    for path in sorted(SITE_ROOT.rglob("*")):
        url = f"{site.DEFAULT_BASE_URL}/{path.relative_to(SITE_ROOT).as_posix()}"
        if path.is_file() and site.is_article_url(url):
            pages.append((url, path))
    return pages


def replay(url: str, path: Path) -> dict[str, Any]:
    record = process(record_from_page(parse_article(path.read_bytes(), url)))
    return feed_json(record)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="rewrite the expected records")
    args = parser.parse_args()
    for url, path in article_pages():
        record = replay(url, path)
        target = EXPECTED / f"{record['article_id']}.json"
        if args.write:
            target.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n",
                              encoding="utf-8")
        print(("wrote " if args.write else "") + str(target.name))


if __name__ == "__main__":
    main()

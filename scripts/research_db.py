"""A research database of N records in the record shape, for timing the researcher commands.

The sample site's articles, processed by the real pipeline steps, are the templates; each
copy gets its own id, publication time (2015 to 2026), place (a district before the 2025
reform, a ward or commune after) and award numbers, and is stored as a crawl stores it
(``to_document``, ``updated_at``), with the collection's validator and indexes in place.

    python scripts/research_db.py mongodb://127.0.0.1:27111/ research --records 20000
"""

from __future__ import annotations

import argparse
import copy
import random
import time
from datetime import datetime, timedelta, timezone
from typing import Any

from pymongo.database import Database

from thidua_crawler import site, storage
from thidua_crawler.extract.places import communes, districts
from thidua_crawler.identity import record_id
from thidua_crawler.parsing import parse_article
from thidua_crawler.processing import process, record_from_page
from thidua_crawler.records import to_document
from thidua_crawler.sample_site import SITE_ROOT

FIRST = datetime(2015, 1, 1, tzinfo=timezone.utc)
REFORM = datetime(2025, 6, 30, 17, tzinfo=timezone.utc)
LAST = datetime(2026, 2, 28, tzinfo=timezone.utc)
BATCH = 1000


def templates() -> list[dict[str, Any]]:
    """The sample site's article pages as stored records."""
    found = []
    for path in sorted(SITE_ROOT.rglob("*")):
        url = f"{site.DEFAULT_BASE_URL}/{path.relative_to(SITE_ROOT).as_posix()}"
        if path.is_file() and site.is_article_url(url):
            found.append(process(record_from_page(parse_article(path.read_bytes(), url))))
    return found


def _vary_awards(counts: list[dict[str, Any]], rng: random.Random) -> None:
    """New numbers, keeping each total equal to its parts where it had parts."""
    for count in counts:
        if count.get("collectives") is not None:
            count["collectives"] = rng.randint(1, 300)
        if count.get("individuals") is not None:
            count["individuals"] = rng.randint(1, 500)
        stated = [count.get("collectives"), count.get("individuals")]
        count["count"] = sum(v for v in stated if v is not None) or rng.randint(1, 800)
    for index, count in enumerate(counts):
        parts = [c["count"] for c in counts if c.get("part_of") == index]
        if parts:
            count["count"] = sum(parts)


#: The article id of the first record.
FIRST_ID = 5_000_000


def records(n: int, seed: int = 11, first: int = 0) -> Any:
    """``n`` varied records, as documents ready to insert; ``first`` numbers them on from an
    earlier fill."""
    rng = random.Random(seed)
    sources, units, wards = templates(), districts(), communes()
    span = (LAST - FIRST).total_seconds()
    for i in range(n):
        now = datetime.now(timezone.utc)
        record = copy.deepcopy(sources[i % len(sources)])
        article = FIRST_ID + first + i
        published = FIRST + timedelta(seconds=span * i / n)
        record.update(_id=record_id(article), article_id=article, published_at=published,
                      url=f"{site.DEFAULT_BASE_URL}/bai-viet-{article}.html", lastmod=published,
                      crawled_at=now, first_seen_at=now, updated_at=now)
        if published < REFORM:
            record["districts"], record["communes"] = [rng.choice(units).record()], []
        else:
            record["districts"], record["communes"] = [], [rng.choice(wards).record()]
        _vary_awards(record["award_counts"], rng)
        yield to_document(record)


def fill(db: Database, n: int, first: int = 0) -> float:
    """Store ``n`` records (numbered on from ``first``); returns the seconds the inserts
    took."""
    storage.ensure_validator(db)
    storage.ensure_indexes(db)
    spent = 0.0
    batch: list[dict[str, Any]] = []
    for done, doc in enumerate(records(n, first=first), start=1):
        batch.append(doc)
        if len(batch) >= BATCH or done == n:
            started = time.perf_counter()
            db[storage.ARTICLES].insert_many(batch, ordered=False)
            spent += time.perf_counter() - started
            batch = []
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("uri")
    parser.add_argument("database")
    parser.add_argument("--records", type=int, default=20_000)
    args = parser.parse_args()
    seconds = fill(storage.connect(args.uri)[args.database], args.records)
    print(f"{args.records:,} records in {seconds:.1f} s ({args.records / seconds:,.0f}/s)")


if __name__ == "__main__":
    main()

"""Re-running parsing and extraction over the raw pages kept in the ``pages`` collection."""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from pymongo import UpdateOne
from pymongo.database import Database

from thidua_crawler import storage
from thidua_crawler.extract import EXTRACTOR_VERSION
from thidua_crawler.filters import Filters
from thidua_crawler.mongo_query import mongo_query
from thidua_crawler.parsing import parse_article
from thidua_crawler.processing import process, record_from_page
from thidua_crawler.records import to_document

#: What a re-extraction may rewrite: everything read from the page, never crawl bookkeeping.
KEPT_FIELDS = frozenset({"_id", "first_seen_at", "crawled_at"})
BATCH = 100
#: Batches handed to the workers before the first of them is waited for.
AHEAD = 2
#: Records a worker parses per task (fewer round trips than one by one).
CHUNK = 10


@dataclass
class Result:
    seen: int = 0
    changed: int = 0
    unchanged: int = 0
    missing_page: int = 0


def selection(filters: Filters, outdated: bool) -> dict[str, Any]:
    """The articles to re-extract: those the filters select, and with ``outdated`` only those
    whose rules are not the current ones."""
    query = mongo_query(filters)
    if not outdated:
        return query
    version = {"extractor_version": {"$ne": EXTRACTOR_VERSION}}
    return {"$and": [query, version]} if query else version


#: What a re-extraction reports as a change (a difference elsewhere is written, not counted).
COMPARED = ("section", "extractor_version", "content_hash", "award_counts", "campaign_launches",
            "districts", "communes", "title", "body")


def reextract(db: Database, query: dict[str, Any], dry_run: bool = False,
              workers: int | None = None, progress: Callable[[int], object] = lambda done: None
              ) -> Result:
    """Re-extract the selected records; ``progress`` hears how many were done, batch by batch.

    Parsing and extraction run in ``workers`` processes (default: one per core), ``AHEAD``
    batches ahead of this process, which meanwhile reads the next records and their pages
    and compares a parsed batch with what is stored: the processes never wait for it. Each
    batch's writes go to a thread. Only the fields whose value changes are written.
    """
    result = Result()
    with ProcessPoolExecutor(workers or os.cpu_count()) as pool, \
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="reextract") as writer:
        writing: Future | None = None

        def finish(parsing: _Parsing) -> None:
            nonlocal writing
            updates = _updates(parsing, result)
            progress(parsing.size)
            if writing is not None:
                writing.result()  # raises what the write raised
            writing = None
            if updates and not dry_run:
                writing = writer.submit(db[storage.ARTICLES].bulk_write, updates, ordered=False)

        ahead: deque[_Parsing] = deque()
        cursor = db[storage.ARTICLES].find(query, {"history": 0}).batch_size(BATCH)
        for batch in iter(lambda: list(itertools.islice(cursor, BATCH)), []):
            ahead.append(_parse(db, pool, batch, result))
            if len(ahead) > AHEAD:
                finish(ahead.popleft())
        while ahead:
            finish(ahead.popleft())
        if writing is not None:
            writing.result()
    return result


def fresh_fields(page: dict[str, Any], section: str | None) -> dict[str, Any]:
    """What the current rules read from a stored page (run in a worker process)."""
    parsed = parse_article(storage.page_html(page), page["url"])
    record = process(record_from_page(parsed, section))
    return {k: v for k, v in to_document(record).items()
            if k not in KEPT_FIELDS and not (k == "published_at" and v is None)}


def _fresh_chunk(pages: list[dict[str, Any]], sections: list[str | None]
                 ) -> list[dict[str, Any]]:
    return [fresh_fields(page, section) for page, section in zip(pages, sections, strict=True)]


@dataclass
class _Parsing:
    """A batch being parsed: its size, the stored articles that have a page, and the
    parsed fields of those, chunk by chunk."""

    size: int
    found: list[dict[str, Any]]
    chunks: list[Future]


def _parse(db: Database, pool: Executor, batch: list[dict[str, Any]], result: Result
           ) -> _Parsing:
    """Hand a batch of stored articles to the workers, their pages read with one query."""
    pages = {p["_id"]: p for p in db[storage.PAGES].find({"_id": {"$in": [a["_id"] for a in batch]}})}
    found = [stored for stored in batch if stored["_id"] in pages]
    result.seen += len(batch)
    result.missing_page += len(batch) - len(found)
    chunks = [pool.submit(_fresh_chunk, [pages[s["_id"]] for s in part],
                          [s.get("section") for s in part])
              for part in (found[i:i + CHUNK] for i in range(0, len(found), CHUNK))]
    return _Parsing(len(batch), found, chunks)


def _updates(parsing: _Parsing, result: Result) -> list[UpdateOne]:
    """The writes a parsed batch needs: the fields that differ from what is stored."""
    fresh_records = [fresh for chunk in parsing.chunks for fresh in chunk.result()]
    updates = []
    for stored, fresh in zip(parsing.found, fresh_records, strict=True):
        if all(stored.get(k) == fresh.get(k) for k in COMPARED):
            result.unchanged += 1
        else:
            result.changed += 1
        differ = {k: v for k, v in fresh.items() if stored.get(k) != v}
        if differ:
            differ["updated_at"] = datetime.now(timezone.utc)  # the snapshot refreshes from it
            updates.append(UpdateOne({"_id": stored["_id"]}, {"$set": differ}))
    return updates

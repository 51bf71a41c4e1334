"""What the collection already holds, so a crawl downloads only what is new or changed.

An article is *current* when it is stored and the listing that found it
(sitemap ``lastmod``, RSS ``pubDate``, API ``TimeX2``) is not newer than the
stored copy (its ``lastmod``, ``modified_at`` or ``published_at``). Discovery
also stops early: a load-more page that reaches known articles older than the
last successful run is the last one walked, and daily sitemaps the index
marks unchanged since then are not fetched.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from pymongo import MongoClient
from pymongo.collection import Collection
from pymongo.errors import PyMongoError

from thidua_crawler import runs, storage
from thidua_crawler.records import record_id

logger = logging.getLogger(__name__)

#: Listing times are given to the second or the minute; allow for the rounding.
TOLERANCE = timedelta(minutes=1)


@dataclass
class Knowledge:
    """What the collection holds of the articles this run's listings named.

    Nothing but the last successful run is read at start, so start-up does not grow with
    the collection: each listing asks for the articles it names, in one query per
    collection (:meth:`look_up`), and what it learns stays for the rest of the run.
    """

    versions: dict[int, datetime] = field(default_factory=dict)
    last_success: datetime | None = None
    #: Where fetched articles are recorded; empty: nothing is known (crawl everything).
    sources: list[Collection] = field(default_factory=list)
    asked: set[int] = field(default_factory=set)
    client: MongoClient | None = None

    @classmethod
    def load(cls, settings: Any, spider: str, keep_all: bool = False) -> Knowledge:
        """The last successful run, and where to ask what was fetched before; empty (crawl
        everything in range) when the database cannot be reached.

        A district-news crawl knows every page it fetched (``pages``), kept or not; a crawl
        that keeps all articles knows only the stored ``articles``, so that the ones an
        earlier crawl dropped are fetched now."""
        try:
            client, db, _ = storage.open_database(settings)
        except (PyMongoError, RuntimeError) as error:
            logger.warning("Incremental crawl off: no database (%s)", error)
            return cls()
        try:
            last = runs.last_successful(db, spider)
        except PyMongoError as error:
            logger.warning("Incremental crawl off: could not read the collection (%s)", error)
            client.close()
            return cls()
        sources = [db[storage.ARTICLES]] if keep_all else [db[storage.ARTICLES], db[storage.PAGES]]
        return cls({}, _aware(last["started_at"]) if last else None, sources, client=client)

    def look_up(self, article_ids: Iterable[int | None]) -> None:
        """Read the stored versions of the articles a listing names, with one query per
        collection. Should the database fail, the rest of the run crawls everything."""
        wanted = {i for i in article_ids if i is not None} - self.asked
        if not wanted or not self.sources:
            return
        self.asked |= wanted
        ids = [record_id(i) for i in wanted]
        projection = {"article_id": 1, "lastmod": 1, "modified_at": 1, "published_at": 1}
        try:
            for collection in self.sources:
                for doc in collection.find({"_id": {"$in": ids}}, projection):
                    if doc.get("article_id") is not None:
                        self.versions[doc["article_id"]] = _version(doc)
        except PyMongoError as error:
            logger.warning("Incremental crawl off for the rest of this run: could not read "
                           "the collection (%s)", error)
            self.sources = []

    def is_current(self, article_id: int | None, listed: datetime | None) -> bool:
        """Stored, and not changed since by what the listing says."""
        if article_id is None:
            return False
        self.look_up([article_id])  # a no-op when its listing asked already
        if article_id not in self.versions:
            return False
        return listed is None or listed <= self.versions[article_id] + TOLERANCE

    def older_than_last_run(self, moment: datetime | None) -> bool:
        """Before the last successful run started (by more than the listings' rounding)."""
        return bool(self.last_success and moment and moment < self.last_success - TOLERANCE)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()


def _version(doc: dict[str, Any]) -> datetime:
    """The newest date the stored copy is known to reflect."""
    stamps = [doc.get(k) for k in ("lastmod", "modified_at", "published_at")]
    known = [_aware(s) for s in stamps if isinstance(s, datetime)]
    return max(known) if known else datetime.min.replace(tzinfo=timezone.utc)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)

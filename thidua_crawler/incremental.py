"""What the collection already holds, so a crawl downloads only what is new or changed.

An article is *current* when it is stored and the listing that found it
(sitemap ``lastmod``, RSS ``pubDate``, API ``TimeX2``) is not newer than the
stored copy (its ``lastmod``, ``modified_at`` or ``published_at``). Discovery
also stops early: a load-more page that reaches known articles older than the
last successful run that walked that section is the last one walked, and a
daily sitemap the index marks unchanged since the last successful run that
read that day's sitemap is not fetched.

A run is a baseline only for what it covered: its discoverers, its sections
and its date range (a run of given URLs covers nothing). A narrower run never
lets a wider one skip what the narrower did not read.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from pymongo import MongoClient
from pymongo.collection import Collection
from pymongo.errors import PyMongoError

from thidua_crawler import run_log, storage
from thidua_crawler.identity import record_id

logger = logging.getLogger(__name__)

#: Listing times are given to the second or the minute; allow for the rounding.
TOLERANCE = timedelta(minutes=1)


@dataclass(frozen=True)
class Coverage:
    """What one successful run read: its start, discoverers, sections and date range."""

    started_at: datetime
    discover: frozenset[str]
    sections: frozenset[str]
    since: date
    until: date
    keep_all: bool

    @classmethod
    def of_run(cls, run: dict[str, Any]) -> Coverage | None:
        """The coverage a ``crawl_runs`` document records; None for a run of given URLs or
        one recorded without its arguments."""
        args = run.get("arguments") or {}
        try:
            if args.get("urls") or not args.get("since") or not args.get("until"):
                return None
            return cls(_aware(run["started_at"]), frozenset(args.get("discover") or ()),
                       frozenset(args.get("sections") or ()), date.fromisoformat(args["since"]),
                       date.fromisoformat(args["until"]), bool(args.get("keep_all")))
        except (KeyError, TypeError, ValueError):
            return None


@dataclass
class Knowledge:
    """What the collection holds of the articles this run's listings named, and what the
    successful runs covered.

    Only the successful runs are read at start, so start-up does not grow with the
    collection: each listing asks for the articles it names, in one query per collection
    (:meth:`look_up`), and what it learns stays for the rest of the run.
    """

    versions: dict[int, datetime] = field(default_factory=dict)
    #: The successful runs' coverages, newest first.
    baselines: list[Coverage] = field(default_factory=list)
    keep_all: bool = False
    #: Where fetched articles are recorded; empty: nothing is known (crawl everything).
    sources: list[Collection] = field(default_factory=list)
    asked: set[int] = field(default_factory=set)
    client: MongoClient | None = None
    #: One look-up at a time: a listing naming an article another listing's look-up is still
    #: reading waits for that answer rather than taking the article for new.
    reading: asyncio.Lock = field(default_factory=asyncio.Lock)

    @classmethod
    def load(cls, settings: Any, spider: str, keep_all: bool = False) -> Knowledge:
        """The successful runs, and where to ask what was fetched before; empty (crawl
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
            baselines = [c for c in map(Coverage.of_run, run_log.successful(db, spider)) if c]
        except PyMongoError as error:
            logger.warning("Incremental crawl off: could not read the collection (%s)", error)
            client.close()
            return cls()
        sources = [db[storage.ARTICLES]] if keep_all else [db[storage.ARTICLES], db[storage.PAGES]]
        return cls({}, baselines, keep_all, sources, client=client)

    async def look_up(self, article_ids: Iterable[int | None]) -> None:
        """Read the stored versions of the articles a listing names, with one query per
        collection, in a worker thread: the crawl goes on while the database answers. Should
        the database fail, the rest of the run crawls everything."""
        async with self.reading:
            ids = self._unasked(article_ids)
            if ids:
                await asyncio.to_thread(self._read, ids)

    def _unasked(self, article_ids: Iterable[int | None]) -> list[str]:
        """The record ids of the articles not asked for yet, now marked asked."""
        wanted = {i for i in article_ids if i is not None} - self.asked
        if not wanted or not self.sources:
            return []
        self.asked |= wanted
        return [record_id(i) for i in wanted]

    def _read(self, ids: list[str]) -> None:
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
        ids = self._unasked([article_id])  # none when its listing asked already
        if ids:
            self._read(ids)
        if article_id not in self.versions:
            return False
        return listed is None or listed <= self.versions[article_id] + TOLERANCE

    def unstored(self, article_id: int | None) -> bool:
        """A listing's look-up found the article stored nowhere (False when it was found, or
        nobody asked): its page and record can be sent as inserts."""
        return bool(self.sources) and article_id in self.asked and article_id not in self.versions

    def sitemap_unchanged(self, day: date, lastmod: datetime | None) -> bool:
        """A daily sitemap last modified before a successful run that read that day's sitemap
        started (by more than the listings' rounding)."""
        return lastmod is not None and any(
            "sitemap" in run.discover and run.since <= day <= run.until
            and lastmod < run.started_at - TOLERANCE for run in self._comparable())

    def walked_before(self, section: str, moment: datetime | None, since: date) -> bool:
        """A load-more entry older than the start of a successful run that walked this section
        back to ``since`` or further: what lies behind it was seen then."""
        return moment is not None and any(
            "sections" in run.discover and section in run.sections and run.since <= since
            and moment.date() <= run.until and moment < run.started_at - TOLERANCE
            for run in self._comparable())

    def _comparable(self) -> list[Coverage]:
        """Runs that kept at least what this one keeps (a district-news run dropped the rest)."""
        return [run for run in self.baselines if run.keep_all or not self.keep_all]

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

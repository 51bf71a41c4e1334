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

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from pymongo.errors import PyMongoError

from thidua_crawler import runs, storage

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
    versions: dict[int, datetime] = field(default_factory=dict)
    #: The successful runs' coverages, newest first.
    baselines: list[Coverage] = field(default_factory=list)
    keep_all: bool = False

    @classmethod
    def load(cls, settings: Any, spider: str, keep_all: bool = False) -> Knowledge:
        """Read what was fetched before and the last successful run; empty (crawl everything
        in range) when the database cannot be reached.

        A district-news crawl knows every page it fetched (``pages``), kept or not; a crawl
        that keeps all articles knows only the stored ``articles``, so that the ones an
        earlier crawl dropped are fetched now."""
        try:
            client, db, _ = storage.open_database(settings)
        except (PyMongoError, RuntimeError) as error:
            logger.warning("Incremental crawl off: no database (%s)", error)
            return cls()
        try:
            versions: dict[int, datetime] = {}
            projection = {"article_id": 1, "lastmod": 1, "modified_at": 1, "published_at": 1}
            sources = [storage.ARTICLES] if keep_all else [storage.ARTICLES, storage.PAGES]
            for collection in sources:
                for doc in db[collection].find({}, projection):
                    if doc.get("article_id") is not None:
                        versions[doc["article_id"]] = _version(doc)
            baselines = [c for c in map(Coverage.of_run, runs.successful(db, spider)) if c]
            return cls(versions, baselines, keep_all)
        except PyMongoError as error:
            logger.warning("Incremental crawl off: could not read the collection (%s)", error)
            return cls()
        finally:
            client.close()

    def is_current(self, article_id: int | None, listed: datetime | None) -> bool:
        """Stored, and not changed since by what the listing says."""
        if article_id is None or article_id not in self.versions:
            return False
        return listed is None or listed <= self.versions[article_id] + TOLERANCE

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


def _version(doc: dict[str, Any]) -> datetime:
    """The newest date the stored copy is known to reflect."""
    stamps = [doc.get(k) for k in ("lastmod", "modified_at", "published_at")]
    known = [_aware(s) for s in stamps if isinstance(s, datetime)]
    return max(known) if known else datetime.min.replace(tzinfo=timezone.utc)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)

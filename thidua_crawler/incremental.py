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
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from pymongo.errors import PyMongoError

from thidua_crawler import runs, storage

logger = logging.getLogger(__name__)

#: Listing times are given to the second or the minute; allow for the rounding.
TOLERANCE = timedelta(minutes=1)


@dataclass
class Knowledge:
    versions: dict[int, datetime] = field(default_factory=dict)
    last_success: datetime | None = None

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
            last = runs.last_successful(db, spider)
            return cls(versions, _aware(last["started_at"]) if last else None)
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

    def older_than_last_run(self, moment: datetime | None) -> bool:
        """Before the last successful run started (by more than the listings' rounding)."""
        return bool(self.last_success and moment and moment < self.last_success - TOLERANCE)


def _version(doc: dict[str, Any]) -> datetime:
    """The newest date the stored copy is known to reflect."""
    stamps = [doc.get(k) for k in ("lastmod", "modified_at", "published_at")]
    known = [_aware(s) for s in stamps if isinstance(s, datetime)]
    return max(known) if known else datetime.min.replace(tzinfo=timezone.utc)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)

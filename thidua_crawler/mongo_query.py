"""Checked filters as a MongoDB query, for what works on the collection itself
(``scrapy reextract`` selects stored pages with it; researchers may reuse it from pymongo).

Text search is diacritic-insensitive ("thi dua khen thuong" finds "thi đua khen
thưởng") through a regular expression built from escaped literals, so it works on
servers without text indexes (SecantusDB) as on MongoDB.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from thidua_crawler.extract.dates import VIETNAM
from thidua_crawler.extract.text import folded_pattern
from thidua_crawler.filters import FilterError, Filters

#: The longest regular expression sent to the server (SecantusDB refuses those over 1,000
#: characters; a diacritic-insensitive letter takes up to 40).
MAX_SERVER_PATTERN = 900
TEXT_FIELDS = ("title", "sapo", "body")
LAUNCHER_FIELDS = tuple(f"campaign_launches.launcher.{part}"
                        for part in ("person", "position", "body"))


def mongo_query(filters: Filters) -> dict[str, Any]:
    """The query selecting the articles ``filters`` describe."""
    clauses: list[dict[str, Any]] = []
    bounds: dict[str, datetime] = {}
    if filters.since:
        bounds["$gte"] = datetime.combine(filters.since, time.min, tzinfo=VIETNAM)
    if filters.until:
        bounds["$lte"] = datetime.combine(filters.until, time.max, tzinfo=VIETNAM)
    if bounds:
        clauses.append({"published_at": bounds})
    if filters.district:
        clauses.append({"districts.slug": filters.district})
    if filters.commune:
        clauses.append({"communes.name": filters.commune})
    if filters.level:
        clauses.append({"award_counts.level": filters.level})
    if filters.form:
        clauses.append({"award_counts.forms": filters.form})
    if filters.has_launch:
        clauses.append({"campaign_launches.0": {"$exists": True}})
    if filters.has_award:
        clauses.append({"award_counts.0": {"$exists": True}})
    if filters.launcher:
        clauses.append(_matching("--launcher", filters.launcher, LAUNCHER_FIELDS))
    if filters.text:
        clauses.append(_matching("--text", filters.text, TEXT_FIELDS))
    if not clauses:
        return {}
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _matching(option: str, words: str, fields: tuple[str, ...]) -> dict[str, Any]:
    """Articles with ``words`` in any of ``fields``, as one server-side regular expression."""
    pattern = folded_pattern(words)
    if len(pattern) > MAX_SERVER_PATTERN:
        raise FilterError(f"{option}: too long for the database's regular expressions; "
                          "use fewer words")
    return {"$or": [{name: {"$regex": pattern}} for name in fields]}

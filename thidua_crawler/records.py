"""Records between their three shapes: the crawled item, the MongoDB document, the feed line.

Feeds write datetimes as ISO 8601 with the Vietnam offset and calendar dates
as ``YYYY-MM-DD``; MongoDB stores both as BSON dates in UTC (a calendar date
as midnight UTC). ``to_document`` and ``from_document`` convert losslessly
between the two, so an export of the collection equals the crawl's feed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timezone
from typing import Any

from thidua_crawler.extract.dates import in_vietnam

#: Where a record holds calendar dates rather than instants.
DATE_PATHS = frozenset({
    "campaign_launches.date", "campaign_launches.period.start", "campaign_launches.period.end",
})
def to_document(record: Mapping[str, Any]) -> dict[str, Any]:
    """The MongoDB form: calendar dates become midnight-UTC datetimes, the rest as is."""
    return _walk(dict(record), "", _to_bson)


def from_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """The feed form of a stored document: Vietnam-time instants, calendar dates."""
    return _walk(dict(document), "", _from_bson)


def _to_bson(value: Any, path: str) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    return value


def _from_bson(value: Any, path: str) -> Any:
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return aware.date() if path in DATE_PATHS else in_vietnam(aware)
    return value


def _walk(value: Any, path: str, convert: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _walk(v, f"{path}.{k}" if path else k, convert) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, path, convert) for v in value]
    return convert(value, path)


def feed_json(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record as the JSON a feed line holds (ISO strings for dates)."""
    return json.loads(json.dumps(record, ensure_ascii=False, default=_iso))


def _iso(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to a feed")

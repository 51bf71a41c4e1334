"""Records between their three shapes: the crawled item, the MongoDB document, the feed line.

Feeds write datetimes as ISO 8601 with the Vietnam offset and calendar dates
as ``YYYY-MM-DD``; MongoDB stores both as BSON dates in UTC (a calendar date
as midnight UTC). ``to_document`` and ``from_document`` convert losslessly
between the two, so an export of the collection equals the crawl's feed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, MutableMapping
from datetime import date, datetime, timezone
from typing import Any

from thidua_crawler import site
from thidua_crawler.extract.dates import in_vietnam
from thidua_crawler.extract.text import normalize

#: Where a record holds calendar dates rather than instants.
DATE_PATHS = frozenset({
    "campaign_launches.date", "campaign_launches.period.start", "campaign_launches.period.end",
})
#: Fields whose change is a change of the article (not of the crawl or the rules).
CONTENT_FIELDS = ("title", "sapo", "author", "published_at", "body", "tags", "images")


def record_id(article_id: int) -> str:
    return f"{site.SOURCE}:{article_id}"


def content_hash(record: Mapping[str, Any]) -> str:
    """A hash of what the article says, to tell a real edit from a re-fetch."""
    content = {name: record.get(name) for name in CONTENT_FIELDS}
    if isinstance(content["published_at"], datetime):
        content["published_at"] = content["published_at"].astimezone(timezone.utc).isoformat()
    payload = json.dumps(content, ensure_ascii=False, sort_keys=True, default=str)
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


def clean_text_fields(record: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """NFC and single spaces in every text field; boilerplate lines and the sapo out of the body.

    The parser keeps structure (paragraphs, captions apart); this keeps text,
    and it runs on re-extraction as well as on crawl.
    """
    for name in ("title", "sapo", "author"):
        record[name] = normalize(record.get(name)) or None
    record["tags"] = [t for t in (normalize(t) for t in record.get("tags") or []) if t]
    record["images"] = [
        {"url": image["url"], "caption": normalize(image.get("caption")) or None}
        for image in record.get("images") or []
    ]
    kept = []
    for line in (normalize(p) for p in (record.get("body") or "").split("\n\n")):
        if site.TRAILING_BLOCK_HEADINGS.match(line):
            break
        if line and not any(p.search(line) for p in site.BOILERPLATE_LINES) and line not in (
            record.get("sapo"), record.get("title")
        ):
            kept.append(line)
    record["body"] = "\n\n".join(kept)
    return record


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

"""What identifies an article across crawls: its record id and the hash of what it says."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from thidua_crawler import site

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

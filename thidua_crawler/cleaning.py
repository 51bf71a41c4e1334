"""The record's text fields cleaned: NFC, single spaces, the site's boilerplate out of the body."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from thidua_crawler import site
from thidua_crawler.extract.text import normalize


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

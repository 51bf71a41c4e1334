"""The steps from a parsed page to a finished record, shared by the pipelines and re-extraction.

Each step changes a record in place and returns it: a plain dict on re-extraction,
the item itself (through an ``ItemAdapter``, so it is never copied) in the pipelines.
The Scrapy pipelines run them one by one (so any can be disabled or replaced in
``ITEM_PIPELINES``); ``scrapy reextract`` runs them all on stored pages.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from thidua_crawler import site
from thidua_crawler.cleaning import clean_text_fields
from thidua_crawler.extract import MAX_FACT_TEXT_CHARS, extract_facts, extract_places
from thidua_crawler.identity import content_hash, record_id
from thidua_crawler.parsing import ParsedArticle

#: A record being built: a dict, or an item seen through ``ItemAdapter``.
Record = MutableMapping[str, Any]


def record_from_page(page: ParsedArticle, section: str | None = None) -> dict[str, Any]:
    """The record fields a page gives by itself, before cleaning and extraction."""
    return {
        "_id": record_id(page.article_id) if page.article_id is not None else None,
        "url": page.url,
        "source": site.SOURCE,
        "article_id": page.article_id,
        "title": page.title,
        "sapo": page.sapo,
        "author": page.author,
        "published_at": page.published_at,
        "modified_at": page.modified_at,
        "section": page.section or section,
        "tags": page.tags,
        "body": page.body,
        "images": page.images,
        "parser": {"layout": page.layout, "paths": page.paths, "warnings": page.warnings},
    }


def normalize_step(record: Record) -> Record:
    clean_text_fields(record)
    record["content_hash"] = content_hash(record)
    return record


def places_step(record: Record) -> Record:
    record.update(extract_places(record["title"], record["sapo"], record["body"],
                                 record["published_at"]))
    return record


def facts_step(record: Record) -> Record:
    """The facts; a body longer than ``MAX_FACT_TEXT_CHARS`` is read that far, and says so."""
    record.update(extract_facts(record["title"], record["sapo"], record["body"],
                                record["published_at"]))
    if len(record["body"] or "") > MAX_FACT_TEXT_CHARS:
        record.setdefault("parser", {}).setdefault("warnings", []).append(
            f"body of {len(record['body'])} characters: facts read from the first "
            f"{MAX_FACT_TEXT_CHARS} only")
    return record


def is_district_news(record: Mapping[str, Any]) -> bool:
    """The default crawl keeps articles about at least one district, ward or commune."""
    return bool(record.get("districts") or record.get("communes"))


def process(record: dict[str, Any]) -> dict[str, Any]:
    """All steps, as the default pipelines run them."""
    return facts_step(places_step(normalize_step(record)))

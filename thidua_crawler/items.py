"""The article record. Field names are the public contract with researchers (docs/schema.md)."""

from __future__ import annotations

import scrapy

#: Fields of a record, in the order feeds write them.
ARTICLE_FIELDS: tuple[str, ...] = (
    "_id", "url", "source", "article_id", "title", "sapo", "author", "published_at",
    "modified_at", "section", "tags", "body", "images", "districts", "communes",
    "campaign_launches", "award_counts", "first_seen_at", "crawled_at", "content_hash",
    "extractor_version", "parser",
)


class ArticleItem(scrapy.Item):
    """One article. ``raw_html`` travels to storage (the ``pages`` collection) but never
    into the record or a feed."""

    locals().update({name: scrapy.Field() for name in ARTICLE_FIELDS})
    raw_html = scrapy.Field()

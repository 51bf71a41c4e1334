"""The article record. Field names are the public contract with researchers (docs/schema.md)."""

from __future__ import annotations

import scrapy

#: Fields of a record, in the order feeds write them.
ARTICLE_FIELDS: tuple[str, ...] = (
    "_id", "url", "source", "article_id", "title", "sapo", "author", "published_at",
    "modified_at", "lastmod", "section", "tags", "body", "images", "districts", "communes",
    "campaign_launches", "award_counts", "first_seen_at", "crawled_at", "content_hash",
    "extractor_version", "parser",
)


class ArticleItem(scrapy.Item):
    """One article. ``raw_html`` travels to storage (the ``pages`` collection) and ``change``
    (new, changed, unchanged) to the feed filters; neither is part of the record."""

    locals().update({name: scrapy.Field() for name in ARTICLE_FIELDS})
    raw_html = scrapy.Field()
    change = scrapy.Field()

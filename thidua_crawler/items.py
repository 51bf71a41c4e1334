"""The article record. Field names are the public contract with researchers (docs/schema.md)."""

from __future__ import annotations

import scrapy

from thidua_crawler.schema import RECORD_FIELDS

#: Fields of a record, in the order feeds write them.
ARTICLE_FIELDS: tuple[str, ...] = RECORD_FIELDS


class ArticleItem(scrapy.Item):
    """One article. ``raw_html`` travels to storage (the ``pages`` collection) and ``change``
    (new, changed, unchanged) to the feed filters; neither is part of the record."""

    locals().update({name: scrapy.Field() for name in ARTICLE_FIELDS})
    raw_html = scrapy.Field()
    change = scrapy.Field()

"""Feed filters for ``FEEDS`` (``"item_filter": "thidua_crawler.feeds.ChangedArticles"``)."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.extensions.feedexport import ItemFilter

#: Values of the item's ``change`` (set by the MongoDB pipeline).
NEW, CHANGED, UNCHANGED, UNKNOWN = "new", "changed", "unchanged", "unknown"


class ChangedArticles(ItemFilter):
    """Only the articles a run added or changed (and those it could not compare)."""

    def accepts(self, item: Any) -> bool:
        return ItemAdapter(item).get("change") in (NEW, CHANGED, UNKNOWN)

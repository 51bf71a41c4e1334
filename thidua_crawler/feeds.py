"""Feed filters for ``FEEDS`` (``"item_filter": "thidua_crawler.feeds.ChangedArticles"``), and the
add-on that adds the changed-articles feed named by ``CHANGED_ARTICLES_FEED``."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.extensions.feedexport import ItemFilter
from scrapy.settings import SETTINGS_PRIORITIES, Settings

#: Values of the item's ``change`` (set by the MongoDB pipeline).
NEW, CHANGED, UNCHANGED, UNKNOWN = "new", "changed", "unchanged", "unknown"


class ChangedArticles(ItemFilter):
    """Only the articles a run added or changed (and those it could not compare)."""

    def accepts(self, item: Any) -> bool:
        return ItemAdapter(item).get("change") in (NEW, CHANGED, UNKNOWN)


class ChangedArticlesFeed:
    """Scrapy add-on: adds ``CHANGED_ARTICLES_FEED`` (a feed URI, ``%(time)s`` allowed) to
    ``FEEDS`` as JSON lines of the changed articles, beside whatever FEEDS already holds.
    Scrapyd's ``items_dir`` replaces FEEDS on the command line; this feed survives it."""

    def update_settings(self, settings: Settings) -> None:
        uri = settings.get("CHANGED_ARTICLES_FEED")
        if not uri:
            return
        feeds = settings.getdict("FEEDS")
        feeds[uri] = {"format": "jsonlines", "encoding": "utf8",
                      "item_filter": f"{__name__}.{ChangedArticles.__name__}"}
        priority = max(settings.getpriority("FEEDS") or 0, SETTINGS_PRIORITIES["addon"])
        settings.set("FEEDS", feeds, priority=priority)

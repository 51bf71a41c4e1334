"""What must not grow with the collection: the start of an incremental run."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from pymongo.database import Database
from scrapy.settings import Settings

from tests.conftest import DatabaseServer
from thidua_crawler import settings as project_settings
from thidua_crawler.identity import record_id
from thidua_crawler.incremental import Knowledge

STORED = 2000


def _knowledge(database: Database, db_server: DatabaseServer) -> Knowledge:
    settings = Settings()
    settings.setmodule(project_settings)
    settings.setdict({"MONGO_URI": db_server.uri, "MONGO_DATABASE": database.name})
    return Knowledge.load(settings, "hanoimoi")


def test_incremental_start_holds_nothing_until_a_listing_asks(
        database: Database, db_server: DatabaseServer) -> None:
    published = datetime(2024, 5, 20, 2, 30, tzinfo=timezone.utc)
    database.pages.insert_many([{"_id": record_id(i), "article_id": i, "published_at": published}
                                for i in range(1, STORED + 1)])
    known = _knowledge(database, db_server)
    try:
        assert known.versions == {}  # no stored id read at start
        asyncio.run(known.look_up([5, 6, STORED + 1, None]))
        assert set(known.versions) == {5, 6}
        # what may be sent as inserts: found nowhere by a look-up (not: found, or never asked)
        assert known.unstored(STORED + 1) and not known.unstored(5)
        assert not known.unstored(STORED + 2) and not Knowledge().unstored(STORED + 1)
        assert known.is_current(5, published) and not known.is_current(STORED + 1, None)
        assert not known.is_current(7, published.replace(year=2025))  # asked on its own
        assert known.is_current(7, None) and set(known.versions) == {5, 6, 7}
    finally:
        known.close()


def test_a_listing_naming_an_article_another_is_looking_up_waits_for_its_answer(
        database: Database, db_server: DatabaseServer) -> None:
    """Look-ups run in a worker thread while the crawl goes on; an RSS feed read meanwhile
    that names an article of the sitemap being looked up must not take it for new."""
    database.pages.insert_one({"_id": record_id(5), "article_id": 5,
                               "published_at": datetime(2024, 5, 20, tzinfo=timezone.utc)})
    known = _knowledge(database, db_server)

    async def two_listings() -> bool:
        sitemap = asyncio.ensure_future(known.look_up([5, 8]))
        await asyncio.sleep(0)  # the sitemap's look-up is reading
        await known.look_up([5])
        answered = known.is_current(5, None)
        await sitemap
        return answered

    try:
        assert asyncio.run(two_listings())
    finally:
        known.close()

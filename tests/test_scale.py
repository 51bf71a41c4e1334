"""What must not grow with the collection: the start of an incremental run."""

from __future__ import annotations

from datetime import datetime, timezone

from pymongo.database import Database
from scrapy.settings import Settings

from tests.conftest import DatabaseServer
from thidua_crawler import settings as project_settings
from thidua_crawler.identity import record_id
from thidua_crawler.incremental import Knowledge

STORED = 2000


def test_incremental_start_holds_nothing_until_a_listing_asks(
        database: Database, db_server: DatabaseServer) -> None:
    published = datetime(2024, 5, 20, 2, 30, tzinfo=timezone.utc)
    database.pages.insert_many([{"_id": record_id(i), "article_id": i, "published_at": published}
                                for i in range(1, STORED + 1)])
    settings = Settings()
    settings.setmodule(project_settings)
    settings.setdict({"MONGO_URI": db_server.uri, "MONGO_DATABASE": database.name})
    known = Knowledge.load(settings, "hanoimoi")
    try:
        assert known.versions == {}  # no stored id read at start
        known.look_up([5, 6, STORED + 1, None])
        assert set(known.versions) == {5, 6}
        assert known.is_current(5, published) and not known.is_current(STORED + 1, None)
        assert not known.is_current(7, published.replace(year=2025))  # asked on its own
        assert known.is_current(7, None) and set(known.versions) == {5, 6, 7}
    finally:
        known.close()

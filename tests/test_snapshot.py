"""The researchers' snapshot follows the collection, reading only what changed."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pymongo.database import Database
from scrapy.settings import Settings

from tests.conftest import ALL_DATES, SECTIONS, crawl
from tests.replay import article_pages
from thidua_crawler import settings as project_settings
from thidua_crawler import snapshot, storage
from thidua_crawler.parsing import parse_article
from thidua_crawler.processing import process, record_from_page
from thidua_crawler.records import to_document
from thidua_crawler.snapshot import Snapshot


def store_sample_records(database: Database) -> list[str]:
    """The sample site's records, stored as the crawl stores them, a minute ago."""
    a_minute_ago = datetime.now(timezone.utc) - timedelta(minutes=1)
    docs = []
    for url, path in article_pages():
        record = process(record_from_page(parse_article(path.read_bytes(), url)))
        docs.append(to_document({**record, "crawled_at": a_minute_ago,
                                 "first_seen_at": a_minute_ago, "updated_at": a_minute_ago}))
    database.articles.insert_many(docs)
    return [d["_id"] for d in docs]


def counts(snap: Snapshot, record_id: str) -> tuple[int, int]:
    """(articles in the snapshot, award counts of one record)."""
    con = snap.connect()
    articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    awards = con.execute("SELECT count(*) FROM award_counts WHERE record_id = ?",
                         [record_id]).fetchone()[0]
    con.close()
    return articles, awards


@pytest.mark.parametrize("parts_before_merge", [8, 1])
def test_refresh_reads_only_what_changed(database: Database, tmp_path: Path, monkeypatch,
                                         parts_before_merge: int) -> None:
    monkeypatch.setattr(snapshot, "PARTS_BEFORE_MERGE", parts_before_merge)
    monkeypatch.setattr(snapshot, "CHUNK", 5)  # several pages, several files a part
    ids = store_sample_records(database)
    snap = Snapshot(tmp_path / "snapshot")
    assert snap.refresh(database) == len(ids)
    changed = "hanoimoi:1067530"
    stored_awards = len(database.articles.find_one({"_id": changed})["award_counts"])
    assert stored_awards == 5  # the seed article's five award counts
    assert counts(snap, changed) == (len(ids), stored_awards)  # a row for each
    assert snap.refresh(database) == 0  # nothing written since

    database.articles.update_one({"_id": changed}, {"$set": {
        "award_counts": [], "updated_at": datetime.now(timezone.utc)}})
    assert snap.refresh(database) == 1
    assert counts(snap, changed) == (len(ids), 0)  # the newest version only

    database.articles.delete_one({"_id": ids[0]})
    assert snap.refresh(database) == len(ids) - 1  # fewer records: rebuilt
    assert counts(snap, changed) == (len(ids) - 1, 0)


def test_first_build_reads_every_record_by_windows_of_ids(database: Database, tmp_path: Path,
                                                          monkeypatch) -> None:
    """Ids dense, sparse and far apart: the windows widen and narrow, and miss none; each
    table of a part is one file, however many chunks it was written in."""
    monkeypatch.setattr(snapshot, "CHUNK", 5)
    monkeypatch.setattr(snapshot, "WINDOW_MAX", 40)
    store_sample_records(database)
    template = database.articles.find_one({"_id": "hanoimoi:1067530"})
    database.articles.delete_many({})
    article_ids = [*range(1, 60), *range(500, 5000, 700), 90_000, 90_001]
    database.articles.insert_many([{**template, "_id": f"hanoimoi:{n}", "article_id": n}
                                   for n in article_ids])
    snap = Snapshot(tmp_path / "snapshot")
    assert snap.refresh(database) == len(article_ids)
    con = snap.connect()
    assert sorted(r for (r,) in con.execute("SELECT article_id FROM articles").fetchall()) == (
        article_ids)
    assert len(list(snap.directory.glob("*.parquet"))) == len(snapshot.TABLES)


def test_refresh_query_uses_the_updated_at_index(database: Database) -> None:
    store_sample_records(database)
    storage.ensure_indexes(database)
    plan = database.articles.find(
        snapshot.changed_since(datetime.now(timezone.utc).isoformat())).explain()
    stage = plan["queryPlanner"]["winningPlan"]
    while stage.get("inputStage"):
        stage = stage["inputStage"]
    assert (stage["stage"], stage["indexName"]) == ("IXSCAN", "updated_at")


def test_a_crawl_leaves_the_snapshot_up_to_date(crawl_env: dict[str, str],
                                                database: Database) -> None:
    assert crawl(crawl_env, *ALL_DATES, *SECTIONS).returncode == 0
    settings = Settings()
    settings.setmodule(project_settings)
    settings.setdict({k: crawl_env[k] for k in ("MONGO_URI", "MONGO_DATABASE", "THIDUA_DATA_DIR")})
    con = Snapshot(snapshot.directory_for(settings)).connect()  # as the crawl left it
    stored = database.articles.count_documents({})
    assert stored and con.execute("SELECT count(*) FROM articles").fetchone()[0] == stored

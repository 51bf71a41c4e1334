"""Storage under faults: poison values, many spool writers, torn lines, replay while writing."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pymongo import UpdateOne
from pymongo.database import Database

from tests.conftest import DatabaseServer
from thidua_crawler import storage
from thidua_crawler.extract.dates import VIETNAM
from thidua_crawler.local_server import free_port
from thidua_crawler.spool import Spool

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)


def record(article_id: int, **fields: object) -> dict:
    return {"_id": f"hanoimoi:{article_id}", "article_id": article_id, "title": f"bài {article_id}",
            "crawled_at": NOW, "content_hash": f"sha256:{article_id:064d}", **fields}


def update(article_id: int, **fields: object) -> UpdateOne:
    return storage.article_update(record(article_id, **fields), NOW)


def dead_database() -> Database:
    """A client for a port nothing listens on: every write fails quickly."""
    return storage.connect(f"mongodb://127.0.0.1:{free_port()}/", timeout_ms=200)["gone"]


def test_values_mongodb_cannot_encode_are_refused_alone(database: Database, tmp_path: Path,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    spool = Spool(tmp_path / "spool.jsonl")
    batch = [update(1), update(2, award_counts=[{"count": 99999999999999999999}]), update(3),
             update(4, published_at=datetime(1, 1, 1, tzinfo=VIETNAM)), update(5)]
    with caplog.at_level(logging.ERROR):
        result = storage.Writer(database, spool, retries=0).write("articles", batch)
    assert result.inserted == 3 and result.refused == 2 and result.spooled == 0
    assert sorted(d["article_id"] for d in database.articles.find()) == [1, 3, 5]
    assert not spool.path.exists()
    refusals = [r.getMessage() for r in caplog.records if "Refused" in r.getMessage()]
    assert len(refusals) == 2 and "hanoimoi:2" in refusals[0] and "hanoimoi:4" in refusals[1]


def test_a_write_that_cannot_even_be_spooled_raises_instead_of_vanishing(
        tmp_path: Path) -> None:
    """The spool path is a directory: the failure is loud, never a silent drop."""
    (tmp_path / "spool").mkdir()
    writer = storage.Writer(dead_database(), Spool(tmp_path / "spool"), retries=0)
    with pytest.raises(OSError):
        writer.write("articles", [update(1)])


def append_many(path: str, writer: int, count: int) -> None:
    spool = Spool(Path(path))
    for i in range(count):
        body = "x" * (5000 + writer * 100 + i % 50)  # long lines interleave without a lock
        spool.append("thidua", "articles", [update(writer * 10_000 + i, body=body)])


def test_many_writers_append_whole_lines(tmp_path: Path) -> None:
    path = tmp_path / "spool.jsonl"
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=append_many, args=(str(path), w, 150)) for w in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    spool = Spool(path)
    entries = list(spool.entries())
    assert len(entries) == 600 and spool.unreadable_lines == []
    assert len({e["filter"]["_id"] for e in entries}) == 600


def test_a_torn_last_line_is_skipped_reported_and_the_rest_replayed(
        database: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "spool.jsonl"
    spool = Spool(path)
    spool.append(database.name, "articles", [update(1), update(2)])
    with path.open("a", encoding="utf-8") as out:  # a crawl killed mid-append
        out.write('{"database": "thidua", "collection": "articles", "filter": {"_id": "hanoi')
    spool.append(database.name, "articles", [update(3)])  # the next crawl appends after it
    with caplog.at_level(logging.WARNING):
        outcome = storage.replay(database.client, database.name, spool)
    assert outcome.replayed == 3 and outcome.unreadable == 1 and outcome.failing == 0
    assert database.articles.count_documents({}) == 3
    assert any("1 unreadable line" in r.getMessage() for r in caplog.records)
    kept = path.with_name(path.name + ".unreadable")
    assert '"hanoi' in kept.read_text(encoding="utf-8")  # kept for a human, not deleted


def test_replay_keeps_what_is_appended_while_it_runs(database: Database, tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.jsonl")
    spool.append(database.name, "articles", [update(i) for i in range(300)])
    appender = threading.Thread(target=lambda: [
        spool.append(database.name, "articles", [update(1000 + i)]) for i in range(300)])
    appender.start()
    first = storage.replay(database.client, database.name, spool)
    appender.join()
    second = storage.replay(database.client, database.name, spool)
    assert first.replayed + second.replayed == 600
    assert database.articles.count_documents({}) == 600
    assert not spool.path.exists()  # the second replay took the rest, nothing was left


def test_spooled_writes_go_back_where_and_when_they_belong(db_server: DatabaseServer,
                                                           database: Database,
                                                           tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.jsonl")
    storage.Writer(dead_database(), spool, retries=0).write("articles", [update(1)])
    [entry] = spool.entries()
    assert entry["database"] == "gone" and entry["collection"] == "articles"
    assert abs(entry["spooled_at"] - datetime.now(timezone.utc)) < timedelta(minutes=1)

    client = database.client
    try:
        outcome = storage.replay(client, database.name, spool)  # replayer set to another database
        assert outcome.replayed == 1
        assert client.gone.articles.count_documents({}) == 1
        assert database.articles.count_documents({}) == 0
    finally:
        client.drop_database("gone")


def test_replay_never_overwrites_a_newer_record_and_is_idempotent(database: Database,
                                                                   tmp_path: Path) -> None:
    writer = storage.Writer(database, Spool(tmp_path / "unused.jsonl"))
    old = record(7, body="old")
    writer.write("articles", [storage.article_update(old, NOW)])
    spool = Spool(tmp_path / "spool.jsonl")
    later = NOW + timedelta(hours=1)
    changed = record(7, body="changed", crawled_at=later, content_hash="sha256:" + "1" * 64)
    entry = storage.article_update(changed, later, replaced=old)
    spool.append(database.name, "articles", [entry])
    spool.append(database.name, "articles", [entry])  # spooled twice (two failed flushes)
    newest = record(7, body="newest", crawled_at=later + timedelta(hours=1))
    spool.append(database.name, "articles", [storage.article_update(newest, later)])
    spool.append(database.name, "articles", [entry])  # stale: older than what is now stored

    outcome = storage.replay(database.client, database.name, spool)
    assert outcome.failing == 0 and outcome.replayed == 2 and outcome.superseded == 2
    stored = database.articles.find_one({"_id": "hanoimoi:7"})
    assert stored["body"] == "newest"
    assert len(stored["history"]) == 1  # one change, however often it was replayed


def page_item(article_id: int) -> dict:
    return {"_id": f"hanoimoi:{article_id}", "url": f"https://hanoimoi.vn/a-{article_id}.html",
            "article_id": article_id, "raw_html": b"<html></html>", "crawled_at": NOW}


def test_a_batch_that_cannot_be_stored_or_spooled_stays_pending_and_close_does_not_raise(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from scrapy.utils.test import get_crawler

    from thidua_crawler.pipelines import PageArchivePipeline

    (tmp_path / "spool").mkdir()  # neither the database nor the spool can take a write
    crawler = get_crawler(settings_dict={
        "MONGO_URI": f"mongodb://127.0.0.1:{free_port()}/", "MONGO_TIMEOUT_MS": 200,
        "MONGO_SPOOL_PATH": str(tmp_path / "spool"), "MONGO_BATCH_SIZE": 2,
        "MONGO_WRITE_RETRIES": 0, "MONGO_DATABASE": "gone", "MONGO_STORE_PAGES": True})
    crawler.stats.open_spider()
    pipeline = PageArchivePipeline.from_crawler(crawler)
    pipeline.open_spider()

    async def crawl_two_pages() -> None:
        await pipeline.process_item(page_item(1))
        await pipeline.process_item(page_item(2))  # a full batch: to the worker thread
        await asyncio.wait(list(pipeline.in_flight))  # where it fails (OSError from the spool)
        await asyncio.sleep(0)
        assert len(pipeline.pending) == 2  # not dropped: tried again at close
        assert crawler.stats.get_value("mongo/pages/failed_batches") == 1
        with caplog.at_level(logging.ERROR):
            await pipeline.close_spider()  # must not raise: the other pipelines still close

    asyncio.run(crawl_two_pages())
    assert crawler.stats.get_value("mongo/pages/lost") == 2
    assert any("2 write(s) to pages were lost" in r.getMessage() for r in caplog.records)


def test_preparing_a_new_database_from_many_crawls_at_once(database: Database) -> None:
    """Each crawl installs the validator; the collection-creation race must not fail any."""
    barrier = threading.Barrier(8)

    def prepare() -> bool:
        barrier.wait()
        return storage.ensure_validator(database)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: prepare(), range(8)))
    assert results == [True] * 8


def new(article_id: int, **fields: object) -> UpdateOne:
    """The upsert of an article its writer found not stored."""
    return storage.article_update(record(article_id, **fields), NOW, new=True)


def stored(database: Database, article_id: int) -> dict:
    return database.articles.find_one({"_id": f"hanoimoi:{article_id}"})


def test_a_new_article_is_stored_as_its_upsert_would_store_it(database: Database,
                                                               tmp_path: Path) -> None:
    writer = storage.Writer(database, Spool(tmp_path / "spool.jsonl"), retries=0)
    assert isinstance(new(1), storage.NewDocumentUpsert) and not isinstance(
        update(1), storage.NewDocumentUpsert)
    assert writer.write("articles", [new(1, body="x")]) == storage.WriteResult(inserted=1)
    assert writer.write("articles", [update(2, body="x")]) == storage.WriteResult(inserted=1)
    one, two = stored(database, 1), stored(database, 2)
    assert one["first_seen_at"] == two["first_seen_at"] == NOW
    assert {k: v for k, v in one.items() if k not in ("_id", "article_id", "title",
                                                      "content_hash")} == {
        k: v for k, v in two.items() if k not in ("_id", "article_id", "title", "content_hash")}


def test_a_new_article_stored_meanwhile_is_upserted_not_refused(
        database: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Another writer stored it between the look-up and the write: the insert's duplicate key
    sends it again as the upsert, which keeps the first sighting."""
    writer = storage.Writer(database, Spool(tmp_path / "spool.jsonl"), retries=0)
    earlier = NOW - timedelta(days=3)
    database.articles.insert_one({**record(2), "first_seen_at": earlier, "body": "old"})
    with caplog.at_level(logging.ERROR):
        result = writer.write("articles", [new(1), new(2, body="new"), new(3)])
    assert result == storage.WriteResult(inserted=2, updated=1)
    assert stored(database, 2)["body"] == "new" and stored(database, 2)["first_seen_at"] == earlier
    assert database.articles.count_documents({}) == 3
    assert not caplog.records and not (tmp_path / "spool.jsonl").exists()


def test_a_new_article_the_server_refuses_is_spooled_as_an_upsert(database: Database,
                                                                   tmp_path: Path) -> None:
    storage.ensure_validator(database)  # the bare test record lacks required fields
    spool = Spool(tmp_path / "spool.jsonl")
    result = storage.Writer(database, spool, retries=0).write("articles", [new(1)])
    assert result == storage.WriteResult(spooled=1)
    [entry] = list(spool.entries())
    assert entry["upsert"] is True and entry["filter"] == {"_id": "hanoimoi:1"}
    assert entry["update"]["$setOnInsert"]["first_seen_at"] == NOW

"""A database that goes away mid-crawl loses nothing: writes are spooled and replayed."""

from __future__ import annotations

import subprocess
import sys
import time

from pymongo import MongoClient

from tests.conftest import (
    ALL_ARTICLES,
    ALL_DATES,
    DISTRICT_ARTICLES,
    FAST,
    PROJECT,
    SECTIONS,
    DatabaseServer,
    free_port,
    run_scrapy,
)
from tests.pause import pause_after, wait_for
from thidua_crawler.monitors import EXIT_STORAGE
from thidua_crawler.sample_site import SampleSite
from thidua_crawler.storage import Spool

#: Articles stored when the database goes away: the rest of the crawl must be spooled.
STORED_BEFORE_STOP = 3


def test_database_stopped_mid_crawl_loses_nothing(tmp_path, site_copy) -> None:
    server = DatabaseServer(tmp_path / "db", free_port()).start()
    spool_path = tmp_path / "spool.jsonl"
    env = {
        "PATH": sys.exec_prefix + "/bin:/usr/bin:/bin",
        "MONGO_URI": server.uri, "MONGO_DATABASE": "down", "THIDUA_DATA_DIR": str(tmp_path),
        "MONGO_SPOOL_PATH": str(spool_path),
    }
    with SampleSite(site_copy) as site:
        env["HANOIMOI_BASE_URL"] = site.url
        crawl = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "hanoimoi", *FAST, *ALL_DATES, *SECTIONS,
             "-s", "MONGO_BATCH_SIZE=1", "-s", "MONGO_WRITE_RETRIES=1",
             "-s", "MONGO_RETRY_DELAY=0.1", "-s", "MONGO_TIMEOUT_MS=1000",
             *pause_after(STORED_BEFORE_STOP, tmp_path, "hold")],
            cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        articles = MongoClient(server.uri).down.articles
        wait_for(tmp_path / "paused")
        deadline = time.monotonic() + 60  # the pipeline writes in its own thread
        while articles.count_documents({}) < STORED_BEFORE_STOP:
            assert time.monotonic() < deadline and crawl.poll() is None
            time.sleep(0.1)
        server.stop()  # the database goes away with the crawl half done
        (tmp_path / "release").touch()
        log, _ = crawl.communicate(timeout=300)
    assert crawl.returncode == EXIT_STORAGE, log  # cron hears of it
    spooled = [e for e in Spool(spool_path).entries() if e["collection"] == "articles"]
    assert f"{len(spooled)} write(s) to articles could not be made and were spooled" in log

    server.start()  # the database is back, with what it had stored
    stored = {d["_id"] for d in articles.find({}, {"_id": 1})}
    spooled_ids = {e["filter"]["_id"] for e in spooled}
    assert len(stored) == STORED_BEFORE_STOP
    assert len(spooled) == len(spooled_ids) == DISTRICT_ARTICLES - STORED_BEFORE_STOP, spooled
    assert stored.isdisjoint(spooled_ids)

    replayed = run_scrapy(["replay_spool"], env)
    assert replayed.returncode == 0, replayed.stderr
    assert articles.count_documents({}) == DISTRICT_ARTICLES
    assert articles.database.pages.count_documents({}) == ALL_ARTICLES  # every fetched page
    assert not spool_path.exists()  # everything replayed, nothing left waiting
    # The run's entry, completed while the database was down, was spooled and replayed too.
    run = articles.database.crawl_runs.find_one()
    assert run["finished_at"] and run["succeeded"] is False
    assert "Storage/writes spooled or refused" in [f["monitor"] for f in run["monitors"]["failed"]]
    assert run["monitors"]["exit_code"] == EXIT_STORAGE
    server.stop()

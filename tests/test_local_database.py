"""With MONGO_URI unset, the project starts its own SecantusDB and reuses it."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pymongo import MongoClient

from tests.conftest import (
    ALL_DATES,
    DISTRICT_ARTICLES,
    PROJECT,
    SECTIONS,
    crawl,
    free_port,
    run_scrapy,
)
from thidua_crawler import local_server


def test_zero_configuration_database(crawl_env, tmp_path) -> None:
    env = dict(crawl_env)
    del env["MONGO_URI"]
    data = tmp_path / "local"
    env.update(THIDUA_DATA_DIR=str(data), LOCAL_DB_PORT=str(free_port()))
    url = env["HANOIMOI_BASE_URL"] + "/xa-ba-vi-khen-thuong-1151234.html"
    try:
        first = run_scrapy(["crawl", "hanoimoi", *ALL_DATES, "-a", f"url={url}"], env)
        assert first.returncode == 0, first.stderr
        assert "Started the local SecantusDB" in first.stderr
        assert str(data / "secantus") in first.stderr  # says where the data is
        assert (data / "secantusd.log").exists() and (data / "secantusd.pid").exists()

        second = run_scrapy(["crawl", "hanoimoi", *ALL_DATES, "-a", f"url={url}"], env)
        assert second.returncode == 0, second.stderr
        assert "Using the local SecantusDB" in second.stderr  # reused, not started again

        uri = local_server.status(data)
        assert uri is not None
        assert MongoClient(uri)[env["MONGO_DATABASE"]].articles.count_documents({}) == 1
        status = run_scrapy(["localdb", "status"], env)
        assert "running at" in status.stdout
    finally:
        stopped = run_scrapy(["localdb", "stop"], env)
    assert "stopped" in stopped.stdout
    assert local_server.status(data) is None


def test_several_commands_starting_the_local_database_at_once(crawl_env, tmp_path) -> None:
    env = {k: v for k, v in crawl_env.items() if k != "MONGO_URI"}
    data = tmp_path / "local"
    env.update(THIDUA_DATA_DIR=str(data), LOCAL_DB_PORT=str(free_port()))
    command = [sys.executable, "-m", "scrapy", "localdb", "start"]
    try:
        starters = [subprocess.Popen(command, cwd=PROJECT, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True) for _ in range(3)]
        outcomes = [(*p.communicate(timeout=180), p.returncode) for p in starters]
        assert [code for _, _, code in outcomes] == [0, 0, 0], outcomes
        assert len({out for out, _, _ in outcomes}) == 1  # one server, the same URI for all
        pid = int((data / "secantusd.pid").read_text())
        assert local_server.status(data) is not None
        os.kill(pid, 0)  # the pid file names the server that runs
    finally:
        run_scrapy(["localdb", "stop"], env)
    assert local_server.status(data) is None


def test_two_crawls_at_once_both_store_and_succeed(crawl_env, database) -> None:
    """Past the crawl lock (which makes a second crawl into one database wait for the next
    schedule, see test_scheduled.py), two crawls at once race to create the collection."""
    feeds = [Path(crawl_env["THIDUA_DATA_DIR"]).parent / f"feed{i}.jsonl" for i in (1, 2)]
    unlocked = ("-s", "CRAWL_LOCK_ENABLED=0")
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(
            lambda feed: crawl(crawl_env, *ALL_DATES, *SECTIONS, *unlocked, feed=feed), feeds))
    for result in results:
        assert result.returncode == 0, result.log
        assert "not reachable" not in result.log
        assert "articles/unknown" not in result.stats
    assert database.articles.count_documents({}) == DISTRICT_ARTICLES
    assert database.crawl_runs.count_documents({"succeeded": True}) == 2

"""With MONGO_URI unset, the project starts its own SecantusDB and reuses it."""

from __future__ import annotations

from pymongo import MongoClient

from tests.conftest import ALL_DATES, free_port, run_scrapy
from thidua_crawler import localdb


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

        uri = localdb.status(data)
        assert uri is not None
        assert MongoClient(uri)[env["MONGO_DATABASE"]].articles.count_documents({}) == 1
        status = run_scrapy(["localdb", "status"], env)
        assert "running at" in status.stdout
    finally:
        stopped = run_scrapy(["localdb", "stop"], env)
    assert "stopped" in stopped.stdout
    assert localdb.status(data) is None

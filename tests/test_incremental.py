"""Scheduled runs: incremental by default, a record of each run, a feed of what changed."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pymongo.database import Database

from tests.conftest import (
    ALL_ARTICLES,
    ALL_DATES,
    DISTRICT_ARTICLES,
    FAST,
    PROJECT,
    SECTIONS,
    article_requests,
    crawl,
    run_scrapy,
)
from tests.site_changes import add_article, edit_article
from thidua_crawler.monitors import EXIT_DISCOVERY


def crawl_with_changed_feed(env: dict, feed: Path, *args: str):
    """A crawl as the scheduled job runs it: a feed holding only what the run added or changed."""
    feeds = {str(feed): {"format": "jsonlines",
                         "item_filter": "thidua_crawler.feeds.ChangedArticles"}}
    return crawl(env, *ALL_DATES, *SECTIONS, "-s", f"FEEDS={json.dumps(feeds)}", *args)


def feed_ids(feed: Path) -> list[int]:
    return [json.loads(line)["article_id"] for line in feed.read_text().splitlines()]


def test_second_run_downloads_nothing_and_third_run_only_what_changed(
        crawl_env, database: Database, sample_site, site_copy: Path, tmp_path: Path) -> None:
    first = crawl_with_changed_feed(crawl_env, tmp_path / "run1.jsonl")
    assert first.returncode == 0, first.log
    assert len(feed_ids(tmp_path / "run1.jsonl")) == DISTRICT_ARTICLES
    snapshot = {d["_id"]: d for d in database.articles.find()}

    sample_site.requests.clear()
    second = crawl_with_changed_feed(crawl_env, tmp_path / "run2.jsonl")
    assert second.returncode == 0, second.log
    assert article_requests(sample_site) == []  # the server saw no article request
    # Discovery only: robots.txt, the sitemap index (its daily sitemaps unchanged since run 1),
    # 3 RSS feeds, 3 section pages and the 3 load-more pages read until all were known.
    assert second.stats["downloader/request_count"] == 11
    assert second.stats["discovery/sitemap/unchanged_since_last_run"] == 13
    assert "articles/new" not in second.stats and "mongo/articles/inserted" not in second.stats
    assert second.stats["discovery/known"] == 15  # 6 RSS items, 9 section and load-more entries
    assert (tmp_path / "run2.jsonl").read_text() == ""  # an empty feed, written
    assert {d["_id"]: d for d in database.articles.find()} == snapshot  # nothing changed

    new_path = add_article(site_copy, 1180001, "2026-03-02")
    edit_article(site_copy, "xa-ba-vi-khen-thuong-1151234.html", "2025-10-10",
                 "95% hộ gia đình", "96% hộ gia đình")
    sample_site.requests.clear()
    third = crawl_with_changed_feed(crawl_env, tmp_path / "run3.jsonl")
    assert third.returncode == 0, third.log
    assert sorted(article_requests(sample_site)) == sorted(
        [new_path, "/xa-ba-vi-khen-thuong-1151234.html"])
    assert third.stats["articles/new"] == 1 and third.stats["articles/changed"] == 1
    assert sorted(feed_ids(tmp_path / "run3.jsonl")) == [1151234, 1180001]
    assert database.articles.count_documents({}) == DISTRICT_ARTICLES + 1
    edited = database.articles.find_one({"_id": "hanoimoi:1151234"})
    before = snapshot["hanoimoi:1151234"]
    assert "96% hộ gia đình" in edited["body"]
    assert edited["content_hash"] != before["content_hash"]
    assert edited["first_seen_at"] == before["first_seen_at"]
    [change] = edited["history"]
    assert change["content_hash"] == before["content_hash"]
    assert change["crawled_at"] == before["crawled_at"]

    runs = list(database.crawl_runs.find().sort("started_at", 1))
    assert [r["status"] for r in runs] == ["succeeded"] * 3
    assert runs[2]["stats"]["articles/new"] == 1
    assert runs[2]["arguments"]["since"] is not None
    assert runs[0]["stats"]["item_scraped_count"] == DISTRICT_ARTICLES


def test_refresh_fetches_everything_again(crawl_env, database: Database, sample_site) -> None:
    first = crawl(crawl_env, *ALL_DATES, *SECTIONS)
    assert first.returncode == 0
    assert first.stats["mongo/pages/inserted"] == ALL_ARTICLES  # each found not stored
    assert first.stats["mongo/articles/inserted"] == DISTRICT_ARTICLES
    sample_site.requests.clear()
    again = crawl(crawl_env, *ALL_DATES, *SECTIONS, "-a", "refresh=1")
    assert again.returncode == 0, again.log
    assert len(article_requests(sample_site)) == ALL_ARTICLES
    assert again.stats["articles/unchanged"] == DISTRICT_ARTICLES
    assert "mongo/pages/inserted" not in again.stats and "mongo/pages/refused" not in again.stats
    assert database.pages.count_documents({}) == ALL_ARTICLES


def test_a_run_that_died_stays_visible(crawl_env, database: Database, site_copy) -> None:
    from thidua_crawler.sample_site import SampleSite

    with SampleSite(site_copy, delay=0.5) as slow:
        env = dict(crawl_env, HANOIMOI_BASE_URL=slow.url)
        process = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "hanoimoi", *FAST, *ALL_DATES, *SECTIONS],
            cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while database.crawl_runs.count_documents({}) == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    [run] = database.crawl_runs.find()
    assert run["status"] == "running" and "finished_at" not in run
    assert run.get("succeeded") is None


def test_scheduled_job_script(crawl_env, database: Database, tmp_path: Path) -> None:
    """The script the README's cron line runs: a dated feed of what changed, a log, stats."""
    env = dict(crawl_env, THIDUA_FEED_DIR=str(tmp_path / "feeds"),
               THIDUA_LOG_DIR=str(tmp_path / "log"), PYTHON=sys.executable)
    script = [str(PROJECT / "scripts" / "scheduled_crawl.sh"), *ALL_DATES, *SECTIONS, *FAST]
    for _ in range(2):
        done = subprocess.run(script, cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        time.sleep(1.1)  # feeds are named by the second
    first, second = sorted((tmp_path / "feeds").glob("*.jsonl"))
    assert len(first.read_text().splitlines()) == DISTRICT_ARTICLES
    assert second.read_text() == ""
    assert len(list((tmp_path / "log").glob("hanoimoi-*.log"))) == 2
    stats = sorted((tmp_path / "log").glob("hanoimoi-*.stats.json"))
    assert json.loads(stats[0].read_text())["finish_reason"] == "finished"
    assert database.crawl_runs.count_documents({"succeeded": True}) == 2
    listing = run_scrapy(["runs"], env)
    assert listing.stdout.count("succeeded") == 2, listing.stdout + listing.stderr



def test_a_run_that_could_not_read_its_listings_is_not_a_baseline(
        crawl_env, database: Database, sample_site, site_copy: Path) -> None:
    """Run 2 cannot read the sitemap index; run 3 must still find what run 2 could not."""
    assert crawl(crawl_env, *ALL_DATES, *SECTIONS, "-a", "discover=sitemap").returncode == 0
    an_hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    database.crawl_runs.update_one({}, {"$set": {"started_at": an_hour_ago}})

    index = site_copy / "sitemap.xml"
    index.rename(site_copy / "sitemap.away")
    failed = crawl(crawl_env, *ALL_DATES, *SECTIONS, "-a", "discover=sitemap")
    assert failed.returncode == EXIT_DISCOVERY
    assert failed.stats["discovery/failed"] == 1
    latest = database.crawl_runs.find_one(sort=[("started_at", -1)])
    assert latest["finish_reason"] == "finished" and latest["succeeded"] is False

    (site_copy / "sitemap.away").rename(index)
    half_an_hour_ago = (datetime.now(timezone.utc) - timedelta(minutes=30)).isoformat()
    new_path = add_article(site_copy, 1180002, "2026-03-03", lastmod=half_an_hour_ago)
    sample_site.requests.clear()
    third = crawl(crawl_env, *ALL_DATES, *SECTIONS, "-a", "discover=sitemap")
    assert third.returncode == 0, third.log
    assert article_requests(sample_site) == [new_path]

"""The real `scrapy crawl hanoimoi` against the sample site, storing into a real SecantusDB."""

from __future__ import annotations

import json

from pymongo.database import Database

from tests.conftest import (
    ALL_ARTICLES,
    ALL_DATES,
    DISTRICT_ARTICLES,
    SECTIONS,
    article_requests,
    crawl,
)
from thidua_crawler.records import feed_json, from_document


def test_crawl_stores_one_record_per_district_article(crawl_env, database: Database,
                                                      sample_site) -> None:
    result = crawl(crawl_env, *ALL_DATES, *SECTIONS)
    assert result.returncode == 0, result.log
    articles = database.articles
    assert articles.count_documents({}) == DISTRICT_ARTICLES
    assert len(result.feed) == DISTRICT_ARTICLES
    assert result.stats["mongo/articles/inserted"] == DISTRICT_ARTICLES
    assert result.stats["item_dropped_reasons_count/not_district_news"] == 2
    # Each article page was downloaded once, though several discoverers found most of them.
    downloaded = article_requests(sample_site)
    assert len(downloaded) == len(set(downloaded)) == ALL_ARTICLES
    # Listings name them 30 times: 13 sitemap entries, 6 RSS items, 11 section and load-more
    # entries; the 16 beyond the first sighting of each of the 14 are duplicates.
    assert result.stats["discovery/duplicate"] == 30 - ALL_ARTICLES
    # Every path through the parser was taken, by the pages the sample has in each layout.
    layouts = {k.removeprefix("article/layout/"): v for k, v in result.stats.items()
               if k.startswith("article/layout/")}
    assert layouts == {"longform": 8, "detail": 3, "old_site": 2, "metadata": 1}
    assert result.stats["article/field_source/body/generic"] == 1
    # Raw pages are kept for re-extraction: every page fetched, district news or not.
    assert database.pages.count_documents({}) == ALL_ARTICLES
    # Indexes researchers rely on exist.
    names = set(articles.index_information())
    assert {"published_at", "districts_slug", "communes_name", "award_level",
            "launcher_person"} <= names
    assert "All articles stored; nothing spooled." in result.log


def test_recrawl_updates_in_place_and_keeps_hand_added_fields(crawl_env, database: Database
                                                              ) -> None:
    first = crawl(crawl_env, *ALL_DATES, *SECTIONS)
    assert first.returncode == 0, first.log
    seed_id = "hanoimoi:1067530"
    before = database.articles.find_one({"_id": seed_id})
    database.articles.update_one({"_id": seed_id}, {"$set": {"coder_note": "checked by hand"}})

    second = crawl(crawl_env, *ALL_DATES, *SECTIONS, "-a", "refresh=1")  # fetch all again
    assert second.returncode == 0, second.log
    assert second.stats["articles/unchanged"] == DISTRICT_ARTICLES
    assert database.articles.count_documents({}) == DISTRICT_ARTICLES
    after = database.articles.find_one({"_id": seed_id})
    assert after["first_seen_at"] == before["first_seen_at"]
    assert after["coder_note"] == "checked by hand"
    assert after["crawled_at"] >= before["crawled_at"]
    assert second.stats.get("mongo/articles/inserted", 0) == 0
    # The feed tells the same first sighting as the database.
    seed_line = next(r for r in second.feed if r["_id"] == seed_id)
    assert seed_line["first_seen_at"] == from_document(before)["first_seen_at"].isoformat()


def test_feed_records_equal_stored_records(crawl_env, database: Database) -> None:
    result = crawl(crawl_env, *ALL_DATES, *SECTIONS)
    assert result.returncode == 0, result.log
    stored = {doc["_id"]: feed_json(from_document(doc)) for doc in
              database.articles.find({}, {"updated_at": 0})}  # MongoDB only (docs/schema.md)
    assert len(stored) == len(result.feed) == DISTRICT_ARTICLES
    for line in result.feed:
        assert stored[line["_id"]] == line
    seed = next(r for r in result.feed if r["article_id"] == 1067530)
    assert seed["published_at"] == "2023-04-07T15:04:00+07:00"
    assert seed["campaign_launches"][0]["date"] == "2023-04-07"


def test_json_array_feed_for_given_urls(crawl_env, tmp_path) -> None:
    target = tmp_path / "articles.json"
    url = crawl_env["HANOIMOI_BASE_URL"] + "/xa-ba-vi-khen-thuong-1151234.html"
    result = crawl(crawl_env, "-a", f"url={url}", feed=target)
    assert result.returncode == 0, result.log
    raw = target.read_text(encoding="utf-8")
    assert "Xã Ba Vì" in raw  # UTF-8, not \\u escapes
    records = json.loads(raw)
    assert [r["article_id"] for r in records] == [1151234]
    assert records[0]["url"] == "https://hanoimoi.vn/xa-ba-vi-khen-thuong-1151234.html"
    assert records[0]["communes"] == [{"code": "09700", "name": "Ba Vì", "kind": "xã"}]

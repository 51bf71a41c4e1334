"""Spider arguments: discovery methods, date range at discovery time, given URLs, all=1."""

from __future__ import annotations

import pytest
from pymongo.database import Database

from tests.conftest import (
    ALL_ARTICLES,
    ALL_DATES,
    SECTIONS,
    article_requests,
    crawl,
    run_scrapy,
)

#: The sample's district articles, which a crawl of all of it stores.
DISTRICT_IDS = {600201, 931245, 1067530, 1093410, 1103321, 1118765, 1125555, 1132450, 1145678,
                1151234, 1160987, 1167001}


def stored_ids(database: Database) -> set[int]:
    return {d["article_id"] for d in database.articles.find({}, {"article_id": 1})}


@pytest.mark.parametrize(("discover", "expected"), [
    # The sitemaps list every article but one (found by the load-more API only).
    ("sitemap", 11),
    # RSS feeds list the newest five district articles (and one economy article, dropped).
    ("rss", 5),
    # Section pages plus the load-more API reach ten district articles.
    ("sections", 10),
])
def test_each_discovery_method(crawl_env, database: Database, discover: str, expected: int
                               ) -> None:
    result = crawl(crawl_env, *ALL_DATES, *SECTIONS, "-a", f"discover={discover}")
    assert result.returncode == 0, result.log
    assert database.articles.count_documents({}) == expected


def test_only_the_load_more_api_finds_an_article(crawl_env, database: Database) -> None:
    listed = crawl(crawl_env, *ALL_DATES, *SECTIONS, "-a", "discover=sitemap,rss")
    assert listed.returncode == 0, listed.log
    assert stored_ids(database) == DISTRICT_IDS - {1125555}
    loaded = crawl(crawl_env, *ALL_DATES, *SECTIONS, "-a", "discover=sections")
    assert loaded.returncode == 0, loaded.log
    assert stored_ids(database) == DISTRICT_IDS
    assert loaded.stats["articles/new"] == 1  # the one the sitemaps and feeds do not list


def test_date_range_is_applied_before_download(crawl_env, database: Database, sample_site
                                               ) -> None:
    result = crawl(crawl_env, "-a", "since=2025-01-01", "-a", "until=2025-12-31", *SECTIONS,
                   "-a", "discover=sitemap,rss")
    assert result.returncode == 0, result.log
    # Sitemap and RSS carry dates: nothing outside 2025 is downloaded at all.
    assert stored_ids(database) == {1132450, 1145678, 1151234, 1160987}
    assert len(article_requests(sample_site)) == 4
    assert not [p for p in sample_site.requests if "sitemap-article-2024" in p]
    assert result.stats["discovery/out_of_range"] == 2  # the RSS items of 2026


def test_load_more_stops_at_the_start_of_the_range(crawl_env, database: Database,
                                                   sample_site) -> None:
    result = crawl(crawl_env, "-a", "since=2024-06-01", "-a", "until=2026-12-31",
                   "-a", "sections=chinh-tri", "-a", "discover=sections")
    assert result.returncode == 0, result.log
    api_pages = [p for p in sample_site.requests if p.startswith("/api/")]
    assert api_pages == ["/api/getMoreArticle/channel_empty_1132450_471_0"]
    assert 1103321 not in stored_ids(database)  # listed on that page, but before the range
    assert {1118765, 1125555} <= stored_ids(database)


def test_given_urls_and_urls_file(crawl_env, database: Database, tmp_path) -> None:
    base = crawl_env["HANOIMOI_BASE_URL"]
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# articles to re-read\n{base}/phuong-hoan-kiem-phat-dong-thi-dua-1145678.html\n"
                    f"{base}/Tin-tuc/Chinh-tri/600201/huyen-tu-liem-tong-ket-phong-trao-thi-dua-nam-2013\n")
    result = crawl(crawl_env, "-a", f"url={base}/xa-ba-vi-khen-thuong-1151234.html",
                   "-a", f"urls_file={urls}")
    assert result.returncode == 0, result.log
    assert stored_ids(database) == {1151234, 1145678, 600201}


def test_all_keeps_articles_about_no_place(crawl_env, database: Database) -> None:
    result = crawl(crawl_env, *ALL_DATES, *SECTIONS, "-a", "all=1")
    assert result.returncode == 0, result.log
    assert database.articles.count_documents({}) == ALL_ARTICLES
    economy = database.articles.find_one({"article_id": 1172345})
    assert economy["districts"] == [] and economy["communes"] == []
    assert economy["award_counts"] == []  # numbers, but no award count among them


@pytest.mark.parametrize(("argument", "message"), [
    ("since=07/04/2023", "not a date in the form YYYY-MM-DD"),
    ("discover=atom", "discover: unknown ['atom']"),
])
def test_bad_arguments_are_explained(crawl_env, argument: str, message: str) -> None:
    done = run_scrapy(["crawl", "hanoimoi", "-a", argument], crawl_env)
    assert done.returncode != 0
    assert message in done.stderr

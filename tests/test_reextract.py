"""Improved rules update stored records from the kept pages, without a re-crawl."""

from __future__ import annotations

from pymongo.database import Database

from tests.conftest import ALL_DATES, SECTIONS, crawl, run_scrapy
from thidua_crawler.extract import EXTRACTOR_VERSION


def test_reextract_after_a_rule_change(crawl_env, database: Database, sample_site) -> None:
    assert crawl(crawl_env, *ALL_DATES, *SECTIONS).returncode == 0
    articles = database.articles
    requests_after_crawl = len(sample_site.requests)
    seed = articles.find_one({"_id": "hanoimoi:1067530"})

    # Records as an older version of the rules left them: no award counts found, and a
    # researcher's note that must survive.
    articles.update_many({}, {"$set": {"extractor_version": "2025.1.0", "award_counts": []}})
    articles.update_one({"_id": seed["_id"]}, {"$set": {"coder_note": "keep me"}})
    articles.update_one({"_id": "hanoimoi:1151234"},
                        {"$set": {"extractor_version": EXTRACTOR_VERSION}})

    dry = run_scrapy(["reextract", "--dry-run"], crawl_env)
    assert "re-extracted 11 record(s)" in dry.stdout and "11 would change" in dry.stdout
    assert articles.count_documents({"award_counts": []}) == 12

    done = run_scrapy(["reextract", "--since", "2023-01-01", "--until", "2023-12-31"],
                      crawl_env)
    assert done.returncode == 0, done.stderr
    assert "re-extracted 1 record(s)" in done.stdout  # only the seed article is from 2023
    after = articles.find_one({"_id": seed["_id"]})
    assert [a["count"] for a in after["award_counts"]] == [2505, 7, 157, 2341, 34]
    assert after["extractor_version"] == EXTRACTOR_VERSION
    assert after["coder_note"] == "keep me"
    assert after["first_seen_at"] == seed["first_seen_at"]
    assert after["crawled_at"] == seed["crawled_at"]

    rest = run_scrapy(["reextract"], crawl_env)  # default: every outdated record
    assert "re-extracted 10 record(s)" in rest.stdout
    assert articles.count_documents({"extractor_version": {"$ne": EXTRACTOR_VERSION}}) == 0
    # Left without awards: 1151234 (not re-extracted) and 1145678 (it states none).
    assert {d["article_id"] for d in articles.find({"award_counts": []})} == {1151234, 1145678}
    assert len(sample_site.requests) == requests_after_crawl  # nothing was downloaded


def test_bad_date_is_explained(crawl_env) -> None:
    done = run_scrapy(["reextract", "--since", "last week"], crawl_env)
    assert done.returncode != 0
    assert "'last week' is not a date in the form YYYY-MM-DD" in done.stderr

"""The monitor suite and the exit status: a run that went wrong says so, to cron and in crawl_runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pymongo.database import Database
from scrapy.utils.test import get_crawler
from spidermon.contrib.validation import JSONSchemaValidator

from tests.conftest import ALL_DATES, DISTRICT_ARTICLES, SECTIONS, crawl
from tests.test_seed_record import seed_record
from thidua_crawler import monitors
from thidua_crawler.schema import FEED_SCHEMA
from thidua_crawler.spiders.hanoimoi import HanoimoiSpider

FALLBACK = "Layout drift/share of articles read by a fallback layout"
EMPTY_LISTING = "Discovery/in-range listings that listed no article"
FAILED_LISTING = "Discovery/listings that could not be read"


def last_run(database: Database) -> dict:
    return database.crawl_runs.find_one(sort=[("started_at", -1)])


def failed_monitors(run: dict) -> list[str]:
    return [f["monitor"] for f in run["monitors"]["failed"]]


def test_clean_crawl_exits_0_and_records_every_monitor_passed(crawl_env, database: Database
                                                               ) -> None:
    result = crawl(crawl_env, *ALL_DATES, *SECTIONS)
    assert result.returncode == 0, result.log
    run = last_run(database)
    assert run["monitors"]["failed"] == [] and run["monitors"]["exit_code"] == 0
    assert {FALLBACK, EMPTY_LISTING, FAILED_LISTING, "Storage/writes spooled or refused",
            "Record completeness/share of records with no place", "Errors/lines logged at ERROR",
            "Schema/records that break the record's JSON Schema",
            "Finish reason/the spider finished normally"} <= set(run["monitors"]["passed"])
    assert run["succeeded"] is True
    assert result.stats["records/checked"] == DISTRICT_ARTICLES
    assert result.stats["spidermon/validation/items"] == DISTRICT_ARTICLES
    assert "spidermon/validation/fields/errors" not in result.stats  # every record fits the schema
    assert "[Spidermon] OK" in result.log


def test_layout_change_fails_the_layout_monitor(crawl_env, database: Database,
                                                site_copy: Path) -> None:
    # One article page in a markup the parsers do not know (its headline class renamed), beside
    # the sample's one metadata-only page: 2 of 14 articles read by a fallback.
    page = site_copy / "phuong-hoan-kiem-phat-dong-thi-dua-1145678.html"
    text = page.read_text(encoding="utf-8")
    assert "sc-longform-header-title" in text
    page.write_text(text.replace("sc-longform-header-title", "lf-headline"), "utf-8")
    result = crawl(crawl_env, *ALL_DATES, *SECTIONS)
    assert result.returncode == monitors.EXIT_MONITOR, result.log
    assert result.stats["article/layout/metadata"] == 2
    run = last_run(database)
    assert failed_monitors(run) == [FALLBACK]
    assert "0.143, more than MONITOR_MAX_FALLBACK_LAYOUT_SHARE=0.1" in run["monitors"]["failed"][0][
        "message"]
    assert run["succeeded"] is False
    assert f"FAIL: {FALLBACK}" in result.log


def test_section_page_without_article_links_fails_discovery(crawl_env, database: Database,
                                                            site_copy: Path) -> None:
    page = site_copy / "xa-hoi.html"
    page.write_text(page.read_text(encoding="utf-8").replace('href="', 'data-href="'), "utf-8")
    result = crawl(crawl_env, *ALL_DATES, *SECTIONS)
    assert result.returncode == monitors.EXIT_DISCOVERY, result.log
    assert result.stats["discovery/problem/empty"] == 1
    assert failed_monitors(last_run(database)) == [EMPTY_LISTING]
    assert re.search(r"Discovery problem at \S*/xa-hoi\S*: a section page with no article links",
                     result.log)


def test_unreadable_feed_fails_discovery(crawl_env, database: Database, site_copy: Path) -> None:
    (site_copy / "rss" / "kinh-te.xml").unlink()  # 404
    result = crawl(crawl_env, *ALL_DATES, *SECTIONS)
    assert result.returncode == monitors.EXIT_DISCOVERY, result.log
    failed = failed_monitors(last_run(database))
    assert FAILED_LISTING in failed
    assert set(failed) <= {FAILED_LISTING, "Errors/lines logged at ERROR"}


def test_thresholds_are_settings(crawl_env, database: Database, site_copy: Path) -> None:
    """The same drift passes when the operator allows it (-s MONITOR_...)."""
    for page in site_copy.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace("sc-longform-header-title", "lf-headline"), "utf-8")
    result = crawl(crawl_env, *ALL_DATES, *SECTIONS, "-s", "MONITOR_MAX_FALLBACK_LAYOUT_SHARE=1")
    assert result.returncode == 0, result.log
    assert last_run(database)["monitors"]["failed"] == []


def test_a_crawl_whose_monitors_recorded_nothing_does_not_pass(crawl_env) -> None:
    result = crawl(crawl_env, *ALL_DATES, *SECTIONS,
                   "-s", "SPIDERMON_SPIDER_CLOSE_MONITORS=spidermon.MonitorSuite")  # empty suite
    assert result.returncode == monitors.EXIT_MONITOR
    assert "The monitor suite recorded no result" in result.log


def test_record_that_breaks_the_schema_is_counted() -> None:
    """Spidermon's JSON Schema validation sees the record in its feed form."""
    crawler = get_crawler(HanoimoiSpider, {"SPIDERMON_ENABLED": True,
                                           "SPIDERMON_VALIDATION_SCHEMAS": [
                                               "thidua_crawler.schema.FEED_SCHEMA"]})
    pipeline = monitors.RecordCheckPipeline.from_crawler(crawler)
    crawler.stats.open_spider()
    pipeline.process_item({"_id": "hanoimoi:1", "article_id": "one", "raw_html": b"<html>"})
    stats = crawler.stats.get_stats()
    assert stats["records/checked"] == 1
    assert stats["records/no_body"] == stats["records/no_date"] == stats["records/no_place"] == 1
    assert stats["spidermon/validation/items/errors"] == 1
    assert stats["spidermon/validation/fields/errors/invalid_int/article_id"] == 1
    assert stats["spidermon/validation/fields/errors/missing_required_field/url"] == 1


@pytest.mark.parametrize("notify", ["spidermon.contrib.actions.telegram.notifiers."
                                    "SendTelegramMessageSpiderFinished"])
def test_notification_runs_when_a_monitor_fails(crawl_env, database: Database, site_copy: Path,
                                                notify: str) -> None:
    """Off by default; configured by settings (here Telegram in its fake mode, which logs)."""
    (site_copy / "rss" / "kinh-te.xml").unlink()
    result = crawl(crawl_env, *ALL_DATES, *SECTIONS, "-s", f"MONITOR_NOTIFY={notify}",
                   "-s", "SPIDERMON_TELEGRAM_FAKE=1", "-s", "SPIDERMON_TELEGRAM_SENDER_TOKEN=x",
                   "-s", "SPIDERMON_TELEGRAM_RECIPIENTS=@ops")
    assert result.returncode == monitors.EXIT_DISCOVERY
    assert "SendTelegramMessageSpiderFinished... OK" in result.log
    assert "spider finished with errors" in result.log
    assert f"❌  {FAILED_LISTING}" in result.log


def _broken_copies(record: dict) -> list[dict]:
    """The record with each field in turn missing, of a wrong type, or (in lists of facts)
    holding a wrong value: what a bug in a step could store."""
    copies = []
    for name in record:
        for broken in (None, {"x": 1}, -1, "", ["x"]):
            copies.append({**record, name: broken})
        copies.append({k: v for k, v in record.items() if k != name})
    for name in ("award_counts", "campaign_launches", "districts"):
        for entry in record[name][:1]:
            for key in entry:
                for broken in ("bogus", -3, None, {"x": 1}):
                    copies.append({**record, name: [{**entry, key: broken}]})
    return copies


def test_compiled_schema_check_fails_whatever_spidermons_own_fails() -> None:
    """The compiled check only ever lets a record skip Spidermon's slower one when that would
    find nothing either; a failure's messages are Spidermon's own."""
    record = seed_record()
    record.update(crawled_at=record["published_at"], first_seen_at=record["published_at"])
    compiled, spidermon = monitors.CompiledSchemaValidator(FEED_SCHEMA), JSONSchemaValidator(FEED_SCHEMA)
    assert compiled.validate(record) == spidermon.validate(record) == (True, {})
    copies = _broken_copies(record)
    assert sum(not spidermon.validate(c)[0] for c in copies) > len(copies) // 2
    for copy in copies:
        assert compiled.validate(copy) == spidermon.validate(copy), copy

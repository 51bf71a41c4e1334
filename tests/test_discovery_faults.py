"""Discovery under faults: a run is a baseline only for what it read, and one bad entry, date or
page never stops the rest of its listing."""

from __future__ import annotations

import codecs
import gzip
import re
from pathlib import Path

import pytest
from pymongo.database import Database

from tests.conftest import (
    ALL_ARTICLES,
    ALL_DATES,
    DISTRICT_ARTICLES,
    SECTIONS,
    crashes,
    crawl,
    run_scrapy,
)
from tests.test_spider_arguments import stored_ids
from thidua_crawler import monitors
from thidua_crawler.sample_site import SampleSite

BA_VI = "xa-ba-vi-khen-thuong-1151234.html"


@pytest.mark.parametrize("first", [
    ["-a", "since=2025-06-01", "-a", "until=2026-12-31"],
    ["-a", "sections=xa-hoi", *ALL_DATES],
    ["-a", "discover=rss", *ALL_DATES],
    ["-a", "url={base}/" + BA_VI],
], ids=["narrow range", "one section", "one discoverer", "given url"])
def test_a_narrower_run_is_a_baseline_only_for_what_it_covered(
        crawl_env, database: Database, first: list[str]) -> None:
    args = [a.format(base=crawl_env["HANOIMOI_BASE_URL"]) for a in first]
    assert crawl(crawl_env, *SECTIONS, *args).returncode == 0
    wide = crawl(crawl_env, *ALL_DATES, *SECTIONS)
    assert wide.returncode == 0, wide.log
    assert database.articles.count_documents({}) == DISTRICT_ARTICLES
    assert database.crawl_runs.count_documents({"succeeded": True}) == 2


def test_bad_links_and_dates_affect_their_entry_only(crawl_env, database: Database,
                                                     site_copy: Path) -> None:
    feed = site_copy / "rss" / "xa-hoi.xml"
    bad_items = "".join(f"<item><title>x</title><link>{link}</link><pubDate>{when}</pubDate></item>"
                        for link, when in [
                            ("javascript:/" + BA_VI, "Fri, 10 Oct 2025 15:00:00 +0700"),
                            ("mailto:toa-soan@hanoimoi.vn", "Fri, 10 Oct 2025 15:00:00 +0700"),
                            ("https://elsewhere.example/tin-1160987.html", "x"),
                            ("https://hanoimoi.vn/" + BA_VI, "Fri, 31 Dec 9999 23:59:59 -1200")])
    feed.write_text(feed.read_text(encoding="utf-8").replace("<item>", bad_items + "<item>", 1),
                    encoding="utf-8")
    daily = site_copy / "sitemap-article-2025-12-05.xml"
    daily.write_text(daily.read_text(encoding="utf-8").replace(
        "<url>", f"<url><loc>https://hanoimoi.vn/{BA_VI}</loc><lastmod>9999-12-31T23:59:59Z"
                 "</lastmod></url><url><loc>https://hanoimoi.vn/x-1.html</loc>"
                 "<lastmod>10/10/2025 15:00 GMT+25</lastmod></url><url>", 1), encoding="utf-8")
    result = crawl(crawl_env, *ALL_DATES, "-a", "sections=xa-hoi", "-a", "discover=rss,sitemap")
    # x-1.html, listed with a bad date, does not exist: its 404 is the one error the run reports
    assert result.returncode == monitors.EXIT_MONITOR, result.log
    assert "Could not fetch " in result.log and "/x-1.html" in result.log
    assert {1151234, 1160987} <= stored_ids(database)
    assert result.stats["discovery/bad_url"] == 2  # javascript: and off-site
    assert crashes(result.log) == []


def test_pages_in_other_encodings_and_json_bodies(crawl_env, database: Database,
                                                  site_copy: Path) -> None:
    html = (site_copy / BA_VI).read_text(encoding="utf-8").replace('charset="utf-8"',
                                                                  'charset="utf-16"')
    (site_copy / "xa-ba-vi-tong-ket-1190001.htm").write_bytes(
        codecs.BOM_UTF16_LE + html.replace("1151234", "1190001").encode("utf-16-le"))
    (site_copy / "khong-phai-bai-1190002.html").write_text('{"error": "not found"}')
    (site_copy / "sitemap-article-2025-10-10.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
        'sitemap/0.9"><url><loc>https://hanoimoi.vn/khong-phai-bai-1190002.html</loc></url>'
        "<url><loc>https://hanoimoi.vn/xa-ba-vi-tong-ket-1190001.htm</loc></url></urlset>")
    result = crawl(crawl_env, *ALL_DATES, *SECTIONS, "-a", "discover=sitemap")
    assert result.returncode == 0, result.log
    stored = database.articles.find_one({"article_id": 1190001})
    assert stored["title"] == "Xã Ba Vì khen thưởng 56 tập thể, cá nhân"
    assert stored["award_counts"][0]["count"] == 56
    assert result.stats["article/unparseable"] == 1
    assert crashes(result.log) == []


def html_sitemap(site_copy: Path, site: SampleSite) -> str:
    (site_copy / "sitemap-article-2025-10-10.xml").write_text(
        "<!DOCTYPE html><html><body><h1>Trang không tồn tại</h1></body></html>")
    return "not a sitemap"


def empty_feed(site_copy: Path, site: SampleSite) -> str:
    feed = site_copy / "rss" / "xa-hoi.xml"
    text = feed.read_text(encoding="utf-8")
    feed.write_text(text[: text.index("<item>")] + "</channel></rss>", encoding="utf-8")
    return "empty"


def articles_redirected_off_site(site_copy: Path, site: SampleSite) -> str:
    site.redirects["/" + BA_VI] = "https://elsewhere.example/" + BA_VI
    return "off-site"


@pytest.mark.parametrize("fault", [html_sitemap, empty_feed, articles_redirected_off_site])
def test_a_run_with_a_discovery_problem_is_not_a_baseline_and_says_why(
        crawl_env, database: Database, site_copy: Path, sample_site: SampleSite, fault) -> None:
    words = fault(site_copy, sample_site)
    result = crawl(crawl_env, *ALL_DATES, "-a", "sections=xa-hoi")
    assert result.returncode == monitors.EXIT_DISCOVERY, result.log
    [run] = database.crawl_runs.find()
    assert run["succeeded"] is False and run["status"] == "finished"
    assert any(words in problem for problem in run["problems"]), run["problems"]
    assert "WARNING" in result.log and words in result.log
    assert run["problems"][0][:20] in run_scrapy(["runs"], crawl_env).stdout


def test_a_gzip_bomb_and_a_huge_sitemap_are_cut_with_a_warning(
        crawl_env, database: Database, site_copy: Path) -> None:
    bomb = site_copy / "sitemap-article-2025-10-09.xml.gz"
    bomb.write_bytes(gzip.compress(b"<urlset>" + b" " * 20_000_000, compresslevel=9))
    huge = site_copy / "sitemap-article-2025-10-08.xml"
    huge.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
                    'schemas/sitemap/0.9">' + "".join(
                        f"<url><loc>https://hanoimoi.vn/bai-{i}.html</loc></url>"
                        for i in range(1_000, 1_100)) + "</urlset>")
    index = site_copy / "sitemap.xml"
    index.write_text(index.read_text(encoding="utf-8").replace("</sitemapindex>", "".join(
        f"<sitemap><loc>https://hanoimoi.vn/{p.name}</loc></sitemap>" for p in (bomb, huge))
        + "</sitemapindex>"), encoding="utf-8")
    result = crawl(crawl_env, *ALL_DATES, *SECTIONS, "-a", "discover=sitemap",
                   "-s", "HANOIMOI_MAX_SITEMAP_BYTES=1000000", "-s", "HANOIMOI_MAX_SITEMAP_URLS=40")
    assert result.returncode == monitors.EXIT_DISCOVERY, result.log
    assert result.stats["discovery/problem/too_large"] == 1
    assert result.stats["discovery/problem/truncated"] == 1
    assert result.stats["article/fetch_failed"] == 40  # the first 40 of 100 (none exist)
    assert database.articles.count_documents({}) == 11  # the rest of the sitemaps still read
    [run] = database.crawl_runs.find()
    assert run["succeeded"] is False
    assert crashes(result.log) == []


def test_download_size_limits_fit_news_pages() -> None:
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    assert settings.getint("DOWNLOAD_MAXSIZE") <= 32 * 1024 * 1024
    assert settings.getint("DOWNLOAD_WARNSIZE") <= settings.getint("DOWNLOAD_MAXSIZE")


def test_poison_values_in_pages_cost_nothing_else(crawl_env, database: Database,
                                                  site_copy: Path) -> None:
    """Before: 0 of 12 articles and 0 of 14 pages stored, and "nothing spooled" in the log."""
    cau_giay = site_copy / "phuong-cau-giay-bieu-duong-nguoi-tot-viec-tot-1160987.html"
    cau_giay.write_text(cau_giay.read_text(encoding="utf-8").replace(
        "khen thưởng 18 tập thể", "khen thưởng 99999999999999999999 tập thể"), encoding="utf-8")
    dong_anh = site_copy / "huyen-dong-anh-tong-ket-thi-dua-giai-doan-1132450.html"
    text = dong_anh.read_text(encoding="utf-8")
    dong_anh.write_text(re.sub(r'(article:(?:published|modified)_time" content=")[^"]+',
                               r"\g<1>0001-01-01T00:00:00", text), encoding="utf-8")
    result = crawl(crawl_env, *ALL_DATES, *SECTIONS, "-s", "MONGO_BATCH_SIZE=50")
    assert result.returncode == 0, result.log
    assert database.articles.count_documents({}) == DISTRICT_ARTICLES
    assert database.pages.count_documents({}) == ALL_ARTICLES
    # "99999999999999999999 tập thể và 27 cá nhân" is one count, too large to be one
    assert database.articles.find_one({"article_id": 1160987})["award_counts"] == []
    assert database.articles.find_one({"article_id": 1132450})["published_at"] is not None


def test_an_article_listed_twice_is_not_fetched_again(crawl_env, database: Database,
                                                      site_copy: Path, sample_site: SampleSite
                                                      ) -> None:
    """RSS says 15:00, the sitemap (read later) says 15:10, the page says nothing of changes."""
    page = site_copy / BA_VI
    page.write_text(re.sub(r'<meta property="article:modified_time"[^>]*>', "",
                           page.read_text(encoding="utf-8")), encoding="utf-8")
    daily = site_copy / "sitemap-article-2025-10-10.xml"
    daily.write_text(daily.read_text(encoding="utf-8").replace(
        "2025-10-10T15:00:00+07:00", "2025-10-10T15:10:00+07:00"), encoding="utf-8")
    index = site_copy / "sitemap.xml"  # an index without lastmod: every daily sitemap is read
    index.write_text(re.sub("<lastmod>[^<]*</lastmod>", "", index.read_text(encoding="utf-8")),
                     encoding="utf-8")
    first = crawl(crawl_env, *ALL_DATES, "-a", "sections=xa-hoi", "-a", "discover=rss,sitemap")
    assert first.returncode == 0, first.log
    assert 1151234 in stored_ids(database)
    sample_site.requests.clear()
    second = crawl(crawl_env, *ALL_DATES, "-a", "sections=xa-hoi", "-a", "discover=rss,sitemap")
    assert second.returncode == 0, second.log
    assert "/" + BA_VI not in sample_site.requests

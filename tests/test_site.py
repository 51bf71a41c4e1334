"""URL rules of the site module: what is an article, its id, mirrors."""

from __future__ import annotations

from datetime import date

import pytest

from thidua_crawler import site


@pytest.mark.parametrize(("url", "article_id"), [
    ("https://hanoimoi.vn/quan-thanh-xuan-phat-dong-thi-dua-1067530.html", 1067530),
    ("https://hanoimoi.com.vn/Tin-tuc/Chinh-tri/931245/huyen-ba-vi-bieu-duong", 931245),
    ("https://hanoimoi.vn/Tin-tuc/Xa-hoi/600201", 600201),
])
def test_article_urls_and_ids(url: str, article_id: int) -> None:
    assert site.is_article_url(url)
    assert site.article_id(url) == article_id


@pytest.mark.parametrize("url", [
    "https://hanoimoi.vn/dai-hoi-dang-bo-thanh-pho-event1234.html",  # event aggregation page
    "https://hanoimoi.vn/video/ha-noi-mua-thu-1166000.html",  # a non-article section
    "https://hanoimoi.vn/emagazine/ha-noi-xanh-1166001.html",
    "https://hanoimoi.vn/chinh-tri",
    "https://hanoimoi.vn/Danh-muc-tin/183/Chinh-tri",
])
def test_not_articles(url: str) -> None:
    assert not site.is_article_url(url)


def test_mirror_urls_both_ways() -> None:
    mirror = "http://127.0.0.1:8765"
    live = "https://hanoimoi.vn/xa-ba-vi-khen-thuong-1151234.html"
    on_mirror = site.on_base(live, mirror)
    assert on_mirror == "http://127.0.0.1:8765/xa-ba-vi-khen-thuong-1151234.html"
    assert site.public_url(on_mirror, mirror) == live
    assert site.on_base(live, site.DEFAULT_BASE_URL) == live


def test_daily_sitemaps_by_name() -> None:
    assert site.sitemap_date("https://hanoimoi.vn/sitemap-article-2025-10-10.xml") == date(
        2025, 10, 10)
    assert site.sitemap_date("https://hanoimoi.vn/sitemap-category.xml") is None

"""Article parsing: each layout and each fallback (every stored page: tests/test_replay.py)."""

from __future__ import annotations

from datetime import datetime

from thidua_crawler.extract.dates import VIETNAM
from thidua_crawler.parsing import parse_article
from thidua_crawler.sample_site import SITE_ROOT


def page(name: str) -> bytes:
    return next(SITE_ROOT.rglob(name)).read_bytes()


def test_layout_a_longform_with_author_and_date_in_one_line() -> None:
    art = parse_article(page("quan-long-bien-phat-dong-thi-dua-dac-biet-1103321.html"),
                        "https://hanoimoi.vn/quan-long-bien-phat-dong-thi-dua-dac-biet-1103321.html")
    assert art.layout == "longform"
    assert art.title.startswith("Quận Long Biên phát động thi đua đặc biệt")
    assert art.author == "Ngọc Hà"
    assert art.published_at == datetime(2024, 5, 20, 9, 30, tzinfo=VIETNAM)
    assert art.sapo.startswith("(HNMO) - Sáng 20-5")
    assert art.section == "chinh-tri"
    assert art.images == [{"url": "https://hnm.1cdn.vn/2024/05/20/longbien.jpg",
                           "caption": "Các đại biểu bấm nút phát động đợt thi đua."}]
    assert "Các đại biểu bấm nút" not in art.body  # captions are not body text


def test_layout_b_detail_date_from_visible_text_only() -> None:
    html = page("quan-hoan-kiem-tong-ket-cong-tac-thi-dua-khen-thuong-nam-2023-1093410.html")
    art = parse_article(html, "https://hanoimoi.vn/quan-hoan-kiem-tong-ket-1093410.html")
    assert art.layout == "detail"
    assert art.paths["published_at"] == "detail"  # no metadata on this page
    assert art.published_at.isoformat() == "2024-01-15T13:04:00+07:00"
    assert art.author == "Hương Thủy"
    assert art.article_id == 1093410


def test_old_site_layout() -> None:
    url = "https://hanoimoi.vn/Tin-tuc/Chinh-tri/931245/huyen-ba-vi-bieu-duong-dien-hinh-tien-tien"
    art = parse_article(page("huyen-ba-vi-bieu-duong-dien-hinh-tien-tien"), url)
    assert art.layout == "old_site"
    assert art.article_id == 931245
    assert art.title == "Huyện Ba Vì biểu dương điển hình tiên tiến giai đoạn 2015-2019"
    assert art.author == "Tuấn Lương"  # from metadata; the byline paragraph is not body text
    assert "Tuấn Lương" not in art.body
    assert art.published_at.isoformat() == "2019-11-20T16:40:00+07:00"


def test_unknown_layout_falls_back_to_metadata_and_generic_body() -> None:
    url = "https://hanoimoi.vn/phuong-cau-giay-bieu-duong-nguoi-tot-viec-tot-1160987.html"
    art = parse_article(page("phuong-cau-giay-bieu-duong-nguoi-tot-viec-tot-1160987.html"), url)
    assert art.layout == "metadata"
    assert art.paths == {"title": "metadata", "sapo": "metadata", "author": "metadata",
                         "section": "metadata", "published_at": "metadata", "body": "generic"}
    assert art.body.startswith("Năm 2025, phường Cầu Giấy")
    assert "Đọc nhiều" not in art.body


JSON_LD_ONLY = """<html><head><script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, {"@type": "NewsArticle",
 "headline": "Huyện Mê Linh khen thưởng 40 tập thể", "description": "(HNM) - Sáng 2-3 ...",
 "datePublished": "2024-03-02T08:00:00+07:00", "author": [{"@type": "Person", "name": "An Nhiên"}]}]}
</script></head><body><div class="x"><div class="y">%s</div></div></body></html>"""


def test_json_ld_and_largest_text_block() -> None:
    paragraphs = "".join(f"<p>Đoạn văn thứ {i} của bài viết về huyện Mê Linh, đủ dài để "
                         f"được coi là thân bài.</p>" for i in range(5))
    art = parse_article(JSON_LD_ONLY % paragraphs, "https://hanoimoi.vn/me-linh-1234.html")
    assert art.title == "Huyện Mê Linh khen thưởng 40 tập thể"
    assert art.author == "An Nhiên"
    assert art.published_at.isoformat() == "2024-03-02T08:00:00+07:00"
    assert art.paths["body"] == "generic"
    assert art.body.count("\n\n") == 4


def test_page_without_layout_or_metadata_still_yields_title_date_body() -> None:
    html = ("<html><head><title>Quận Tây Hồ ra quân - Báo Hànộimới</title></head><body><main>"
            "<p>Thứ Hai, 15/01/2024 08:05</p>"
            + "<p>Sáng nay, quận Tây Hồ ra quân làm sạch đường phố và bờ hồ.</p>" * 5
            + "</main></body></html>")
    art = parse_article(html, "https://hanoimoi.vn/tay-ho-ra-quan-1200001.html")
    assert art.layout == "generic"
    assert art.title == "Quận Tây Hồ ra quân"
    assert art.published_at.isoformat() == "2024-01-15T08:05:00+07:00"
    assert art.paths == {"title": "generic", "published_at": "generic", "body": "generic"}
    assert art.body.count("Sáng nay") == 5
    assert art.article_id == 1200001


def test_broken_page_yields_nothing_but_does_not_fail() -> None:
    art = parse_article(b"\x00\xff<html><body><div>", "https://hanoimoi.vn/x-1.html")
    assert art.title is None and art.body == "" and art.published_at is None


def test_unreadable_date_text_is_reported() -> None:
    html = page("quan-hoan-kiem-tong-ket-cong-tac-thi-dua-khen-thuong-nam-2023-1093410.html")
    html = html.replace(b"15-01-2024 13:04", "Hôm kia".encode())
    art = parse_article(html, "https://hanoimoi.vn/quan-hoan-kiem-1093410.html")
    assert art.published_at is None
    assert art.warnings == ["unreadable date text 'Hôm kia'"]

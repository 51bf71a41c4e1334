"""The seed article (tests/data/seed_article.txt, as a reader copies it) and its expected record,
as given in the schema's worked example."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.replay import replay
from thidua_crawler.extract import extract_facts
from thidua_crawler.extract.text import normalize
from thidua_crawler.sample_site import SITE_ROOT

SEED_TEXT = Path(__file__).resolve().parent / "data" / "seed_article.txt"
SEED_URL = ("https://hanoimoi.vn/quan-thanh-xuan-phat-dong-dot-thi-dua-cao-diem-ky-niem-75-nam-"
            "ngay-chu-tich-ho-chi-minh-ra-loi-keu-goi-thi-dua-ai-quoc-1067530.html")


def seed_record() -> dict:
    return replay(SEED_URL, SITE_ROOT / SEED_URL.rsplit("/", 1)[1])


def test_body_is_the_article_text_without_furniture_caption_or_sapo() -> None:
    text = SEED_TEXT.read_text(encoding="utf-8")
    lines = [normalize(ln) for ln in text.splitlines() if ln.strip()]  # NBSP -> space, NFC
    caption = lines[4]
    expected = lines[5 : lines.index("(0) Bình luận")]
    record = seed_record()
    assert record["body"].split("\n\n") == expected
    assert record["sapo"] == lines[3]
    assert record["images"][0]["caption"] == caption


def test_seed_record_matches_the_worked_example() -> None:
    record = seed_record()
    assert record["_id"] == "hanoimoi:1067530"
    assert record["article_id"] == 1067530
    assert record["source"] == "hanoimoi"
    assert record["author"] == "Bảo Vy"
    assert record["published_at"] == "2023-04-07T15:04:00+07:00"
    assert [d["slug"] for d in record["districts"]] == ["thanh-xuan"]
    assert record["communes"] == []

    def numbers(a: dict) -> dict:
        keys = ("count", "collectives", "individuals", "level", "part_of")
        return {k: a[k] for k in keys}

    awards = record["award_counts"]
    assert [numbers(a) for a in awards[:4]] == [
        {"count": 2505, "collectives": None, "individuals": None, "level": "unknown",
         "part_of": None},
        {"count": 7, "collectives": 6, "individuals": 1, "level": "national", "part_of": 0},
        {"count": 157, "collectives": 89, "individuals": 68, "level": "central_or_city",
         "part_of": 0},
        {"count": 2341, "collectives": 685, "individuals": 1656, "level": "district",
         "part_of": 0},
    ]
    assert awards[0]["consistent"] is True and awards[0]["parts_sum"] == 2505
    assert awards[0]["year"] == 2022
    city = awards[4]
    assert (city["count"], city["level"], city["forms"], city["conferred_by"]) == (
        34, "city", ["emulation_flag", "certificate"], "Chủ tịch UBND thành phố Hà Nội")
    assert city["collectives"] is None and city["individuals"] is None
    assert city["status"] == "awarded"
    assert len(awards) == 5

    [launch] = record["campaign_launches"]
    assert launch["launcher"] == {"person": "Võ Đăng Dũng",
                                  "position": "Chủ tịch UBND quận Thanh Xuân",
                                  "body": "UBND quận Thanh Xuân",
                                  "level": "district", "unit": "UBND quận Thanh Xuân"}
    assert launch["names"] == [
        "Tổ liên gia an toàn phòng cháy, chữa cháy",
        "Hoàn thành xuất sắc nhiệm vụ thu ngân sách nhà nước quận Thanh Xuân năm 2023"]
    assert launch["kind"] == "peak"
    assert launch["title"].startswith("đợt thi đua cao điểm kỷ niệm 75 năm")
    assert launch["date"] == "2023-04-07"
    assert launch["occasion"] == (
        "kỷ niệm 75 năm Ngày Chủ tịch Hồ Chí Minh ra Lời kêu gọi thi đua ái quốc")
    assert launch["period"] == {"start": "1948-06-11", "end": "2023-06-11"}


def test_evidence_offsets_point_into_the_field() -> None:
    record = seed_record()
    for fact in record["award_counts"] + record["campaign_launches"]:
        evidence = fact["evidence"]
        text = record[evidence["field"]]
        assert text[evidence["start"] : evidence["end"]] == evidence["text"]


def test_facts_from_the_plain_text_copy() -> None:
    """The extraction works on text alone, as a researcher would call it."""
    lines = [ln for ln in SEED_TEXT.read_text(encoding="utf-8").splitlines() if ln.strip()]
    body = "\n\n".join(lines[5 : lines.index("(0) Bình luận")])
    facts = extract_facts(lines[1], lines[3], body, date(2023, 4, 7))
    assert [a["count"] for a in facts["award_counts"]] == [2505, 7, 157, 2341, 34]
    assert facts["campaign_launches"][0]["launcher"]["person"] == "Võ Đăng Dũng"

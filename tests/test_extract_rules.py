"""Single rules of the extractors, one phrasing or pitfall at a time."""

from __future__ import annotations

from datetime import date

import pytest

from thidua_crawler.extract import extract_facts
from thidua_crawler.extract.numbers import parse_words
from thidua_crawler.extract.text import fold, sentences

DAY = date(2024, 3, 1)


def awards(body: str) -> list[tuple]:
    found = extract_facts("", "", body, DAY)["award_counts"]
    return [(a["count"], a["collectives"], a["individuals"]) for a in found]


@pytest.mark.parametrize(("words", "value"), [
    ("một", 1), ("mười", 10), ("mười lăm", 15), ("hai mươi", 20), ("hai mươi mốt", 21),
    ("ba mươi tư", 34), ("một trăm", 100), ("một trăm linh năm", 105), ("hai nghìn", 2000),
    ("năm hai", 2), ("mốt", None), ("mươi", None),
])
def test_number_words(words: str, value) -> None:
    assert parse_words(words) == value


@pytest.mark.parametrize(("body", "expected"), [
    ("UBND quận khen thưởng 2.505 tập thể, cá nhân.", [(2505, None, None)]),
    ("Chủ tịch UBND quận tặng Giấy khen cho 01 tập thể và 03 cá nhân.", [(4, 1, 3)]),
    ("Chủ tịch UBND quận tặng Giấy khen cho mười lăm cá nhân.", [(15, None, 15)]),
    ("Chủ tịch UBND quận tặng Giấy khen cho 12 cá nhân và 3 tập thể.", [(15, 3, 12)]),
])
def test_count_phrasings(body: str, expected: list) -> None:
    assert awards(body) == expected


@pytest.mark.parametrize("body", [
    "Năm 2023, quận đạt 95% kế hoạch thu ngân sách, tương đương 3.250 tỷ đồng.",
    "Quận hoàn thành 19/19 chỉ tiêu, được tặng Bằng khen theo Quyết định số 163/QĐ-UBND.",
    "Ban tổ chức trao 3 giải Nhất cho 3 tập thể và giải Ba cho 5 cá nhân.",
    "Huyện ủy trao Huy hiệu Đảng cho 12 cá nhân có 30 năm tuổi Đảng.",
    "Đoàn vận động viên giành 5 Huy chương Vàng; 120 tập thể, cá nhân tham gia thi đấu.",
    "Kỷ niệm 75 năm Ngày truyền thống, quận Hai Bà Trưng và huyện Ba Vì ký kết giao ước thi đua.",
    "Hàng trăm tập thể, cá nhân được khen thưởng; nhiều tập thể, cá nhân được biểu dương.",
    "Đại hội lần thứ VI có 300 đại biểu; 18 phường đạt chuẩn văn minh đô thị.",
])
def test_pitfalls_yield_no_count(body: str) -> None:
    assert awards(body) == []


def test_breakdown_parts_point_at_the_total_and_are_checked() -> None:
    found = extract_facts("", "", "Huyện khen thưởng 120 tập thể, cá nhân. Trong đó, cấp thành "
                          "phố 18 tập thể và 20 cá nhân; cấp huyện 30 tập thể và 50 cá nhân.",
                          DAY)["award_counts"]
    assert [a["part_of"] for a in found] == [None, 0, 0]
    assert found[0]["consistent"] is False and found[0]["parts_sum"] == 118
    assert [a["level"] for a in found] == ["unknown", "city", "district"]


def test_launch_not_by_the_subject() -> None:
    facts = extract_facts("", "", "Hưởng ứng phong trào thi đua do Thủ tướng Chính phủ phát "
                          "động, quận đã hỗ trợ 12 hộ nghèo.", DAY)
    assert facts["campaign_launches"] == []


def test_launch_date_relative_to_publication() -> None:
    launch = extract_facts("", "(HNMO) - Chiều qua, UBND quận Tây Hồ phát động phong trào thi "
                           "đua “Tây Hồ xanh”.", "", DAY)["campaign_launches"][0]
    assert launch["date"] == date(2024, 2, 29)
    assert launch["names"] == ["Tây Hồ xanh"]


def test_sentences_keep_offsets_and_thousands() -> None:
    text = "Năm 2022, quận khen thưởng 2.505 tập thể, cá nhân. Trong đó, cấp quận 685 tập thể."
    parts = list(sentences(text))
    first_end = text.index("Trong đó") - 1
    assert [s.text for s in parts] == [text[:first_end], text[first_end + 1 :]]
    assert all(text[s.start : s.end] == s.text for s in parts)


def test_fold_keeps_length() -> None:
    assert fold("Thi đua khen thưởng") == "thi dua khen thuong"
    assert len(fold("Đống Đa")) == len("Đống Đa")

"""The unit lexicon and the actor finder: the normalised units researchers group by."""

from __future__ import annotations

import pytest

from thidua_crawler.extract.actors import actors, subject_before
from thidua_crawler.extract.units import find_units


@pytest.mark.parametrize(("text", "unit", "level"), [
    ("UBND TP Hà Nội", "UBND thành phố Hà Nội", "city"),
    ("UBND Q. Sơn Trà", "UBND quận Sơn Trà", "district"),
    ("LĐLĐ quận", "Liên đoàn Lao động quận", "district"),
    ("Liên đoàn lao động quận Long Biên", "Liên đoàn Lao động quận Long Biên", "district"),
    ("Chủ tịch UBND tỉnh", "UBND tỉnh", "city"),
    ("UB MTTQ phường Định Công", "Ủy ban MTTQ Việt Nam phường Định Công", "commune"),
    ("Quận ủy - HĐND - UBND - Ủy ban MTTQ Việt Nam quận Long Biên", "quận Long Biên", "district"),
    ("Quận ủy, Ủy ban nhân dân (UBND), Ủy ban MTTQ quận Đống Đa", "quận Đống Đa", "district"),
    ("TƯ Đoàn", "Trung ương Đoàn", "central"),
    ("UBND TP.HCM", "UBND thành phố Hồ Chí Minh", "city"),
    ("Sở Nông nghiệp và PTNT", "Sở Nông nghiệp và PTNT", "city"),
])
def test_units_are_written_out_with_their_level(text: str, unit: str, level: str) -> None:
    [found] = find_units(text)
    assert (found.unit, found.level) == (unit, level)


def test_a_family_name_ends_a_place_name() -> None:
    [unit] = find_units("Chủ tịch UBND huyện Phước Sơn Lê Quang Trung phát biểu")
    assert unit.text == "UBND huyện Phước Sơn"


def test_a_document_number_is_not_a_unit() -> None:
    assert [u.text for u in find_units("Kế hoạch số 74/KH-UBND về việc tổ chức")] == []


def test_stacked_positions_keep_the_person_and_the_state_body() -> None:
    [actor] = actors("Phó Bí thư Huyện ủy, Chủ tịch UBND huyện Mê Linh Hoàng Anh Tuấn phát động")
    assert actor.record() == {"person": "Hoàng Anh Tuấn",
                              "position": "Phó Bí thư Huyện ủy, Chủ tịch UBND huyện Mê Linh",
                              "body": "UBND huyện Mê Linh", "level": "district",
                              "unit": "UBND huyện Mê Linh"}


def test_person_before_the_position() -> None:
    [actor] = actors("bà Trần Thị Mai, Giám đốc Sở Nội vụ, Khối trưởng Khối thi đua đã phát động")
    assert (actor.person, actor.position, actor.body.text) == (
        "Trần Thị Mai", "Giám đốc Sở Nội vụ, Khối trưởng Khối thi đua", "Sở Nội vụ")


def test_the_subject_is_not_a_governed_mention() -> None:
    text = ("Sáng 28-6, Quận ủy - HĐND - UBND quận Long Biên tổ chức hội nghị kỷ niệm ngày thành lập "
            "quận Long Biên; phát động phong trào thi đua")
    actor = subject_before(text, text.index("phát động"))
    assert actor is not None and actor.body.text == "Quận ủy - HĐND - UBND quận Long Biên"


def test_a_guest_who_attends_is_not_the_subject() -> None:
    text = "Sáng 9-10, Thủ tướng Chính phủ Phạm Văn A đã dự hội nghị; phát động phong trào thi đua"
    assert subject_before(text, text.index("phát động")) is None

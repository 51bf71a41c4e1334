from __future__ import annotations

from datetime import date

from thidua_crawler.extract.places import communes, districts, places_about

BEFORE = date(2024, 5, 1)
AFTER = date(2025, 9, 1)


def slugs(result: dict) -> list[str]:
    return [d["slug"] for d in result["districts"]]


def names(result: dict) -> list[str]:
    return [c["name"] for c in result["communes"]]


def test_gazetteers() -> None:
    assert len([d for d in districts() if d.valid_on(BEFORE)]) == 30
    assert len(communes()) == 126
    assert {c.kind for c in communes()} == {"phường", "xã"}


def test_district_before_the_reform() -> None:
    result = places_about("Quận Thanh Xuân biểu dương điển hình", "", "", BEFORE)
    assert result["districts"] == [
        {"code": "009", "slug": "thanh-xuan", "name": "Thanh Xuân", "kind": "quận"}]
    assert result["communes"] == []


def test_ward_after_the_reform_is_not_the_old_district() -> None:
    result = places_about("Phường Thanh Xuân ra mắt mô hình mới", "", "", AFTER)
    assert names(result) == ["Thanh Xuân"] and result["communes"][0]["kind"] == "phường"
    assert slugs(result) == []
    # Before the reform, "phường Thanh Xuân Bắc" was a ward of quận Thanh Xuân: neither counts.
    before = places_about("Phường Thanh Xuân Bắc ra mắt CLB", "", "", BEFORE)
    assert slugs(before) == [] and names(before) == []


def test_names_with_number_words_are_places() -> None:
    result = places_about("Quận Hai Bà Trưng và huyện Ba Vì ký kết giao ước thi đua", "", "", BEFORE)
    assert slugs(result) == ["hai-ba-trung", "ba-vi"]


def test_party_and_youth_units_name_their_district() -> None:
    result = places_about("", "(HNM) - Huyện ủy Sóc Sơn và Quận đoàn Cầu Giấy phối hợp", "",
                          BEFORE)
    assert slugs(result) == ["soc-son", "cau-giay"]


def test_tu_liem_before_its_split() -> None:
    assert slugs(places_about("Huyện Từ Liêm tổng kết năm", "", "", date(2013, 12, 1))) == [
        "tu-liem"]
    assert slugs(places_about("Huyện Từ Liêm tổng kết năm", "", "", date(2015, 1, 1))) == []
    assert slugs(places_about("Quận Nam Từ Liêm", "", "", date(2015, 1, 1))) == ["nam-tu-liem"]


def test_a_mention_in_passing_does_not_make_an_article_about_a_place() -> None:
    body = ("Sáng 5-3, quận Đống Đa tổ chức hội nghị. Quận Đống Đa đã hoàn thành 100% chỉ tiêu. "
            "Dự hội nghị có đại diện các quận Ba Đình, Hoàn Kiếm, Tây Hồ, Cầu Giấy. "
            "Phóng viên đến từ quận Long Biên ghi nhận.")
    assert slugs(places_about("Đổi mới công tác thi đua", "", body, BEFORE)) == ["dong-da"]


def test_unknown_date_tags_both_eras() -> None:
    result = places_about("Quận Ba Đình và phường Ba Đình", "", "", None)
    assert slugs(result) == ["ba-dinh"] and names(result) == ["Ba Đình"]


def test_a_name_whose_space_a_typo_dropped() -> None:
    """The press drops the space inside a name ("Quận NamTừ Liêm"); the place is still the one
    the gazetteer names, spelled as the gazetteer spells it."""
    result = places_about("Quận NamTừ Liêm biểu dương kết quả thi đua", "", "", BEFORE)
    assert slugs(result) == ["nam-tu-liem"]
    assert result["districts"][0]["name"] == "Nam Từ Liêm"
    assert slugs(places_about("Quận Nam Từ Liêm biểu dương", "", "", BEFORE)) == ["nam-tu-liem"]

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from thidua_crawler.extract.dates import VIETNAM, parse_datetime, parse_day

EXPECTED = datetime(2023, 4, 7, 15, 4, tzinfo=VIETNAM)


@pytest.mark.parametrize("text", [
    "07/04/2023 15:04",
    "07-04-2023 15:04",
    "07/04/2023 - 15:04",
    "Thứ Sáu, 07/04/2023 15:04",
    "Thứ sáu, 7/4/2023, 15:04",
    "07/04/2023 15h04",
    "15:04 07/04/2023",
    "Bảo Vy| 07/04/2023 15:04",
    "07/04/2023 15:04 GMT+7",
    "2023-04-07T15:04:00+07:00",
    "2023-04-07T08:04:00Z",
    "2023-04-07 15:04:00",
    "Fri, 07 Apr 2023 15:04:00 +0700",
])
def test_every_listed_form_is_vietnam_time(text: str) -> None:
    parsed = parse_datetime(text)
    assert parsed == EXPECTED
    assert parsed.utcoffset() == timedelta(hours=7)


def test_other_offsets_are_kept() -> None:
    parsed = parse_datetime("07/04/2023 10:04 GMT+2")
    assert parsed.astimezone(timezone.utc) == datetime(2023, 4, 7, 8, 4, tzinfo=timezone.utc)


def test_date_without_time_is_midnight() -> None:
    assert parse_datetime("15/01/2024") == datetime(2024, 1, 15, tzinfo=VIETNAM)


@pytest.mark.parametrize("text", ["", None, "Hôm qua", "32/13/2023 10:00", "mới đây"])
def test_no_date_is_none_not_a_guess(text) -> None:
    assert parse_datetime(text) is None


def test_day_arguments() -> None:
    assert parse_day("2025-07-01") == date(2025, 7, 1)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_day("1/7/2025")


@pytest.mark.parametrize("text", [
    "9999-12-31T23:59:59Z", "0001-01-01T00:00:00", "0001-01-01T00:00:00+07:00",
    "07/04/2023 15:04 GMT+25", "07/04/2023 15:04 GMT-24:30",
    "Fri, 31 Dec 9999 23:59:59 -1200",
])
def test_dates_no_database_can_hold_are_none_not_an_exception(text: str) -> None:
    """One listing's absurd date must not stop the rest of its sitemap, nor poison a batch."""
    assert parse_datetime(text) is None

"""Dates as the site and its articles write them, read as Vietnam time."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")



def dmy_pattern(tag: str = "") -> str:
    """A day-month-year date ("07/04/2023", "7-4-2023", "7.4.2023") with groups ``d``, ``m``,
    ``y`` (each followed by ``tag``, so one expression can hold two dates)."""
    return rf"(?P<d{tag}>\d{{1,2}})[/.-](?P<m{tag}>\d{{1,2}})[/.-](?P<y{tag}>\d{{4}})"


# 07/04/2023 15:04 | 15-01-2024 13:04 | 14/05/2026 - 15:25 | Thứ Sáu, 07/04/2023 15:04
# | 07/04/2023 15h04 | 15:04 07/04/2023 | 07/04/2023 15:04 GMT+7
_DMY = dmy_pattern()
_HM = r"(?P<H>\d{1,2})\s*[:hH]\s*(?P<M>\d{2})"
_TZ = r"(?:\s*\(?(?:GMT|UTC)\s*(?P<tz>[+-]\d{1,2})(?::?(?P<tzm>\d{2}))?\)?)?"
_DATE_THEN_TIME = re.compile(_DMY + r"(?:\s*[-,|]?\s*" + _HM + r")?" + _TZ)
_TIME_THEN_DATE = re.compile(_HM + r"\s*[-,|]?\s*(?:[^\d\s]+,?\s*)?" + _DMY + _TZ)


def parse_datetime(value: str | None) -> datetime | None:
    """Read any date form the site uses into an aware datetime (Vietnam time by default).

    Accepts ISO 8601 (with or without offset, as in ``article:published_time``),
    RFC 822 (RSS ``pubDate``), and the visible forms listed in docs/site.md.
    The result is on Vietnam's clock whatever offset the text gave (the same
    instant), so feeds always show ``+07:00``. Returns None for text that holds
    no recognisable date, and for dates no database can hold (year 1, year 9999 in
    another zone, an offset of 25 hours); never guesses, never raises.
    """
    if not value:
        return None
    value = value.strip()
    found = _parse_iso(value) or _parse_rfc822(value)
    if found is None:
        match = _TIME_THEN_DATE.search(value) or _DATE_THEN_TIME.search(value)
        found = _from_match(match) if match else None
    if found is None:
        return None
    try:
        found.astimezone(timezone.utc)  # BSON stores UTC: the instant must exist there
        return in_vietnam(found)
    except OverflowError:
        return None


def _parse_iso(value: str) -> datetime | None:
    if not re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=VIETNAM) if parsed.tzinfo is None else parsed


def _parse_rfc822(value: str) -> datetime | None:
    if not re.match(r"^[A-Za-z]{3},? \d", value):
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed.replace(tzinfo=VIETNAM) if parsed.tzinfo is None else parsed


def _from_match(match: re.Match[str]) -> datetime | None:
    groups = match.groupdict()
    try:
        day = date(int(groups["y"]), int(groups["m"]), int(groups["d"]))
        clock = time(int(groups["H"]), int(groups["M"])) if groups.get("H") else time(0, 0)
        zone: timezone | ZoneInfo = VIETNAM
        if groups.get("tz"):
            sign = -1 if groups["tz"].startswith("-") else 1
            minutes = int(groups.get("tzm") or 0)
            zone = timezone(timedelta(hours=int(groups["tz"]), minutes=sign * minutes))
    except ValueError:  # 31/02, 25:00, GMT+25
        return None
    return datetime.combine(day, clock, tzinfo=zone)


def in_vietnam(moment: datetime) -> datetime:
    """The same instant on Vietnam's clock (how feeds show it)."""
    return moment.astimezone(VIETNAM)


def parse_day(value: str) -> date:
    """A ``YYYY-MM-DD`` argument; raises ValueError with a message naming the form."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD") from None

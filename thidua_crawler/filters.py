"""Filters for the researcher commands: what a user typed, checked and typed.

Every value is checked (an unknown district or a malformed date gets a message
naming what is accepted) and becomes a typed value. The commands turn the result
into a DuckDB query over the snapshot (:mod:`thidua_crawler.answers`) or a MongoDB
query (:mod:`thidua_crawler.mongo_query`); user input never reaches either as an
operator.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from thidua_crawler.extract.dates import parse_day
from thidua_crawler.extract.places import communes, districts
from thidua_crawler.extract.text import fold, normalize
from thidua_crawler.vocab import FORMS, LEVELS


class FilterError(ValueError):
    """A filter value that cannot be used; the message says what is accepted."""


#: Dates a filter may name: the instants must exist in UTC, and no article is older.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)


def district_slug(value: str) -> str:
    """A district by slug ("thanh-xuan") or name ("Thanh Xuân", "thanh xuan")."""
    wanted = "-".join(fold(value).replace("quan ", "").replace("huyen ", "").split())
    for place in districts():
        if wanted in (place.slug, "-".join(fold(place.name).split())):
            return place.slug
    accepted = ", ".join(sorted(p.slug for p in districts()))
    raise FilterError(f"unknown district {value!r}; use a slug or a name: {accepted}")


def commune_name(value: str) -> str:
    """A ward or commune by name ("Cầu Giấy", "cau giay", "phường Cầu Giấy")."""
    wanted = fold(normalize(value))
    for prefix in ("phuong ", "xa "):
        wanted = wanted.removeprefix(prefix)
    for place in communes():
        if fold(place.name) == wanted:
            return place.name
    raise FilterError(f"unknown ward or commune {value!r}; use a name of one of Hanoi's 126 "
                      f"wards and communes, e.g. {', '.join(sorted(p.name for p in communes())[:5])}")


def _choice(value: str, accepted: tuple[str, ...], what: str) -> str:
    if value not in accepted:
        raise FilterError(f"unknown {what} {value!r}; use one of: {', '.join(accepted)}")
    return value


def _day(value: str, what: str) -> date:
    try:
        day = parse_day(value)
    except ValueError as error:
        raise FilterError(f"{what}: {error}") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise FilterError(f"{what} {value}: give a date between {FIRST_DAY.year} and "
                          f"{LAST_DAY.year}")
    return day


@dataclass
class Filters:
    since: date | None = None
    until: date | None = None
    district: str | None = None
    commune: str | None = None
    level: str | None = None
    form: str | None = None
    launcher: str | None = None
    has_launch: bool = False
    has_award: bool = False
    text: str | None = None

    @classmethod
    def checked(cls, since: str | None = None, until: str | None = None,
                district: str | None = None, commune: str | None = None,
                level: str | None = None, form: str | None = None, launcher: str | None = None,
                has_launch: bool = False, has_award: bool = False, text: str | None = None,
                ) -> Filters:
        """Filters from the words a user typed; raises FilterError with a clear message."""
        since_day = _day(since, "--since") if since else None
        until_day = _day(until, "--until") if until else None
        if since_day and until_day and since_day > until_day:
            raise FilterError(f"--since {since_day} is after --until {until_day}")
        return cls(
            since=since_day, until=until_day,
            district=district_slug(district) if district else None,
            commune=commune_name(commune) if commune else None,
            level=_choice(level, LEVELS, "level") if level else None,
            form=_choice(form, FORMS, "form") if form else None,
            launcher=normalize(launcher) or None if launcher else None,
            has_launch=has_launch, has_award=has_award,
            text=normalize(text) or None if text else None,
        )

    def describe(self) -> str:
        """The filters as command-line options (``--since 2023-01-01, --has-launch``), for
        a report to say what it shows; ``none`` without filters."""
        given = []
        for name in (f.name for f in fields(self)):
            value = getattr(self, name)
            option = "--" + name.replace("_", "-")
            if value is True:
                given.append(option)
            elif value:
                given.append(f"{option} {value}")
        return ", ".join(given) or "none"

"""Filters for the researcher commands, from user words to a MongoDB query.

Every value is checked (an unknown district or a malformed date gets a
message naming what is accepted) and becomes a typed value inside a query this
module builds: user input never reaches the database as an operator. Text
search is diacritic-insensitive ("thi dua khen thuong" finds "thi đua khen
thưởng") through a regular expression built from escaped literals, so it works
on servers without text indexes (SecantusDB) as on MongoDB. A phrase whose
expression would pass the server's size limit is narrowed on the server by its
start and matched whole in Python.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from pymongo.database import Database

from thidua_crawler.extract.dates import VIETNAM, parse_day
from thidua_crawler.extract.places import communes, districts
from thidua_crawler.extract.text import fold, normalize

LEVELS = ("national", "central", "city", "central_or_city", "district", "commune", "grassroots",
          "unknown")
FORMS = ("order", "medal", "honorary_title", "pm_certificate", "emulation_flag", "certificate",
         "commendation", "emulation_title", "other")
KINDS = ("peak", "special", "thematic", "movement", "other")

#: Every way a plain letter may be written in Vietnamese, for diacritic-insensitive search.
_VARIANTS = {
    "a": "aàáảãạăằắẳẵặâầấẩẫậ", "e": "eèéẻẽẹêềếểễệ", "i": "iìíỉĩị",
    "o": "oòóỏõọôồốổỗộơờớởỡợ", "u": "uùúủũụưừứửữự", "y": "yỳýỷỹỵ", "d": "dđ",
}


class FilterError(ValueError):
    """A filter value that cannot be used; the message says what is accepted."""


#: What may stand between two searched words: spaces and punctuation ("thi đua, khen thưởng").
#: Spelled out, because ``\W`` is ASCII-only in some servers' regex engines.
_BETWEEN_WORDS = r"[\s,.;:!?()\[\]\"'“”‘’«»/-]+"


#: The longest regular expression sent to the server (SecantusDB refuses those over 1,000
#: characters; a diacritic-insensitive letter takes up to 40).
MAX_SERVER_PATTERN = 900
#: Dates a filter may name: the instants must exist in UTC, and no article is older.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)


def folded_pattern(words: str) -> str:
    """A regular expression matching ``words`` in order, whatever their diacritics and case,
    with spaces or punctuation between them."""
    return "".join(_pattern_pieces(words))


def _pattern_pieces(words: str) -> list[str]:
    """:func:`folded_pattern` one character of ``words`` at a time."""
    parts = []
    for ch in fold(normalize(words)):
        if ch in _VARIANTS:
            variants = _VARIANTS[ch]
            parts.append("[" + variants + variants.upper() + "]")
        elif ch.isalpha():
            parts.append("[" + ch + ch.upper() + "]")
        elif ch.isspace():
            parts.append(_BETWEEN_WORDS)
        else:
            parts.append(re.escape(ch))
    return parts


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
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        group = parser.add_argument_group("filters")
        group.add_argument("--since", help="published on or after (YYYY-MM-DD)")
        group.add_argument("--until", help="published on or before (YYYY-MM-DD)")
        group.add_argument("--district", help="district slug or name (before 2025-07-01)")
        group.add_argument("--commune", help="ward or commune name (from 2025-07-01)")
        group.add_argument("--level", help=f"an award count at this level: {', '.join(LEVELS)}")
        group.add_argument("--form", help=f"an award count of this form: {', '.join(FORMS)}")
        group.add_argument("--launcher", help="words in a launcher's name, position or body")
        group.add_argument("--has-launch", action="store_true", help="with a campaign launch")
        group.add_argument("--has-award", action="store_true", help="with an award count")
        group.add_argument("--text", help="words in title, sapo or body (diacritics optional)")

    @classmethod
    def from_options(cls, opts: argparse.Namespace) -> Filters:
        """Checked filters from command-line options; raises FilterError with a clear message."""
        since = _day(opts.since, "--since") if opts.since else None
        until = _day(opts.until, "--until") if opts.until else None
        if since and until and since > until:
            raise FilterError(f"--since {since} is after --until {until}")
        return cls(
            since=since, until=until,
            district=district_slug(opts.district) if opts.district else None,
            commune=commune_name(opts.commune) if opts.commune else None,
            level=_choice(opts.level, LEVELS, "level") if opts.level else None,
            form=_choice(opts.form, FORMS, "form") if opts.form else None,
            launcher=normalize(opts.launcher) or None if opts.launcher else None,
            has_launch=opts.has_launch, has_award=opts.has_award,
            text=normalize(opts.text) or None if opts.text else None,
        )

    def describe(self) -> str:
        """The filters as command-line options (``--since 2023-01-01, --has-launch``), for
        a report to say what it shows; ``none`` without filters."""
        given = []
        for name in ("since", "until", "district", "commune", "level", "form", "launcher",
                     "has_launch", "has_award", "text"):
            value = getattr(self, name)
            option = "--" + name.replace("_", "-")
            if value is True:
                given.append(option)
            elif value:
                given.append(f"{option} {value}")
        return ", ".join(given) or "none"

    def query(self, db: Database | None = None) -> dict[str, Any]:
        """The MongoDB query. With ``db``, a text index (where the server has one) narrows
        the text search before the diacritic-insensitive match."""
        clauses: list[dict[str, Any]] = []
        bounds: dict[str, datetime] = {}
        if self.since:
            bounds["$gte"] = datetime.combine(self.since, time.min, tzinfo=VIETNAM)
        if self.until:
            bounds["$lte"] = datetime.combine(self.until, time.max, tzinfo=VIETNAM)
        if bounds:
            clauses.append({"published_at": bounds})
        if self.district:
            clauses.append({"districts.slug": self.district})
        if self.commune:
            clauses.append({"communes.name": self.commune})
        if self.level:
            clauses.append({"award_counts.level": self.level})
        if self.form:
            clauses.append({"award_counts.forms": self.form})
        if self.has_launch:
            clauses.append({"campaign_launches.0": {"$exists": True}})
        if self.has_award:
            clauses.append({"award_counts.0": {"$exists": True}})
        if self.launcher:
            clauses.append(_matching(db, "--launcher", self.launcher, LAUNCHER_FIELDS))
        if self.text:
            if db is not None and _has_text_index(db):
                clauses.append({"$text": {"$search": self.text}})
            clauses.append(_matching(db, "--text", self.text, TEXT_FIELDS))
        if not clauses:
            return {}
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


TEXT_FIELDS = ("title", "sapo", "body")
LAUNCHER_FIELDS = tuple(f"campaign_launches.launcher.{part}" for part in ("person", "position",
                                                                          "body"))


def _matching(db: Database | None, option: str, words: str, fields: tuple[str, ...]
              ) -> dict[str, Any]:
    """Articles with ``words`` in any of ``fields``: one server-side regular expression, or,
    past the server's limit, the articles its start selects, checked whole in Python."""
    pieces = _pattern_pieces(words)
    if len("".join(pieces)) <= MAX_SERVER_PATTERN:
        return _any_field("".join(pieces), fields)
    if db is None:
        raise FilterError(f"{option}: too long for this command; use fewer words")
    start, size = [], 0
    for piece in pieces:
        if size + len(piece) > MAX_SERVER_PATTERN:
            break
        start.append(piece)
        size += len(piece)
    from thidua_crawler.storage import ARTICLES

    whole = re.compile("".join(pieces))
    candidates = db[ARTICLES].find(_any_field("".join(start), fields), dict.fromkeys(fields, 1))
    ids = [doc["_id"] for doc in candidates
           if any(whole.search(value) for name in fields for value in _values(doc, name))]
    return {"_id": {"$in": ids}}


def _any_field(pattern: str, fields: tuple[str, ...]) -> dict[str, Any]:
    return {"$or": [{name: {"$regex": pattern}} for name in fields]}


def _values(document: Any, path: str) -> list[str]:
    """The strings at a dotted path, through lists (``campaign_launches.launcher.person``)."""
    if isinstance(document, list):
        return [v for item in document for v in _values(item, path)]
    if not path:
        return [document] if isinstance(document, str) else []
    if not isinstance(document, dict):
        return []
    head, _, rest = path.partition(".")
    return _values(document.get(head), rest)


def _has_text_index(db: Database) -> bool:
    from thidua_crawler.storage import ARTICLES

    return any("text" in dict(spec["key"]).values()
               for spec in db[ARTICLES].index_information().values())

"""Which Hanoi places an article is about, aware of the 2025-07-01 reform.

Before 2025-07-01 Hanoi had 30 district-level units (quận, huyện, thị xã);
since then it has 126 wards and communes (phường, xã), many named after an
old district. A place is recognised only with its kind in front ("quận Thanh
Xuân", "Huyện ủy Ba Vì", "phường Thanh Xuân"): bare names are too ambiguous
("Ba Đình" is also a square, "Hai Bà Trưng" a street).

The rule for "about" (documented in docs/extraction.md): a unit mentioned in
the title or the sapo, or in at least two body sentences outside a list of
three or more places. One body mention, or a mention inside an enumeration
of participants, is in passing.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

from vietnam_provinces import ProvinceCode, Ward

from thidua_crawler.extract.text import Sentence, sentences

REFORM_DATE = date(2025, 7, 1)

_DISTRICT_PREFIX = r"(?:[Qq]uận(?: ủy| đoàn)?|[Hh]uyện(?: ủy| đoàn)?|[Tt]hị xã|[Tt]hị ủy|[Tt]hị đoàn)"
_COMMUNE_PREFIX = r"(?:[Pp]hường|[Xx]ã)"
#: A direction after a name makes a longer, different name ("phường Thanh Xuân Bắc").
_LONGER_NAME = r"(?! (?:Bắc|Nam|Đông|Tây|Trung|Thượng|Hạ)\b)(?!\w)"
_LIST_THRESHOLD = 3


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    kind: str
    slug: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None

    def record(self) -> dict[str, str]:
        if self.slug is not None:
            return {"code": self.code, "slug": self.slug, "name": self.name, "kind": self.kind}
        return {"code": self.code, "name": self.name, "kind": self.kind}

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or day >= self.valid_from) and (
            self.valid_to is None or day <= self.valid_to
        )


@lru_cache(maxsize=1)
def districts() -> tuple[Place, ...]:
    """The district-level units of 2008-2025 (with huyện Từ Liêm before its 2014 split)."""
    text = resources.files("thidua_crawler.data").joinpath("districts.csv").read_text("utf-8")
    return tuple(
        Place(row["code"], row["name"], row["kind"], row["slug"],
              date.fromisoformat(row["valid_from"]), date.fromisoformat(row["valid_to"]))
        for row in csv.DictReader(text.splitlines())
    )


@lru_cache(maxsize=1)
def communes() -> tuple[Place, ...]:
    """Hanoi's 126 wards and communes since 2025-07-01, from the vietnam-provinces package."""
    places = []
    for ward in Ward.iter_by_province(ProvinceCode(1)):
        kind = ward.division_type.value
        name = ward.name[len(kind) + 1 :] if ward.name.lower().startswith(kind) else ward.name
        places.append(Place(f"{int(ward.code):05d}", name, kind, valid_from=REFORM_DATE))
    return tuple(places)


def _pattern(prefix: str, places: Iterable[Place]) -> re.Pattern[str]:
    """The places' names after their kind; the space inside a name may be missing, as typos
    drop it ("Quận NamTừ Liêm")."""
    names = sorted({p.name for p in places}, key=len, reverse=True)
    spelled = (r"\s?".join(map(re.escape, name.split(" "))) for name in names)
    return re.compile(prefix + r" (" + "|".join(spelled) + r")" + _LONGER_NAME)


@lru_cache(maxsize=1)
def _by_squeezed_name() -> dict[str, str]:
    return {p.name.replace(" ", ""): p.name for p in (*districts(), *communes())}


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    return _pattern(_DISTRICT_PREFIX, districts()), _pattern(_COMMUNE_PREFIX, communes())


def mentions(text: str, level: str) -> list[tuple[str, int, int]]:
    """(name, start, end) of every place of a level ("district" or "commune") in a text."""
    pattern = _patterns()[0 if level == "district" else 1]
    names = _by_squeezed_name()
    return [(names.get(m.group(1).replace(" ", ""), m.group(1)), m.start(), m.end())
            for m in pattern.finditer(text)]


def places_about(title: str, sapo: str, body: str, published: date | None) -> dict[str, list]:
    """The districts and communes an article is about, by the rule in this module's docstring."""
    use_districts = published is None or published < REFORM_DATE
    use_communes = published is None or published >= REFORM_DATE
    result: dict[str, list] = {"districts": [], "communes": []}
    for level, wanted, gazetteer in (("district", use_districts, districts()),
                                     ("commune", use_communes, communes())):
        if not wanted:
            continue
        by_name: dict[str, list[Place]] = defaultdict(list)
        for place in gazetteer:
            if published is None or place.valid_on(published):
                by_name[place.name].append(place)
        chosen = _about(level, title, sapo, body, set(by_name))
        key = "districts" if level == "district" else "communes"
        result[key] = [by_name[name][0].record() for name in chosen]
    return result


def _about(level: str, title: str, sapo: str, body: str, known: set[str]) -> list[str]:
    headline_names: list[str] = []
    for text in (title, sapo):
        headline_names += [n for n, _, _ in mentions(text, level) if n in known]
    body_sentences: dict[str, int] = defaultdict(int)
    order: list[str] = []
    for sentence in sentences(body):
        found = [n for n, _, _ in mentions(sentence.text, level) if n in known]
        if len(set(found)) >= _LIST_THRESHOLD and _is_enumeration(sentence):
            continue
        for name in dict.fromkeys(found):
            body_sentences[name] += 1
            order.append(name)
    chosen = list(dict.fromkeys(headline_names))
    chosen += [n for n in dict.fromkeys(order) if body_sentences[n] >= 2 and n not in chosen]
    return chosen


def _is_enumeration(sentence: Sentence) -> bool:
    """A sentence that lists places with commas ("các quận Ba Đình, Hoàn Kiếm, Tây Hồ")."""
    return sentence.text.count(",") >= _LIST_THRESHOLD - 1

"""Who acts in a sentence: a person, their position(s), the body they speak for.

The press names an actor in a few shapes, all handled here:

- a position, then the person: "Chủ tịch UBND quận Cầu Giấy Nguyễn Văn A";
- stacked positions: "Phó Bí thư Huyện ủy, Chủ tịch UBND huyện X Nguyễn Văn A";
- the person first: "ông Nguyễn Văn A, Chủ tịch UBND quận X", "Đồng chí A - Tỉnh ủy viên, ...";
- a position with the person and no unit: "Chủ tịch Nguyễn Đức Chung";
- a unit alone, joint bodies and places included: "UBND TP Hà Nội",
  "Quận ủy - HĐND - UBND - Ủy ban MTTQ quận Long Biên", "quận Hà Đông".

The sentence's actor for a verb is the last actor before it that is not
governed by something else ("của", "thuộc", "tại", "thành lập", inside
brackets or quotes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from thidua_crawler.extract.text import HO_CHI_MINH, inside_quotes
from thidua_crawler.extract.units import (
    CAP_WORD,
    LOCAL_KINDS,
    Unit,
    find_units,
    role_level,
    role_pattern,
)
from thidua_crawler.vocab import COMMUNE, DISTRICT, NATIONAL, UNKNOWN

#: A person's name: two to four capitalised words ("Nguyễn Văn A", "Trần Sỹ Thanh").
_PERSON = rf"{CAP_WORD}(?: {CAP_WORD}){{1,3}}"
_PERSON_AFTER = re.compile(rf"^ ({_PERSON})(?!\w)")
_PERSON_BEFORE = re.compile(rf"(?:(?:[Ôô]ng|[Bb]à|[Đđ]ồng chí) )?({_PERSON})(?:, |\s?[-–] )$")
#: What joins stacked positions.
_STACK_JOIN = re.compile(r"^(?:, |,? kiêm | và )$")
#: Before an actor: it is not the one acting ("của UBND", "thuộc quận", "ngày thành lập quận").
_GOVERNED = re.compile(r"(?:\b(?:của|thuộc|tại|ở|về|với|cho|theo|Theo|giữa|tới|đến|cùng|trên địa bàn|"
                       r"thành lập|đối với|do|được|Ngày|ngày|chào mừng|hướng tới|tiến tới|kỷ niệm|"
                       # "bầu ... đại biểu HĐND các cấp", "Ngày truyền thống Hội ...": not the actor
                       r"đại biểu|bầu cử|truyền thống|vinh dự|danh hiệu|phối hợp)"
                       # "khẳng định của đồng chí Chủ tịch ...": the honorific does not free it
                       r"(?:\s+(?:đồng chí|ông|bà))?)\s*$")
#: Bodies the state runs rank before Party committees, and both before clusters and associations.
_STATE = re.compile(r"^(?:UBND|Ủy ban nhân dân|HĐND|Hội đồng nhân dân|Sở|Bộ|Chính phủ)\b")
_PARTY = re.compile(r"ủy\b|uỷ\b")
_NOT_AN_ACTOR = re.compile(HO_CHI_MINH)
_DASH = re.compile(r"\s?[-–]\s?")
_AND = re.compile(r" và |, ")
#: A province or centrally-run city named alone, after a unit in it.
_PROVINCE_ALONE = re.compile(r"TP\.? ?HCM|TPHCM|TP\.? Hà Nội|Hà Nội|(?:tỉnh|thành phố|TP) [A-ZĐ]\S*(?: \S+)?")
_BELOW_PROVINCE = frozenset({DISTRICT, COMMUNE})
#: A unit that is a place alone ("xã Cổ Bi", "huyện Gia Lâm").
_PLACE_ONLY = re.compile(r"(?i:" + "|".join(LOCAL_KINDS) + r") \S")
#: An actor who attends ("Thủ tướng ... đã dự hội nghị ...") is a guest, not the one who launches.
_ATTENDS = re.compile(rf"^(?: {CAP_WORD}(?: {CAP_WORD}){{1,3}})?,?\s*(?:(?:đã|cũng|về)\s+)*"
                      # (not "đã đến dự và phát động": a guest who also launches)
                      r"(?:dự|tham dự|chứng kiến|đến dự)\b(?!\s+và\s*$)")


@dataclass(frozen=True)
class Actor:
    start: int
    end: int
    person: str | None
    position: str | None
    body: Unit | None

    def record(self) -> dict[str, str | None]:
        """The launcher fields: the surface strings, and a level and unit researchers can group by."""
        level = self.body.level if self.body else None
        if level is None and self.position:
            level = role_level(self.position)
        return {
            "person": self.person,
            "position": self.position,
            "body": self.body.text if self.body else None,
            "level": level or UNKNOWN,
            "unit": self.body.unit if self.body else None,
        }


def actors(text: str) -> list[Actor]:
    """Every actor named in a text, in reading order."""
    units = find_units(text)
    pieces = _positions(text, units)
    found = _around_person([_stack(text, group, units) for group in _stacks(text, pieces)])
    taken = [(a.start, a.end) for a in found]
    for unit in units:
        if any(s <= unit.start < e for s, e in taken):
            continue
        if role_pattern().fullmatch(unit.text):  # "Thủ tướng", "Chủ tịch nước": a position
            found.append(Actor(unit.start, unit.end, None, unit.text, None))
        else:
            found.append(Actor(unit.start, unit.end, None, None, unit))
    return _joined_places(text, _appositions(text, sorted(found, key=lambda a: a.start)))


def _around_person(found: list[Actor]) -> list[Actor]:
    """ "Thủ tướng Phạm Minh Chính, Chủ tịch Hội đồng Thi đua - Khen thưởng Trung ương": positions
    on both sides of one person are one actor holding both."""
    merged: list[Actor] = []
    for actor in found:
        last = merged[-1] if merged else None
        if last and last.person and actor.person == last.person and actor.start < last.end:
            bodies = [b for b in (last.body, actor.body) if b is not None]
            merged[-1] = Actor(last.start, actor.end, last.person,
                               f"{last.position}, {actor.position}",
                               min(bodies, key=_rank) if bodies else None)
        else:
            merged.append(actor)
    return merged


def _joined_places(text: str, found: list[Actor]) -> list[Actor]:
    """ "xã Dương Quang và xã Cổ Bi tổ chức ...": places of one kind acting together are one
    actor, named as written."""
    merged: list[Actor] = []
    for actor in found:
        last = merged[-1] if merged else None
        if (last and _PLACE_ONLY.match(last.body.text if last.body else "")
                and _PLACE_ONLY.match(actor.body.text if actor.body else "")
                and last.body.level == actor.body.level and not last.position
                and not actor.position and _AND.fullmatch(text, last.end, actor.start)):
            joined = text[last.start : actor.end]
            merged[-1] = Actor(last.start, actor.end, None, None,
                               Unit(joined, last.start, actor.end, joined, actor.body.level))
        else:
            merged.append(actor)
    return merged


def _appositions(text: str, found: list[Actor]) -> list[Actor]:
    """ "UBND huyện Mê Linh - Cụm trưởng Cụm thi đua số 9": a unit named with the role it holds
    is one actor, the unit; so is "UBND phường Hòa Hưng, TPHCM" (a unit and the province it is
    in)."""
    merged: list[Actor] = []
    for actor in found:
        last = merged[-1] if merged else None
        if last and last.body and actor.body and not actor.position and (
                text[last.end : actor.start] == ", " and _PROVINCE_ALONE.fullmatch(actor.body.text)
                and last.body.level in _BELOW_PROVINCE):
            merged[-1] = Actor(last.start, actor.end, last.person, last.position, last.body)
        elif (last and last.position is None and last.body and actor.position and not actor.person
                and _DASH.fullmatch(text[last.end : actor.start])):
            merged[-1] = Actor(last.start, actor.end, None, None, last.body)
        else:
            merged.append(actor)
    return merged


def subject_before(text: str, end: int) -> Actor | None:
    """The actor of a verb at ``end``: the last actor before it that nothing else governs."""
    candidates = [a for a in actors(text[:end]) if _free(text, a)]
    if not candidates or _ATTENDS.match(text[candidates[-1].end : end]):
        return None
    return candidates[-1]


def actor_at(text: str) -> Actor | None:
    """The actor a text opens with ("Chủ tịch UBND quận X Nguyễn Văn A kêu gọi ...")."""
    found = actors(text)
    return found[0] if found and found[0].start == 0 else None


def _free(text: str, actor: Actor) -> bool:
    before = text[: actor.start]
    if before.count("(") > before.count(")") or inside_quotes(text, actor.start):
        return False
    return not (_GOVERNED.search(before) or _NOT_AN_ACTOR.match(text, actor.start))


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    unit: Unit | None
    person_follows: bool


def _positions(text: str, units: list[Unit]) -> list[_Piece]:
    """Each role with its unit ("Chủ tịch UBND quận X"), alone before a name ("Chủ tịch Nguyễn Đức
    Chung"), or alone inside a stack ("Thủ tướng Chính phủ, Chủ tịch Hội đồng ...")."""
    by_start = {u.start: u for u in units}
    pieces = []
    for role in role_pattern().finditer(text):
        if _NOT_AN_ACTOR.match(text, role.start()):
            continue
        unit = by_start.get(role.end() + 1)
        if unit is not None:
            pieces.append(_Piece(role.start(), unit.end, unit, False))
        elif _PERSON_AFTER.match(text[role.end() :]):
            pieces.append(_Piece(role.start(), role.end(), None, True))
        elif text.startswith(", ", role.end()):
            pieces.append(_Piece(role.start(), role.end(), None, False))
    pieces = [p for i, p in enumerate(pieces) if not (i and p.start < pieces[i - 1].end)]
    # a role standing alone only counts as the first part of a stack
    return [p for i, p in enumerate(pieces)
            if p.unit or p.person_follows or (i + 1 < len(pieces) and pieces[i + 1].start == p.end + 2)]


def _stacks(text: str, pieces: list[_Piece]) -> list[list[_Piece]]:
    groups: list[list[_Piece]] = []
    for piece in pieces:
        if groups and _STACK_JOIN.match(text[groups[-1][-1].end : piece.start]):
            groups[-1].append(piece)
        else:
            groups.append([piece])
    return groups


def _stack(text: str, group: list[_Piece], units: list[Unit]) -> Actor:
    start, end = group[0].start, group[-1].end
    position = text[start:end]
    person = None
    after = _PERSON_AFTER.match(text[end:])
    before = _PERSON_BEFORE.search(text[:start])
    if before and any(u.start <= before.start(1) < u.end for u in units):
        before = None  # "UBND huyện Mê Linh - Cụm trưởng ...": a place's name, not a person's
    if after:
        person = after.group(1)
        end += after.end()
    elif before:
        person = before.group(1)
        start = before.start()
    bodies = [p.unit for p in group if p.unit is not None]
    # "Thủ tướng Chính phủ, Chủ tịch Hội đồng ...": the Government is the state body of the stack
    bodies += [Unit("Chính phủ", p.end - len("Chính phủ"), p.end, "Chính phủ", NATIONAL)
               for p in group if p.unit is None and text.endswith("Chính phủ", p.start, p.end)]
    body = min(bodies, key=_rank) if bodies else None
    return Actor(start, end, person, position, body)


def _rank(unit: Unit) -> int:
    if _STATE.match(unit.text):
        return 0
    return 1 if _PARTY.search(unit.text) else 2

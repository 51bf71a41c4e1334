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

from thidua_crawler.extract.units import CAP_WORD, Unit, find_units, role_level, role_pattern

#: A person's name: two to four capitalised words ("Nguyễn Văn A", "Trần Sỹ Thanh").
_PERSON = rf"{CAP_WORD}(?: {CAP_WORD}){{1,3}}"
_PERSON_AFTER = re.compile(rf"^ ({_PERSON})(?!\w)")
_PERSON_BEFORE = re.compile(rf"(?:(?:[Ôô]ng|[Bb]à|[Đđ]ồng chí) )?({_PERSON})(?:, | - | – )$")
#: What joins stacked positions.
_STACK_JOIN = re.compile(r"^(?:, |,? kiêm | và )$")
#: Roles that make a position on their own, without a unit ("Tỉnh ủy viên", "Chủ tịch" + name).
_ROLE_ALONE = re.compile(r"(?:Tỉnh|Thành|Quận|Huyện) ủy viên|Ủy viên")
#: Before an actor: it is not the one acting ("của UBND", "thuộc quận", "ngày thành lập quận").
_GOVERNED = re.compile(r"(?:\b(?:của|thuộc|tại|ở|về|với|cho|theo|Theo|giữa|tới|đến|cùng|trên địa bàn|"
                       r"thành lập|đối với|do|được|Ngày|ngày))\s*$")
#: Bodies the state runs rank before Party committees, and both before clusters and associations.
_STATE = re.compile(r"^(?:UBND|Ủy ban nhân dân|HĐND|Hội đồng nhân dân|Sở|Bộ|Chính phủ)\b")
_PARTY = re.compile(r"ủy\b|uỷ\b")
_NOT_AN_ACTOR = re.compile(r"Chủ tịch Hồ Chí Minh|Bác Hồ")


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
            "level": level or "unknown",
            "unit": self.body.unit if self.body else None,
        }


def actors(text: str) -> list[Actor]:
    """Every actor named in a text, in reading order."""
    units = find_units(text)
    pieces = _positions(text, units)
    found = [_stack(text, group) for group in _stacks(text, pieces)]
    taken = [(a.start, a.end) for a in found]
    for unit in units:
        if not any(s <= unit.start < e for s, e in taken):
            found.append(Actor(unit.start, unit.end, None, None, unit))
    return sorted(found, key=lambda a: a.start)


def subject_before(text: str, end: int) -> Actor | None:
    """The actor of a verb at ``end``: the last actor before it that nothing else governs."""
    candidates = [a for a in actors(text[:end]) if _free(text, a)]
    return candidates[-1] if candidates else None


def actor_at(text: str) -> Actor | None:
    """The actor a text opens with ("Chủ tịch UBND quận X Nguyễn Văn A kêu gọi ...")."""
    found = actors(text)
    return found[0] if found and found[0].start == 0 else None


def _free(text: str, actor: Actor) -> bool:
    before = text[: actor.start]
    if before.count("(") > before.count(")") or before.count("“") > before.count("”"):
        return False
    if before.count('"') % 2:
        return False
    return not (_GOVERNED.search(before) or _NOT_AN_ACTOR.match(text, actor.start))


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    unit: Unit | None
    person_follows: bool


def _positions(text: str, units: list[Unit]) -> list[_Piece]:
    """Each role with its unit ("Chủ tịch UBND quận X"), or alone when a name or another role follows."""
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
        elif _ROLE_ALONE.fullmatch(role.group(0)) and text.startswith(", ", role.end()):
            pieces.append(_Piece(role.start(), role.end(), None, False))
    return [p for i, p in enumerate(pieces) if not (i and p.start < pieces[i - 1].end)]


def _stacks(text: str, pieces: list[_Piece]) -> list[list[_Piece]]:
    groups: list[list[_Piece]] = []
    for piece in pieces:
        if groups and _STACK_JOIN.match(text[groups[-1][-1].end : piece.start]):
            groups[-1].append(piece)
        else:
            groups.append([piece])
    return groups


def _stack(text: str, group: list[_Piece]) -> Actor:
    start, end = group[0].start, group[-1].end
    position = text[start:end]
    person = None
    after = _PERSON_AFTER.match(text[end:])
    before = _PERSON_BEFORE.search(text[:start])
    if after:
        person = after.group(1)
        end += after.end()
    elif before:
        person = before.group(1)
        start = before.start()
    bodies = [p.unit for p in group if p.unit is not None]
    body = min(bodies, key=_rank) if bodies else None
    return Actor(start, end, person, position, body)


def _rank(unit: Unit) -> int:
    if _STATE.match(unit.text):
        return 0
    return 1 if _PARTY.search(unit.text) else 2

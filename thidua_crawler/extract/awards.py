"""Award counts: how many collectives and individuals were commended, at what level, how.

A count is a number directly before "tập thể" / "cá nhân" in a clause that
speaks of commendation. Its level comes from a "cấp ..." marker in its
clause, else from the conferring authority or the form; a total followed by
"trong đó ..." is linked to its parts by ``part_of`` and checked against
their sum. docs/extraction.md lists every rule with examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from thidua_crawler.extract.numbers import NUMBER_DIGITS, NUMBER_WORDS, parse_digits, parse_words
from thidua_crawler.extract.text import Sentence

_APPROX = r"(?:(?P<approx>[Gg]ần|[Hh]ơn|[Tt]rên|[Kk]hoảng|[Xx]ấp xỉ|[Nn]gót|[Cc]hừng|[Tt]ới)\s+)?"


def _num(group: str) -> str:
    """A count in digits or words, captured as ``<group>d`` or ``<group>w``."""
    return (rf"(?<![\w/.,])(?:(?P<{group}d>{NUMBER_DIGITS})"
            rf"|(?P<{group}w>(?i:{NUMBER_WORDS})))")



_UNIT = r"\s*(?:lượt\s+)?"
_COLLECTIVE = r"tập thể"
_INDIVIDUAL = r"cá nhân"
_COUNT = re.compile(
    _APPROX
    + r"(?:"
    # "6 tập thể và 1 cá nhân" / "12 cá nhân và 3 tập thể"
    + _num("a") + _UNIT + r"(?P<first>" + _COLLECTIVE + "|" + _INDIVIDUAL + r")"
    + r"(?:\s*(?:,|và|cùng)\s*(?:(?P<second_combined>" + _COLLECTIVE + "|" + _INDIVIDUAL + r")\b"
    + r"|" + _num("b") + _UNIT + r"(?P<second>" + _COLLECTIVE + "|" + _INDIVIDUAL + r")))?"
    + r")"
)

#: Words that make a clause about commendation.
_AWARD_CUE = re.compile(
    r"khen thưởng|[Bb]ằng khen|[Gg]iấy khen|Cờ|[Hh]uân chương|Huy chương|[Dd]anh hiệu|"
    r"[Cc]hiến sĩ thi đua|[Ll]ao động tiên tiến|[Tt]ập thể lao động|[Tt]uyên dương|"
    r"[Bb]iểu dương|[Vv]inh danh|[Aa]nh hùng|[Nn]hà giáo (?:nhân dân|ưu tú)|"
    r"[Tt]hầy thuốc (?:nhân dân|ưu tú)|[Nn]ghệ sĩ (?:nhân dân|ưu tú)|\bkhen\b"
)
#: Things handed out that are not state commendations: contest prizes, party badges, sports.
_NOT_COMMENDATION = re.compile(
    r"\bgiải (?:[Nn]hất|[Nn]hì|[Bb]a|[Tt]ư|[Kk]huyến khích|[Đđ]ặc biệt|[A-D]\b)|đạt giải|trao giải|"
    r"[Hh]uy hiệu|[Hh]uy chương (?:[Vv]àng|[Bb]ạc|[Đđ]ồng)|suất quà|phần quà|\bquà\b|học bổng"
)
#: A count followed by these is about taking part, not being commended.
_NOT_RECIPIENTS_AFTER = re.compile(
    r"^\s*(?:,\s*)?(?:đã\s+|đang\s+)?(?:tham dự|tham gia|dự thi|đăng ký|có mặt|dự\b|nhận quà|"
    r"được hỗ trợ|được tặng quà|ủng hộ|đóng góp|trong tổng số|/)"
)

_LEVEL_MARKERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"cấp [Nn]hà nước"), "national"),
    (re.compile(r"cấp [Bb]ộ,? (?:[Nn]gành,? )?(?:và |, )?(?:[Tt]rung ương,? )?(?:và )?[Tt]hành phố"),
     "central_or_city"),
    (re.compile(r"cấp (?:[Bb]ộ|[Nn]gành|[Tt]rung ương)(?:,? (?:[Nn]gành|[Tt]rung ương))?"), "central"),
    (re.compile(r"cấp [Tt]hành phố"), "city"),
    (re.compile(r"cấp (?:[Qq]uận|[Hh]uyện|[Tt]hị xã)"), "district"),
    (re.compile(r"cấp (?:[Pp]hường|[Xx]ã|[Tt]hị trấn)"), "commune"),
    (re.compile(r"cấp cơ sở"), "grassroots"),
)
_AUTHORITIES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[Cc]hiến sĩ thi đua cơ sở|[Ll]ao động tiên tiến"), "grassroots"),
    (re.compile(r"[Cc]hiến sĩ thi đua toàn quốc"), "national"),
    (re.compile(r"[Cc]hiến sĩ thi đua (?:thành phố|cấp thành phố)"), "city"),
    (re.compile(r"Chủ tịch nước|Nhà nước|Thủ tướng(?: Chính phủ)?|Chính phủ|Quốc hội"), "national"),
    (re.compile(r"(?:Chủ tịch )?(?:UBND|Ủy ban nhân dân) (?:thành phố|TP)|[Tt]hành phố Hà Nội|"
                r"Thành ủy|HĐND thành phố|Cờ thi đua (?:của )?[Tt]hành phố|"
                r"Bằng khen (?:của )?[Tt]hành phố"), "city"),
    (re.compile(r"Bộ trưởng|Bộ [A-ZĐ]\w*|Trung ương|Tổng Liên đoàn|Ban Chấp hành Trung ương"),
     "central"),
    (re.compile(r"(?:Chủ tịch )?(?:UBND|Ủy ban nhân dân) (?:quận|huyện|thị xã)|Quận ủy|Huyện ủy|"
                r"Thị ủy|(?:[Qq]uận|[Hh]uyện|[Tt]hị xã) [A-ZĐ]\w*(?: [A-ZĐ]\w*)*(?: đã)? khen thưởng"),
     "district"),
    (re.compile(r"(?:Chủ tịch )?(?:UBND|Ủy ban nhân dân) (?:phường|xã|thị trấn)|Đảng ủy (?:phường|xã)"),
     "commune"),
    (re.compile(r"Hiệu trưởng|(?:Tổng )?Giám đốc|Thủ trưởng (?:cơ quan|đơn vị)|cấp cơ sở"),
     "grassroots"),
)
_AUTHORITY_NAME = (
    r"(?:Phó )?(?:Chủ tịch nước|Thủ tướng Chính phủ|Chính phủ|"
    r"Chủ tịch (?:UBND|Ủy ban nhân dân) (?:thành phố|quận|huyện|thị xã|phường|xã)|"
    r"(?:UBND|Ủy ban nhân dân) (?:thành phố|quận|huyện|thị xã|phường|xã)|"
    r"Bộ trưởng Bộ|Ban Thường vụ|Tổng Liên đoàn|Trung ương|Hiệu trưởng|(?:Tổng )?Giám đốc)"
    r"(?: [A-ZĐÂĂÊÔƠƯ][\w-]*)*"
)
#: Who conferred it: "của Chủ tịch UBND thành phố Hà Nội", or the subject of "tặng".
_CONFERRED_BY = re.compile(r"(?:của|do)\s+(" + _AUTHORITY_NAME + r")")
_CONFERRING_SUBJECT = re.compile(r"(" + _AUTHORITY_NAME + r")\s+(?:đã\s+)?(?:tặng|trao|khen thưởng)")
_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[Hh]uân chương"), "order"),
    (re.compile(r"Huy chương(?! (?:[Vv]àng|[Bb]ạc|[Đđ]ồng))"), "medal"),
    (re.compile(r"[Aa]nh hùng|(?:[Nn]hà giáo|[Tt]hầy thuốc|[Nn]ghệ sĩ|[Nn]ghệ nhân) "
                r"(?:nhân dân|ưu tú)|Bà mẹ Việt Nam"), "honorary_title"),
    (re.compile(r"Bằng khen (?:của )?Thủ tướng"), "pm_certificate"),
    (re.compile(r"Cờ(?: thi đua)?(?=[ ,])"), "emulation_flag"),
    (re.compile(r"[Bb]ằng khen(?! (?:của )?Thủ tướng)"), "certificate"),
    (re.compile(r"[Gg]iấy khen"), "commendation"),
    (re.compile(r"[Cc]hiến sĩ thi đua|[Ll]ao động tiên tiến|[Tt]ập thể lao động (?:xuất sắc|tiên tiến)|"
                r"[Đđ]ơn vị (?:quyết thắng|tiên tiến)"), "emulation_title"),
)
#: A proposal, with the verb it governs ("đề nghị Thủ tướng Chính phủ tặng"), so that verb is
#: not read as an award.
_PROPOSED = re.compile(r"(?:đề nghị|đề xuất|\btrình\b|xét)(?:[^,;.]{0,60}?(?:tặng|khen thưởng|khen)\b)?"
                       r"|hoàn thiện hồ sơ")
_AWARDED = re.compile(r"tặng|trao|được nhận|đón nhận|nhận|được khen thưởng|đã khen thưởng|"
                      r"quyết định khen thưởng|đã thực hiện|khen thưởng (?:cho|đột xuất)|vinh danh|"
                      r"biểu dương|tuyên dương|(?:UBND|Ủy ban nhân dân|Chủ tịch|[Qq]uận|[Hh]uyện|"
                      r"[Pp]hường|[Xx]ã|[Tt]hành phố) [^,;]{0,40}?khen thưởng|"
                      r"được [^;]{0,50}?khen thưởng|đạt danh hiệu|được công nhận|được phong tặng")
#: "gần 1.500" is consistent with parts adding up to within this share of it.
APPROXIMATE_TOLERANCE = 0.05
_YEAR = re.compile(r"(?i:năm)\s+((?:19[4-9]|20\d)\d)\b")
_BREAKDOWN = re.compile(r"[Tt]rong đó|[Cc]ụ thể|[Gg]ồm")


@dataclass
class _Count:
    count: int
    collectives: int | None
    individuals: int | None
    approximate: bool
    start: int
    end: int
    sentence: Sentence
    clause: tuple[int, int]
    level: str = "unknown"
    forms: list[str] = field(default_factory=list)
    status: str = "unknown"
    conferred_by: str | None = None
    year: int | None = None
    part_of: int | None = None
    consistent: bool | None = None
    parts_sum: int | None = None

    def record(self) -> dict[str, Any]:
        s = self.sentence
        data: dict[str, Any] = {
            "count": self.count,
            "collectives": self.collectives,
            "individuals": self.individuals,
            "approximate": self.approximate,
            "level": self.level,
            "forms": self.forms,
            "status": self.status,
            "conferred_by": self.conferred_by,
            "year": self.year,
            "part_of": self.part_of,
            "evidence": s.evidence(),
            "span": {"start": s.start + self.start, "end": s.start + self.end},
        }
        if self.consistent is not None:
            data["consistent"] = self.consistent
            data["parts_sum"] = self.parts_sum
        return data


def extract_award_counts(fields: list[list[Sentence]]) -> list[dict[str, Any]]:
    """Every award count stated in the given fields' sentences, in reading order.

    ``fields`` is the sentences of the body, then the sapo, then the title; a
    statement repeated in a later field (the sapo restating the body) is not
    counted twice.
    """
    found: list[_Count] = []
    for field_sentences in fields:
        field_counts: list[_Count] = []
        for sentence in field_sentences:
            field_counts += _sentence_counts(sentence)
        known = {(c.count, c.collectives, c.individuals) for c in found}
        field_counts = [c for c in field_counts
                        if (c.count, c.collectives, c.individuals) not in known]
        _link_breakdowns(field_counts)
        offset = len(found)
        for c in field_counts:
            if c.part_of is not None:
                c.part_of += offset
        found += field_counts
    return [c.record() for c in found]


def _clauses(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for match in re.finditer(r";", text):
        bounds.append((start, match.start()))
        start = match.end()
    bounds.append((start, len(text)))
    return bounds


def _sentence_counts(sentence: Sentence) -> list[_Count]:
    text = sentence.text
    if not (_AWARD_CUE.search(text) or (_BREAKDOWN.match(text) and _level_marker(text))):
        return []
    counts: list[_Count] = []
    clauses = _clauses(text)
    for match in _COUNT.finditer(text):
        value = _numbers(match)
        if value is None:
            continue
        clause = next(c for c in clauses if c[0] <= match.start() <= c[1])
        clause_text = text[clause[0] : clause[1]]
        level_marker = _level_marker(text[clause[0] : match.start()])
        continues_total = bool(counts) and bool(_BREAKDOWN.search(clause_text))
        if not (_AWARD_CUE.search(clause_text) or level_marker or continues_total):
            continue
        if _NOT_RECIPIENTS_AFTER.search(text[match.end() : match.end() + 30]):
            continue
        total, collectives, individuals = value
        counts.append(_Count(total, collectives, individuals, bool(match.group("approx")),
                             match.start(), match.end(), sentence, clause,
                             level=level_marker or "unknown"))
    for i, c in enumerate(counts):
        segment = _segment(text, counts, i)
        if _NOT_COMMENDATION.search(segment) and not _has_state_form(segment):
            c.count = -1  # a prize or a badge, not a commendation
            continue
        c.forms = _forms(segment)
        after = text[c.end : min(c.clause[1], counts[i + 1].start if i + 1 < len(counts)
                                 else len(text))]
        c.conferred_by = _conferred_by(after) or _conferred_by(segment)
        if "certificate" in c.forms and c.conferred_by and "Thủ tướng" in c.conferred_by:
            c.forms = ["pm_certificate" if f == "certificate" else f for f in c.forms]
        if c.level == "unknown":
            c.level = _authority_level(c.conferred_by or "") or _authority_level(segment) or (
                "national" if {"order", "medal", "honorary_title", "pm_certificate"} & set(c.forms)
                else "unknown")
        c.status = _status(text[: c.start] + segment)
        year = _YEAR.search(text[c.clause[0] :]) or _YEAR.search(text)
        c.year = int(year.group(1)) if year else None
    return [c for c in counts if c.count >= 0]


def _numbers(match: re.Match[str]) -> tuple[int, int | None, int | None] | None:
    first = _value(match, "a")
    if first is None:
        return None
    kind = match.group("first")
    if match.group("second_combined") and match.group("second_combined") != kind:
        return first, None, None  # "34 tập thể, cá nhân": one combined count
    second = _value(match, "b") if match.group("second") else None
    if match.group("second") and second is not None and match.group("second") != kind:
        collectives, individuals = (first, second) if kind == _COLLECTIVE else (second, first)
        return first + second, collectives, individuals
    if kind == _COLLECTIVE:
        return first, first, None
    return first, None, first


def _value(match: re.Match[str], group: str) -> int | None:
    digits = match.group(group + "d")
    if digits:
        return parse_digits(digits)
    words = match.group(group + "w")
    return parse_words(words) if words else None


def _level_marker(before: str) -> str | None:
    """The level named by the last "cấp ..." before a count in its clause."""
    best: tuple[int, str] | None = None
    for pattern, level in _LEVEL_MARKERS:
        for m in pattern.finditer(before):
            if best is None or m.start() > best[0]:
                best = (m.start(), level)
    return best[1] if best else None


def _segment(text: str, counts: list[_Count], i: int) -> str:
    """The words that belong to count i: from the previous count to the next, in its clause."""
    c = counts[i]
    start = max(c.clause[0], counts[i - 1].end if i else 0)
    end = min(c.clause[1], counts[i + 1].start if i + 1 < len(counts) else len(text))
    tail = text[c.end : end]
    cut = re.search(r" và (?:nhiều|các|một số|hàng)", tail)
    if cut:
        end = c.end + cut.start()
    return text[start:end]


def _forms(segment: str) -> list[str]:
    hits = []
    for pattern, form in _FORMS:
        for m in pattern.finditer(segment):
            hits.append((m.start(), form))
    return list(dict.fromkeys(form for _, form in sorted(hits)))


def _has_state_form(segment: str) -> bool:
    return any(form in ("order", "certificate", "commendation", "pm_certificate")
               for form in _forms(segment))


def _conferred_by(text: str) -> str | None:
    match = _CONFERRED_BY.search(text) or _CONFERRING_SUBJECT.search(text)
    return match.group(1) if match else None


def _authority_level(text: str) -> str | None:
    hits = [(m.start(), level) for pattern, level in _AUTHORITIES for m in pattern.finditer(text)]
    return min(hits)[1] if hits else None


def _status(text: str) -> str:
    proposed = bool(_PROPOSED.search(text))
    awarded = bool(_AWARDED.search(_PROPOSED.sub(" ", text)))
    if proposed and not awarded:
        return "proposed"
    if awarded and not proposed:
        return "awarded"
    return "unknown"


def _link_breakdowns(counts: list[_Count]) -> None:
    """Point the parts of "N ..., trong đó a ...; b ..." at their total and check the sum."""
    i = 0
    while i < len(counts):
        total = counts[i]
        parts = []
        for j in range(i + 1, len(counts)):
            candidate = counts[j]
            between = _between(total, candidate)
            if between is None or (not parts and not _BREAKDOWN.search(between)):
                break
            if parts and candidate.sentence is not parts[0].sentence:
                break  # a breakdown is one sentence; what follows it is a new statement
            if candidate.count > total.count:
                break
            parts.append(candidate)
        if parts:
            for part in parts:
                part.part_of = i
                part.year = part.year or total.year
                if part.status == "unknown":
                    part.status = total.status
                if part.level == "unknown":
                    part.level = total.level
            total.parts_sum = sum(p.count for p in parts)
            tolerance = APPROXIMATE_TOLERANCE * total.count if total.approximate else 0
            total.consistent = abs(total.parts_sum - total.count) <= tolerance
            levels = {p.level for p in parts}
            if len(levels) > 1:
                total.level = "unknown"
            i += len(parts) + 1
        else:
            i += 1


def _between(first: _Count, second: _Count) -> str | None:
    """The text between two counts when they are in the same or adjacent sentences."""
    a, b = first.sentence, second.sentence
    if a is b:
        return a.text[first.end : second.start]
    if a.field == b.field and 0 <= b.start - a.end <= 3:
        return a.text[first.end :] + " " + b.text[: second.start]
    return None

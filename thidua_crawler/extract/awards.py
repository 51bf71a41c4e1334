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
from thidua_crawler.extract.text import Sentence, inside_quotes
from thidua_crawler.extract.units import CAP_WORD, KIND_LEVELS, ROLES, bare_name_pattern, find_units
from thidua_crawler.vocab import (
    AWARDED,
    CENTRAL,
    CENTRAL_OR_CITY,
    CITY,
    GRASSROOTS,
    NATIONAL,
    PROPOSED,
    UNKNOWN,
)

#: Stands for the count in the text a status is read from, so patterns can anchor on it.
_COUNT_MARK = "\x00"
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
    + _num("a") + _UNIT + r"(?P<first>(?i:" + _COLLECTIVE + "|" + _INDIVIDUAL + r"))"
    # "1.780 cá nhân và tập thể lao động tiên tiến cho 88 tập thể": a title, not "and collectives"
    + r"(?:\s*(?:,|và|cùng)\s*(?:(?P<second_combined>" + _COLLECTIVE + "|" + _INDIVIDUAL
    + r")\b(?! [Ll]ao động)"
    + r"|(?:(?P<approx_b>[Gg]ần|[Hh]ơn|[Tt]rên|[Kk]hoảng)\s+)?"
    + _num("b") + _UNIT + r"(?P<second>" + _COLLECTIVE + "|" + _INDIVIDUAL + r")))?"
    + r")"
)

#: Words that make a clause about commendation.
_AWARD_CUE = re.compile(
    r"[Kk]hen thưởng|[Bb]ằng khen|[Gg]iấy khen|Cờ|cờ thi đua|[Hh]uân chương|Huy chương|[Dd]anh hiệu|"
    r"[Cc]hiến s[ĩỹ] thi đua|CSTĐ|LĐTT|LĐXS|[Ll]ao động tiên tiến|[Tt]ập thể lao động|[Tt]uyên dương|"
    r"[Bb]iểu dương|[Vv]inh danh|[Aa]nh hùng|[Nn]hà giáo (?:nhân dân|ưu tú)|"
    r"[Tt]hầy thuốc (?:nhân dân|ưu tú)|[Nn]ghệ sĩ (?:nhân dân|ưu tú)|\b[Kk]hen\b"
)
#: Things handed out that are not state commendations: contest prizes, party badges, sports.
_NOT_COMMENDATION = re.compile(
    r"\bgiải (?:[Nn]hất|[Nn]hì|[Bb]a|[Tt]ư|[Kk]huyến khích|[Đđ]ặc biệt|[A-D]\b)|đạt giải|trao giải|"
    r"[Hh]uy hiệu(?! (?:TP|[Tt]hành phố))|[Hh]uy chương (?:[Vv]àng|[Bb]ạc|[Đđ]ồng)|"
    r"suất quà|phần quà|\bquà\b|học bổng"
)
#: A count followed by these is about taking part, not being commended.
_NOT_RECIPIENTS_AFTER = re.compile(
    r"^\s*(?:,\s*)?(?:đã\s+|đang\s+)?(?:tham dự|tham gia|dự thi|đăng ký|có mặt|dự\b(?! kiến)|nhận quà|"
    r"được hỗ trợ|được tặng quà|ủng hộ|đóng góp|trong tổng số|/|"
    # "02 tập thể và 10 cá nhân được chọn đi dự Hội nghị điển hình tiên tiến": delegates
    r"được (?:lựa )?chọn (?:đi )?(?:dự|tham dự|tham gia)\b|được cử\b|đi dự\b)"
)

_LEVEL_MARKERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"cấp [Nn]hà nước"), "national"),
    (re.compile(r"cấp [Bb]ộ,? (?:[Nn]gành,? )?(?:và |, )?(?:[Tt]rung ương,? )?(?:và )?[Tt]hành phố"),
     "central_or_city"),
    (re.compile(r"cấp (?:[Bb]ộ|[Nn]gành|[Tt]rung ương)(?:,? (?:[Nn]gành|[Tt]rung ương))?"), "central"),
    (re.compile(r"cấp (?:[Tt]hành phố|[Tt]ỉnh|TP)"), "city"),
    (re.compile(r"cấp (?:[Qq]uận|[Hh]uyện|[Tt]hị xã)"), "district"),
    (re.compile(r"cấp (?:[Pp]hường|[Xx]ã|[Tt]hị trấn)"), "commune"),
    (re.compile(r"cấp cơ sở"), "grassroots"),
)
#: Verbs of conferring, after which the unit before them is the conferring authority.
_AWARD_VERB = (r"(?:trao tặng|tặng thưởng|tặng|trao|[Kk]hen thưởng|[Bb]iểu dương|[Tt]uyên dương|"
               r"[Vv]inh danh|phong tặng|truy tặng|(?:ký )?quyết định khen thưởng|công nhận|khen)(?!\w)")
_ADVERBS = (r"(?:(?:đã|cũng|vừa|sẽ|chính thức|long trọng|trân trọng|trang trọng|đồng thời|"
            r"quyết định|xét|xem xét,?)\s+)*"
            r"(?:tổ chức (?:(?:hội nghị|lễ|buổi lễ)\s+)?)?"
            # "đã ký quyết định 1006/QĐ-UBND về việc khen thưởng ..."
            r"(?:(?:ký|ban hành)\s+(?:các\s+)?[Qq]uyết định(?:\s+số)?(?:\s+[\w/.-]*\d[\w/.-]*)?"
            r"(?:\s+(?:về việc|về))?\s+)?")
#: "<unit> [person] [đã] tặng ...", "Quận Hà Đông: Khen thưởng ...": the unit confers.
#: Between a unit and its verb: the person, with a rank or title ("Giám đốc Công an TP Hà Nội,
#: Trung tướng Nguyễn Hải Trung trao ...").
_PERSON_NAMED = (rf"(?:,?\s*(?:(?:Đại|Thượng|Trung|Thiếu) (?:tướng|tá|úy)|[Đđ]ồng chí|[Ôô]ng|[Bb]à)?"
                 rf"\s*{CAP_WORD}(?: {CAP_WORD}){{1,3}})?")
_CONFERS_AFTER = re.compile(rf"^{_PERSON_NAMED}\s*[:,]?\s*{_ADVERBS}{_AWARD_VERB}")
#: "Bằng khen của <unit>", "khen thưởng ... của <unit>": the unit confers the form named before.
_FORM_OF = re.compile(r"(?:[Kk]hen thưởng|[Tt]rao thưởng|[Bb]ằng khen|[Gg]iấy khen|Cờ(?: [Tt]hi đua)?|"
                      r"cờ thi đua|[Cc]hiến s[ĩỹ] thi đua|"
                      r"[Dd]anh hiệu|[Hh]uân chương|[Hh]uy chương|[Hh]uy hiệu|[Qq]uyết(?: định)?|"
                      r"[Kk]ỷ niệm chương)"
                      # "Bằng khen của Bộ trưởng Bộ Y tế": the unit after its head's title
                      rf"(?:[^,;.:\d]{{0,45}}?\s(?:của|do)\s+(?:(?:{ROLES})\s+)?|\s+)$")
#: "khen thưởng ... của quận", "để huyện trao khen thưởng": a unit named by its kind alone.
_BARE_KIND = re.compile(r"(?<![\w-])(?:quận|huyện|thị xã|thành phố|tỉnh|phường|xã)(?! [A-ZĐ])(?!\w)")
#: An award verb with no subject of its own: "..., tổ chức hội nghị và tuyên dương 21 tập thể".
_AWARD_VERB_RE = re.compile(_AWARD_VERB)
#: ("xét, tặng" is one predicate: consider and confer.)
_SUBJECTLESS_VERB = re.compile(rf"(?:^|(?<!xét)[,;]|\svà|đồng thời)\s*{_ADVERBS}{_AWARD_VERB}")
_AND_CITY = re.compile(r"\s(?:và|,)\s(?:của\s)?(?:UBND\s)?(?:thành phố|TP)\b")
_CENTRE_AND = re.compile(r"(?:Trung ương|[Bb]ộ,? (?:[Nn]gành )?)\s?(?:và|,)\s$")
_CITY_AND = re.compile(r"(?:UBND|Ủy ban nhân dân)\s(?:tỉnh|thành phố|TP)(?:\s[A-ZĐ]\w*){0,3},?\s(?:và\s)?"
                       r"(?:các\s)?(?:[Bb]ộ,?\s)?(?:[Nn]gành\s)?$")
#: A head of a unit confers at the grassroots level, whatever the unit ("Giám đốc Công an TP").
_HEAD_ROLE = r"(?:(?:Phó |Tổng )?Giám đốc|Hiệu trưởng|Thủ trưởng)"
_HEAD_OF_UNIT = re.compile(rf"{_HEAD_ROLE}\s+$")
_ROLE_BEFORE = re.compile(rf"(?:{ROLES})\s+$")
#: A head who confers without naming the unit: "Hiệu trưởng nhà trường tặng Giấy khen".
_HEAD_CONFERS = re.compile(rf"(?:{_HEAD_ROLE}(?: (?:nhà trường|đơn vị|cơ quan|doanh nghiệp|công ty|"
                           rf"{CAP_WORD}(?: [^\s,;.:]+){{0,4}}?))?"
                           # "Dịp này, tổng công ty đã khen thưởng 29 cá nhân": an enterprise that
                           # opens its clause confers
                           rf"|(?:^|(?<=[,;:] ))(?:[Tt]ổng công ty|[Cc]ông ty|[Dd]oanh nghiệp|[Nn]hà trường))"
                           rf"(?=\s+{_ADVERBS}{_AWARD_VERB})")
#: Titles conferred at the grassroots, for a count with no authority of its own (a national or
#: city emulation fighter is left to its authority or its "cấp").
_TITLE_LEVELS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[Cc]hiến s[ĩỹ] thi đua cơ sở|CSTĐ cơ sở|[Ll]ao động tiên tiến|LĐTT|"
                r"[Tt]ập thể lao động tiên tiến"), "grassroots"),
)
#: Forms only the state confers (orders, state medals, honorary titles, the PM's certificate).
_NATIONAL_FORMS = frozenset({"order", "medal", "honorary_title", "pm_certificate"})
#: Words before a unit that make it something other than the actor: "thuộc", "tại", "ở".
_NOT_ACTOR_BEFORE = re.compile(r"(?:thuộc|tại|ở|trên địa bàn|thành lập|đối với|cho|với)\s+$")
_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[Hh]uân chương"), "order"),
    (re.compile(r"Huy chương(?! (?:[Vv]àng|[Bb]ạc|[Đđ]ồng))"), "medal"),
    (re.compile(r"[Aa]nh hùng|(?:[Nn]hà giáo|[Tt]hầy thuốc|[Nn]ghệ sĩ|[Nn]ghệ nhân) "
                r"(?:nhân dân|ưu tú)|Bà mẹ Việt Nam"), "honorary_title"),
    (re.compile(r"[Bb]ằng khen (?:của )?Thủ tướng"), "pm_certificate"),
    (re.compile(r"Cờ(?: thi đua)?(?=[ ,])|cờ thi đua"), "emulation_flag"),
    (re.compile(r"[Bb]ằng khen(?! (?:của )?Thủ tướng)"), "certificate"),
    (re.compile(r"[Gg]iấy khen"), "commendation"),
    (re.compile(r"[Cc]hiến s[ĩỹ] thi đua|CSTĐ|[Ll]ao động tiên tiến|LĐTT|LĐXS|"
                r"[Tt]ập thể [Ll]ao động (?:xuất sắc|tiên tiến)|[Dd]anh hiệu thi đua|"
                r"[Đđ]ơn vị (?:quyết thắng|tiên tiến)"), "emulation_title"),
)
_COMMENDED = re.compile(r"[Kk]hen thưởng|[Tt]rao thưởng|[Bb]iểu dương|[Tt]uyên dương|[Vv]inh danh")
_OTHER_FORM = re.compile(r"[Dd]anh [hd]iệu|[Hh]uy hiệu (?:TP|[Tt]hành phố)|"
                         r"[Cc]ông dân (?:Thủ đô )?ưu tú")
#: A proposal, with the verb it governs ("đề nghị Thủ tướng Chính phủ tặng"), so that verb is
#: not read as an award. "theo đề nghị của ..." (at someone's proposal) is an award made;
#: "Chương trình", "công trình", "truy xét" are not proposals.
_PROPOSED = re.compile(r"(?<!theo )(?:[Đđ]ề nghị|[Đđ]ề xuất|Tờ trình|"
                       r"\btrình (?=Thủ tướng|Chủ tịch|cấp|UBND|Hội đồng|Chính phủ|Bộ)|"
                       r"\bxét,? (?=tặng|khen|duyệt|công nhận|đề nghị)|dự kiến)"
                       r"(?:[^,;.]{0,60}?(?:tặng|khen thưởng|khen)\b)?|hoàn thiện hồ sơ")
_AWARDED = re.compile(r"[Tt]ặng|[Tt]rao|được nhận|đón nhận|nhận|được khen thưởng|đã khen thưởng|"
                      r"đã khen\b|"
                      r"quyết định khen thưởng|đã thực hiện|khen thưởng (?:cho|đột xuất)|vinh danh|"
                      r"biểu dương|tuyên dương|(?:UBND|Ủy ban nhân dân|Chủ tịch|[Qq]uận|[Hh]uyện|"
                      r"[Pp]hường|[Xx]ã|[Tt]hành phố) [^,;]{0,40}?khen thưởng|"
                      r"được [^;]{0,50}?khen thưởng|đạt danh hiệu|được công nhận|được phong tặng|"
                      # a verb right before the count: "Khen thưởng 707 tập thể", "tôn vinh 122 ..."
                      rf"(?:[Kk]hen thưởng|[Tt]ôn vinh|[Bb]iểu dương|[Tt]uyên dương)(?: [a-zđ ]{{0,20}})?"
                      rf"\s+(?:cho\s+)?{_COUNT_MARK}")
_BOTH = re.compile(r"(?:thực hiện|khen thưởng) và đề nghị")
#: "gần 1.500" is consistent with parts adding up to within this share of it.
APPROXIMATE_TOLERANCE = 0.05
_YEAR = re.compile(r"(?i:năm)\s+((?:19[4-9]|20\d)\d)\b")
_BREAKDOWN = re.compile(r"[Tt]rong đó|[Cc]ụ thể|[Gg]ồm")
#: Between a "cấp ..." marker and the count it introduces ("cấp quận 685 tập thể", "cấp tỉnh: 60").
_LEADS_TO_COUNT = re.compile(r"\s*(?::|với|có|là|gồm)?\s*(?:(?:gần|hơn|trên|khoảng)\s+)?")
#: A sentence that spells out the previous one's total: "(Trong đó, ...", or one after "... gồm:".
_BREAKDOWN_OPENING = re.compile(r"^\(?\s*(?:[Tt]rong đó|[Cc]ụ thể|[Gg]ồm)\b")
_BREAKDOWN_ENDING = re.compile(r"(?:[Tt]rong đó|[Cc]ụ thể|[Gg]ồm|như sau)\s*:\s*$")
#: A sentence that is only a form and its recipients ("Bằng khen của Thủ tướng cho 7 cá nhân.").
_FORM_FIRST = re.compile(r"(?:[Bb]ằng khen|[Gg]iấy khen|[Cc]ờ|[Hh]uân chương|[Hh]uy chương|[Dd]anh hiệu|"
                         r"[Cc]hiến s[ĩỹ] thi đua)\b")
#: A proposal's verb right before the authority it asks.
_PROPOSING = re.compile(r"(?:[Đđ]ề nghị|[Đđ]ề xuất|\btrình)\s+$")
#: A number of forms, an item of its own in a list ("177 bằng khen của ...,").
_FORM_ITEM = re.compile(r"\b\d[\d.]*\s+(?:[Bb]ằng\s+khen|[Gg]iấy\s+khen|[Cc]ờ|[Cc]hiến s[ĩỹ]|[Hh]uân chương)"
                        r"[^,;]*[,;]")
#: "là một trong ba tập thể dẫn đầu": the count of a group the subject belongs to, not of recipients.
_ONE_OF = re.compile(r"một trong\s+$")
#: What may open a list item that is only a count ("...; 1 cá nhân thuộc Bệnh viện ...").
_LIST_ITEM_OPENING = re.compile(r"\s*(?:(?:và|cùng)\s+|[-–+•]\s*)?")
#: A clause's own predicate: a list item with one does not share the previous item's.
_OWN_PREDICATE = re.compile(r"(?<![Bb]ằng )(?<![Gg]iấy )(?:" + _AWARD_VERB
                            + r"|\bnhận\b|\bđạt\b|[Đđ]ề nghị|[Đđ]ề xuất|\bxét\b)", re.IGNORECASE)
#: Between "N tập thể" and "M cá nhân" that are one pair although names stand between them:
#: "4 tập thể là Trường A (X), Trường B (Y) và 43 cá nhân nhận Bằng khen".
_APPOSITION = re.compile(r"^\s*(?:là|gồm)\s[^\d;:]*\s(?:và|cùng)\s*$")
#: The same with the recipient's name right after the count: "01 tập thể Vụ Đánh giá, Thẩm định
#: và Giám định công nghệ và 01 cá nhân ông ..." (the name starts with a capital letter).
_NAMED_APPOSITION = re.compile(r"^\s[^\d;:]*\s(?:và|cùng)\s*$")
#: A "cấp ..." that says what the recipients are, not the award's level: "15 tập thể HĐND cấp xã".
_UNIT_BEFORE_MARKER = re.compile(r"(?:HĐND|UBND|Hội đồng nhân dân|Ủy ban nhân dân|Đảng ủy|chính quyền|"
                                 r"đại biểu|cán bộ|công chức)\s+$")


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
    level: str = UNKNOWN
    forms: list[str] = field(default_factory=list)
    status: str = UNKNOWN
    conferred_by: str | None = None
    year: int | None = None
    #: What set the level (kept so that a list's later items can share it).
    cue: _Cue | None = None
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
        previous: list[_Count] = []
        for sentence in field_sentences:
            continues = bool(previous) and (
                bool(_BREAKDOWN_OPENING.match(sentence.text))
                or bool(_BREAKDOWN_ENDING.search(previous[-1].sentence.text)))
            counts = _sentence_counts(sentence, continues)
            if previous and _FORM_FIRST.match(sentence.text) and not _OWN_PREDICATE.search(
                    sentence.text):
                # "... đề nghị tặng ...; bằng khen ... cho 89 cá nhân. Bằng khen của Thủ tướng
                # Chính phủ cho 7 cá nhân.": a list that runs on past a full stop
                for c in counts:
                    if c.status == UNKNOWN:
                        c.status = previous[-1].status
            previous = counts
            field_counts += counts
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


def _sentence_counts(sentence: Sentence, continues: bool = False) -> list[_Count]:
    """The counts of one sentence. ``continues``: it spells out the previous sentence's total
    ("(Trong đó, có 05 cá nhân ...)", or after "... gồm:"), so it needs no award word of its own."""
    text = sentence.text
    folded = text.lower()
    if _COLLECTIVE not in folded and _INDIVIDUAL not in folded:
        return []  # most sentences: no count can match, so skip the costlier patterns
    if not (continues or _AWARD_CUE.search(text) or (_BREAKDOWN.match(text) and _level_marker(text))):
        return []
    counts: list[_Count] = []
    clauses = _clauses(text)
    for match in _COUNT.finditer(text):
        value = _numbers(match)
        if value is None:
            continue
        clause = next(c for c in clauses if c[0] <= match.start() <= c[1])
        clause_text = text[clause[0] : clause[1]]
        continues_total = continues or (bool(counts) and bool(_BREAKDOWN.search(clause_text)))
        list_item = bool(counts) and counts[-1].clause != clause and bool(
            _LIST_ITEM_OPENING.fullmatch(text, clause[0], match.start()))
        if not (_AWARD_CUE.search(clause_text) or _level_marker(text[clause[0] : match.start()])
                or continues_total or list_item):
            continue
        if _NOT_RECIPIENTS_AFTER.search(text[match.end() : match.end() + 30]) or _ONE_OF.search(
                text, max(0, match.start() - 12), match.start()):
            continue
        total, collectives, individuals = value
        approximate = bool(match.group("approx") or match.group("approx_b"))
        counts.append(_Count(total, collectives, individuals, approximate,
                             match.start(), match.end(), sentence, clause))
    _join_appositions(text, counts)
    cues = _level_cues(text)
    claimed: set[int] = set()
    for i in range(len(counts)):
        _describe(text, counts, i, cues, claimed)
    _share_predicates(text, counts)
    return [c for c in counts if c.count >= 0]


def _join_appositions(text: str, counts: list[_Count]) -> None:
    """ "4 tập thể là Trường A, Trường B và 43 cá nhân": one pair, the names between them."""
    i = 0
    while i + 1 < len(counts):
        a, b = counts[i], counts[i + 1]
        kinds = {a.collectives is None and a.individuals is not None,
                 b.collectives is None and b.individuals is not None}
        single = a.count in (a.collectives, a.individuals) and b.count in (b.collectives,
                                                                           b.individuals)
        between = text[a.end : b.start]
        named = _NAMED_APPOSITION.match(between) and between[1:2].isupper()
        if (a.clause == b.clause and single and kinds == {True, False}
                and (_APPOSITION.match(between) or named)):
            a.collectives = a.collectives if a.collectives is not None else b.collectives
            a.individuals = a.individuals if a.individuals is not None else b.individuals
            a.count, a.end = a.count + b.count, b.end
            del counts[i + 1]
        i += 1


def _share_predicates(text: str, counts: list[_Count]) -> None:
    """Recipients listed before one predicate share it: "2 tập thể là ..., 8 đại biểu ... và 15
    tập thể ... được đề nghị Chủ tịch UBND tỉnh tặng Bằng khen" (the first count says nothing)."""
    for i in range(len(counts) - 2, -1, -1):
        c, later = counts[i], counts[i + 1]
        silent = (not c.forms and c.cue is None and c.status == UNKNOWN and c.level == UNKNOWN
                  and c.part_of is None)
        between = text[c.end : later.start]
        if (silent and c.clause == later.clause and not _AWARD_CUE.search(between)
                and not _PROPOSED.search(between) and not _AWARDED.search(between)
                and not _BREAKDOWN.search(between)):
            c.forms, c.cue, c.conferred_by = list(later.forms), later.cue, later.conferred_by
            c.level, c.status = later.level, later.status


def _describe(text: str, counts: list[_Count], i: int, cues: list[_Cue], claimed: set[int]) -> None:
    """Fill in count i's forms, authority, level, status and year (count -1: not a commendation)."""
    c = counts[i]
    start, end = _segment_bounds(text, counts, i)
    segment = text[start:end]
    if _NOT_COMMENDATION.search(segment) and not _has_state_form(segment):
        c.count = -1  # a prize or a badge, not a commendation
        return
    c.forms, named = _forms_of(text[c.end : end], segment)
    cue = _governing_cue(text, counts, i, end, cues, claimed)
    # "Thủ tướng tặng bằng khen cho 14 cá nhân ...; 1 cá nhân ...; 79 tập thể ...": a list item
    # with no verb of its own shares the previous item's authority, forms and status
    previous = counts[i - 1] if i and counts[i - 1].clause != c.clause else None
    verbless = c.clause[0] > 0 and not _OWN_PREDICATE.search(text, c.clause[0], c.clause[1])
    list_item = previous is not None and verbless
    if list_item and cue is None and previous.cue and _CONFERS_AFTER.match(
            text[previous.cue.end : previous.cue.end + 80]):  # a subject, not an item's "của"
        cue = previous.cue
    if list_item and not c.forms:
        c.forms = list(previous.forms)
    c.cue = cue
    c.conferred_by = cue.text if cue and not cue.marker else None
    if "certificate" in c.forms and c.conferred_by and "Thủ tướng" in c.conferred_by:
        c.forms = ["pm_certificate" if f == "certificate" else f for f in c.forms]
    if cue is not _AMBIGUOUS and _NATIONAL_FORMS & set(c.forms):
        c.level = NATIONAL  # an order is the President's, whoever hands it over
    else:
        c.level = cue.level if cue else _title_level(named)
    c.status = _status_of(text, c, start, end, previous)
    year = _YEAR.search(text[c.clause[0] :]) or _YEAR.search(text)
    c.year = int(year.group(1)) if year else None


def _forms_of(after: str, segment: str) -> tuple[list[str], str]:
    """A count's forms and the words that named them: those named after it; else those of the
    phrase whose verb governs it ("Thực hiện quy trình xét tặng danh hiệu A và “Anh hùng Lao
    động”, ... đề nghị các cấp xét, tặng danh hiệu B cho 10": B's); else any in its segment."""
    forms = _forms(after)
    if forms:
        return forms, after
    verbs = list(_AWARD_VERB_RE.finditer(segment))
    phrase = segment[segment.rfind(",", 0, verbs[-1].start()) + 1 :] if verbs else segment
    return _forms(phrase) or _forms(segment), segment


def _status_of(text: str, c: _Count, start: int, end: int, previous: _Count | None) -> str:
    """A count's status from the words around it; a ";" item that says none takes the list's
    (``previous``, the item before) or the sentence's ("thống nhất đề nghị ...; khen thưởng ...
    cho 2 cá nhân"); a subjectless clause whose authority a proposal before it asks is proposed
    ("đề nghị UBND tỉnh tặng ...; tặng bằng khen cho ...")."""
    own = text[start : c.start]
    # "đề nghị ... tặng Cờ thi đua cho 4 tập thể và Bằng khen cho 18 tập thể": when nothing
    # stands between the previous count and this one, the clause's verb governs both
    before = own if _PROPOSED.search(own) or _AWARDED.search(own + _COUNT_MARK) else (
        text[c.clause[0] : c.start])
    status = _status(before, text[c.end : end])
    if status == UNKNOWN and c.clause[0] > 0:
        return previous.status if previous else _status(text[: c.clause[0]], "")
    cue = c.cue
    if cue is not None and cue.end <= c.clause[0] and _PROPOSING.search(text, 0, cue.start):
        return PROPOSED
    return status


@dataclass(frozen=True)
class _Cue:
    """What sets a count's level: a "cấp ..." marker or a conferring authority."""

    start: int
    end: int
    level: str
    text: str
    marker: bool


_AMBIGUOUS = _Cue(0, 0, UNKNOWN, "", True)


def _level_cues(text: str) -> list[_Cue]:
    """Every level marker and every unit in a conferring role in a sentence, in reading order.

    A unit confers when it is the subject of an award verb ("UBND quận X [đã] tặng", "được Chủ
    tịch UBND thành phố khen thưởng", "huyện Sóc Sơn đã tặng") or the owner of a form ("Bằng khen
    của UBND tỉnh", "nhận khen thưởng của Chủ tịch Q. Sơn Trà"). A unit that proposes ("đề nghị"),
    hosts or receives is not an authority.
    """
    markers = [_Cue(m.start(), m.end(), level, m.group(0), True)
               for pattern, level in _LEVEL_MARKERS for m in pattern.finditer(text)
               if not _UNIT_BEFORE_MARKER.search(text, 0, m.start())]
    # "cấp bộ, ngành, thành phố" is one marker, not also "cấp bộ, ngành"
    cues = [q for q in markers
            if not any(o.start <= q.start and q.end <= o.end and o != q for o in markers)]
    for unit in find_units(text):
        if unit.level is None:
            continue
        before = text[max(0, unit.start - 80) : unit.start]
        if _NOT_ACTOR_BEFORE.search(before):
            continue
        if not (_CONFERS_AFTER.match(text[unit.end : unit.end + 80]) or _FORM_OF.search(before)):
            continue
        head = _HEAD_OF_UNIT.search(before)
        role = _ROLE_BEFORE.search(before)
        start = unit.start - len(role.group(0)) if role else unit.start
        level = GRASSROOTS if head else unit.level
        if (level == CENTRAL and (_AND_CITY.match(text, unit.end) or _CITY_AND.search(before))) or (
                level == CITY and _CENTRE_AND.search(before)):  # "Trung ương và Thành phố"
            level = CENTRAL_OR_CITY  # "Bằng khen Bộ Giáo dục và Đào tạo và thành phố"
        cues.append(_Cue(start, unit.end, level, text[start : unit.end], False))
    cues += [_Cue(m.start(), m.end(), GRASSROOTS, m.group(0), False)
             for m in _HEAD_CONFERS.finditer(text)]
    for m in _BARE_KIND.finditer(text):
        if (text[max(0, m.start() - 4) : m.start()] == "của " and _FORM_OF.search(
                text[max(0, m.start() - 80) : m.start()])) or _CONFERS_AFTER.match(
                text[m.end() : m.end() + 80]):
            cues.append(_Cue(m.start(), m.end(), KIND_LEVELS[m.group(0)], m.group(0), False))
    bare = bare_name_pattern().match(text)
    if bare and _CONFERS_AFTER.match(text[bare.end() :]):
        cues.append(_Cue(0, bare.end(), "district" if bare.group("district") else "city",
                         bare.group(0), False))
    # "cấp bộ, ngành, thành phố khen thưởng ...": a kind inside a marker is the marker's;
    # "Giám đốc Công an tỉnh tặng": the province inside the head's title is the head's
    cues = [q for q in dict.fromkeys(cues) if q.marker or not any(
        o.start <= q.start and q.end <= o.end and (o.marker or o.end - o.start > q.end - q.start)
        for o in cues if o != q)]
    return sorted(cues, key=lambda q: q.start)


def _title_level(segment: str) -> str:
    hits = [(m.start(), level) for pattern, level in _TITLE_LEVELS for m in pattern.finditer(segment)]
    return min(hits)[1] if hits else UNKNOWN


def _governing_cue(text: str, counts: list[_Count], i: int, segment_end: int, cues: list[_Cue],
                   claimed: set[int]) -> _Cue | None:
    """The cue that sets count i's level.

    First an authority or marker after the count and before the next one ("40 tập thể được
    UBND thành phố tặng Bằng khen"; two that disagree make it unknown). Else the nearest one
    before it in the sentence that no earlier count took for its own ("đề nghị Chủ tịch UBND
    thành phố tặng Cờ thi đua cho 6 tập thể và Bằng khen cho 25 tập thể"). Else, in a list
    after a colon, the authority of the statement that opens it; for a clause with no subject
    ("...; khen thưởng 26 cá nhân"), the unit the sentence opens with.
    """
    c = counts[i]
    own = [k for k, q in enumerate(cues) if c.end <= q.start < segment_end
           and not (q.marker and any(_LEADS_TO_COUNT.fullmatch(text[q.end : n.start])
                                     for n in counts[i + 1 :]))]
    if own:
        claimed.update(own)
        levels = {cues[k].level for k in own}
        return cues[own[0]] if len(levels) == 1 else _AMBIGUOUS
    items = [m.span() for m in _FORM_ITEM.finditer(text, c.clause[0], c.start)]
    before = [q for k, q in enumerate(cues)
              if c.clause[0] <= q.start and q.end <= c.start and k not in claimed
              and not any(s <= q.start < e for s, e in items)  # not what "N bằng khen của X" owns
              # "danh hiệu “Chiến sĩ thi đua cấp tỉnh” cho 17 cá nhân, “Chiến sĩ thi đua toàn
              # quốc” cho 1 cá nhân": a level inside a title's name is that title's alone
              and not (q.marker and inside_quotes(text, q.start)
                       and any(q.end <= n.start < c.start for n in counts))]
    if before:
        return before[-1]
    colon = text.find(":", 0, c.start)
    if colon > 0 and c.clause[0] > colon and any(n.end <= colon for n in counts):
        # "UBND thành phố khen thưởng 42.556 tập thể, cá nhân: ...; 5.530 lượt tập thể ...":
        # the clauses of a list take the authority of the statement that opens it
        head = [q for q in cues if q.end <= colon]
        if head:
            return head[-1]
    verbs = list(_SUBJECTLESS_VERB.finditer(text[c.clause[0] : c.start]))
    if verbs and c.clause[0] > 0:
        # "đề nghị UBND tỉnh tặng Cờ thi đua cho 02 đơn vị; tặng bằng khen cho 1 tập thể": the
        # subject of the clause before, unless a count there took it for its own
        subjects = [q for k, q in enumerate(cues) if not q.marker and q.end <= c.clause[0]
                    and k not in claimed and _CONFERS_AFTER.match(text[q.end : q.end + 80])]
        if subjects:
            return subjects[-1]
    if verbs and (c.clause[0] > 0 or verbs[-1].start() > 0):
        opener = next((u for u in find_units(text[: c.clause[0] + verbs[-1].start()]) if u.level), None)
        # "Hội đồng Thi đua – Khen thưởng tỉnh thống nhất thông qua đề nghị ...; khen thưởng ...
        # cho 2 cá nhân": a unit that proposes is not the authority of what it proposes
        if opener and not re.search(r"[Đđ]ề nghị|[Đđ]ề xuất", text[opener.end : c.clause[0]]):
            return _Cue(opener.start, opener.end, opener.level, opener.text, False)
    return None


def _numbers(match: re.Match[str]) -> tuple[int, int | None, int | None] | None:
    first = _value(match, "a")
    if first is None:
        return None
    kind = match.group("first").lower()
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


def _segment_bounds(text: str, counts: list[_Count], i: int) -> tuple[int, int]:
    """Where the words that belong to count i lie: from the previous count to the next, in its
    clause."""
    c = counts[i]
    start = max(c.clause[0], counts[i - 1].end if i else 0)
    # "177 bằng khen của Chủ tịch UBND tỉnh, 4 Cờ thi đua của UBND tỉnh, 16 tập thể ...": the
    # forms counted before are their own items
    items = list(_FORM_ITEM.finditer(text, start, c.start))
    if items:
        start = items[-1].end()
    end = min(c.clause[1], counts[i + 1].start if i + 1 < len(counts) else len(text))
    # not into a bracket that holds the next count, whose forms are its own: "cho 5 cá nhân
    # (Huân chương ... cho 1 cá nhân, bằng khen ... cho 4 cá nhân)"
    opened = text.rfind("(", c.end, end)
    if opened >= 0 and ")" not in text[opened:end] and i + 1 < len(counts) and (
            end == counts[i + 1].start):
        end = opened
    # not past "và nhiều/các ..." (another group of recipients), a colon (the list it opens) or
    # ", trong đó ..." (what is said of some of them)
    cut = re.search(r" và (?:nhiều|các|một số|hàng|\d)|:|,?\s[Tt]rong đó\b", text[c.end : end])
    if i + 1 < len(counts) and counts[i + 1].clause == c.clause:
        # "... cho 4 tập thể và Bằng khen cho 18 tập thể": what governs the next count is its own
        cut = cut or re.search(r"(?:,|\svà)\s[^,;]*?(?:\bcho|đối với)\s*$", text[c.end : end])
    return start, c.end + cut.start() if cut else end


def _forms(segment: str) -> list[str]:
    hits = []
    for pattern, form in _FORMS:
        for m in pattern.finditer(segment):
            hits.append((m.start(), form))
    if not hits and _OTHER_FORM.search(segment):
        return ["other"]  # a title or honour the law's list does not name ("Công dân Thủ đô ưu tú")
    return list(dict.fromkeys(form for _, form in sorted(hits)))


def _has_state_form(segment: str) -> bool:
    """A state form or a commendation verb beside a prize or gift ("trao thưởng và tặng quà")."""
    return bool(_COMMENDED.search(segment)) or any(
        form in ("order", "certificate", "commendation", "pm_certificate") for form in _forms(segment))


def _status(before: str, after: str) -> str:
    """ "proposed" or "awarded" by the nearest word of either kind before the count (after it
    when there is none before: "N cá nhân được đề nghị ...", "N tập thể được tặng ..."); "unknown"
    when the text says both at once ("đã thực hiện và đề nghị cấp trên khen thưởng") or neither."""
    if _BOTH.search(before):
        return UNKNOWN
    for text, nearest in ((before + _COUNT_MARK, -1), (_COUNT_MARK + after, 0)):
        proposals = list(_PROPOSED.finditer(text))
        blanked = _PROPOSED.sub(lambda m: " " * len(m.group(0)), text)
        awards = list(_AWARDED.finditer(blanked))
        if proposals or awards:
            last_proposal = proposals[nearest].start() if proposals else None
            last_award = awards[nearest].start() if awards else None
            if last_award is None or (last_proposal is not None and (
                    last_proposal > last_award if nearest == -1 else last_proposal < last_award)):
                return PROPOSED
            return AWARDED
    return UNKNOWN


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
                if part.status == UNKNOWN:
                    part.status = total.status
                if part.level == UNKNOWN:
                    part.level = total.level
            total.parts_sum = sum(p.count for p in parts)
            tolerance = APPROXIMATE_TOLERANCE * total.count if total.approximate else 0
            total.consistent = abs(total.parts_sum - total.count) <= tolerance
            levels = {p.level for p in parts}
            if len(levels) > 1:
                total.level = UNKNOWN
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

"""Units of the state, the Party and mass organisations as the press writes them.

One lexicon serves two extractors: the authority that confers an award (its
level) and the body that launches a campaign (its level and normalised
unit). A unit is a head ("UBND", "Quận ủy", "Liên đoàn Lao động", "Sở Du
lịch") with an optional place ("quận Cầu Giấy", "TP Hà Nội", "huyện"), a joint
body ("Quận ủy - HĐND - UBND - Ủy ban MTTQ quận Long Biên"), or a place
standing for its government ("quận Hà Đông phát động", "thành phố khen
thưởng"). The press abbreviates freely ("TP", "Tp.", "Q.", "LĐLĐ", "UB MTTQ");
``normalise`` writes the abbreviations out so researchers can group by unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from vietnam_provinces import Province

from thidua_crawler.extract import places
from thidua_crawler.vocab import CENTRAL, CITY, COMMUNE, DISTRICT, NATIONAL

_UP = "A-ZĐÂĂÊÔƠƯÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ"
#: A capitalised word of a proper name ("Cầu", "TT&TT", "PTNT").
CAP_WORD = rf"[{_UP}][\w&]*"
#: Words that can never continue a name: verbs and function words that follow a unit.
_STOP_WORDS = (r"tổ|đã|cũng|vừa|sẽ|phát|tại|trong|của|cho|với|đến|là|có|được|và|về|theo|nhằm|"
         r"ngày|năm|long|chính|tiếp|ký|ban|kêu|trao|tặng|khen|biểu|tuyên|vinh|đón|triển|"
         r"thuộc|ở|trên|từ|để|khi|sau|trước|đồng|nhân|lần|các|những|một|này|đó|họp|chủ|"
         # the place that follows a department's name ("Sở Nội vụ tỉnh Nam Định")
         r"tỉnh|thành phố|quận|huyện|thị xã|thị trấn|phường|xã")
_LOWER_WORD = rf"(?!(?:{_STOP_WORDS})\b)[^\W\d_{_UP}][\w&]*"
#: A company, up to the first word that cannot continue a name ("Tổng Công ty Du lịch Sài Gòn").
_COMPANY = rf"(?:Tổng )?[Cc]ông ty(?: (?!(?:{_STOP_WORDS})\b)[\w&-]+){{1,6}}"
#: An organisation's name: "Du lịch", "Nông nghiệp và PTNT", "GD&ĐT", "Lao động - Thương binh và Xã hội".
_ORG_NAME = rf"{CAP_WORD}(?: {_LOWER_WORD}){{0,3}}(?:(?: và| -) {CAP_WORD}(?: {_LOWER_WORD}){{0,3}}){{0,2}}"
#: Verbs the press sometimes capitalises after a name ("Chủ tịch UBND phường Báo cáo ...").
_CAPITALISED_VERBS = r"(?:Báo cáo|Phát biểu|Phát động|Tham dự|Tới dự|Chủ trì|Trao|Tặng)\b"
#: Common family names, which end a place name and begin a person's ("quận X Nguyễn Văn A").
_SURNAME_LIST = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đoàn Vương "
    "Trịnh Trương Lâm Phùng Mai Tô Hà Tạ Lương Đinh Cao Quách Chu Thái Kiều Lưu Nông Triệu "
    "Khuất Tăng Văn Lại Lã Mạc Nghiêm Vi Hứa Âu Giang Chử Đồng Tống Thân")
SURNAMES = frozenset(_SURNAME_LIST.split())

_PLACE_KINDS: tuple[tuple[str, str, str], ...] = (
    # (pattern, written-out kind, level)
    (r"[Tt]hành phố|TP\.?|Tp\.?", "thành phố", CITY),
    (r"[Tt]rung ương|T\.?Ư", "Trung ương", CENTRAL),
    (r"[Tt]ỉnh", "tỉnh", CITY),
    (r"[Qq]uận|Q\.", "quận", DISTRICT),
    (r"[Hh]uyện|H\.", "huyện", DISTRICT),
    (r"[Tt]hị xã|TX\.?", "thị xã", DISTRICT),
    (r"[Pp]hường|P\.", "phường", COMMUNE),
    (r"[Tt]hị trấn", "thị trấn", COMMUNE),
    (r"[Xx]ã", "xã", COMMUNE),
)

#: Heads of units: (pattern, normalised spelling or None to keep as written, level without a place)
_HEADS: tuple[tuple[str, str | None, str | None], ...] = (
    (r"UBND|Ủy ban [Nn]hân dân|UBDN", "UBND", None),
    (r"HĐND|Hội đồng [Nn]hân dân", "HĐND", None),
    (r"Ban Thường vụ (?:Thành|Tỉnh) ủy", None, CITY),
    (r"Ban Thường vụ (?:Quận|Huyện|Thị) ủy", None, DISTRICT),
    (r"Ban Thường vụ Đảng ủy", None, None),
    (r"Thành [Uuủ]ỷ|Thành ủy|Tỉnh ủy|Tỉnh uỷ", None, CITY),
    (r"Quận ủy|Quận uỷ|Huyện ủy|Huyện uỷ|Thị ủy|Thị uỷ", None, DISTRICT),
    (r"Đảng [uủ][ỷy] Khối(?: các)? (?:cơ quan|doanh nghiệp)(?: và doanh nghiệp)?", None, None),
    (r"Đảng ủy|Đảng uỷ", None, None),
    (r"Ủy ban Trung ương (?:MTTQ|Mặt trận Tổ quốc)(?: Việt Nam| ?VN)?", None, CENTRAL),
    (r"Ủy ban (?:MTTQ|Mặt trận Tổ quốc)(?: Việt Nam| ?VN)?|UB ?MTTQ(?: Việt Nam| ?VN)?"
     r"|MTTQ(?: Việt Nam| ?VN)?",
     "Ủy ban MTTQ Việt Nam", None),
    (r"Hội đồng [Tt]hi đua\s?[-–,]?\s?[Kk]hen thưởng", "Hội đồng Thi đua - Khen thưởng", None),
    (r"Ban [Tt]hi đua\s?[-–]?\s?[Kk]hen thưởng Trung ương", "Ban Thi đua - Khen thưởng Trung ương",
     CENTRAL),
    (r"Ban [Tt]hi đua\s?[-–]?\s?[Kk]hen thưởng", "Ban Thi đua - Khen thưởng", None),
    (r"Tổng Liên đoàn(?: [Ll]ao động)?(?: Việt Nam)?", "Tổng Liên đoàn Lao động Việt Nam", CENTRAL),
    (r"Liên đoàn [Ll]ao động|LĐLĐ", "Liên đoàn Lao động", None),
    (r"Hội Liên hiệp [Pp]hụ nữ|Hội LHPN", "Hội Liên hiệp Phụ nữ", None),
    (r"Hội Nông dân", "Hội Nông dân", None),
    (r"Hội Liên hiệp [Tt]hanh niên|Hội LHTN", "Hội Liên hiệp Thanh niên", None),
    (r"Công [Đđ]oàn(?: \(CĐ\))?(?: ngành)?(?: (?:nhà trường|cơ sở)| " + _COMPANY + "| " + _ORG_NAME
     + ")?", None, None),
    (r"Hội Cựu [Cc]hiến binh", "Hội Cựu chiến binh", None),
    (r"T[Ưư] Đoàn|Trung ương Đoàn", "Trung ương Đoàn", CENTRAL),
    (r"Đoàn Thanh niên(?: Cộng sản Hồ Chí Minh)?", "Đoàn Thanh niên", None),
    (r"Thành đoàn|Tỉnh đoàn", None, CITY),
    (r"Quận đoàn|Huyện đoàn|Thị đoàn", None, DISTRICT),
    (r"Ban Chỉ huy Quân sự|Bộ Chỉ huy Quân sự|Công an", None, None),
    (r"CATP", "Công an", CITY),
    (r"Cụm [Tt]hi đua(?: số [\dIVXL]+)?|Khối [Tt]hi đua(?: (?:số [\dIVXL]+|" + CAP_WORD
     + r"(?: " + CAP_WORD + r")*))?", None, None),
    (r"(?:Phó )?Thủ tướng(?: Chính phủ)?|Chủ tịch nước|Chính phủ|Nhà nước|Quốc hội", None, NATIONAL),
    (r"Quân ủy Trung ương|Quân uỷ Trung ương|Ban Chấp hành Trung ương|Trung ương", None, CENTRAL),
    # a congress launches the movements of its term ("Đại hội đã phát động phong trào ...")
    (r"Đại hội", None, None),
    # A department or ministry: "Sở Du lịch", "Sở Nông nghiệp và PTNT", "Bộ GD&ĐT", "Sở TT&TT".
    (r"Sở " + _ORG_NAME, None, CITY),
    (r"Bộ (?!Chính trị|Chỉ huy)" + _ORG_NAME, None, CENTRAL),
    (r"(?:Tổng c|C)ục " + _ORG_NAME, None, CENTRAL),
)

#: Positions that confer or launch, with the level they carry on their own (None: their unit's).
ROLES = (r"(?:Phó )?(?:Chủ|chủ) tịch(?: nước)?|(?:Phó )?(?:Bí|bí) thư(?: Thường trực)?|"
         r"(?:Phó |Tổng )?(?:Giám|giám) đốc|"
          r"(?:Phó )?Trưởng [Bb]an|Trưởng|Chủ nhiệm|Hiệu trưởng|Chỉ huy trưởng|Thủ trưởng|"
          r"Khối trưởng|Cụm trưởng|(?:Tỉnh|Thành|Quận|Huyện) ủy viên|Ủy viên(?: Ban Thường vụ)?|"
          r"(?:Phó )?Thủ tướng(?: Chính phủ)?|(?:Bộ|Thứ) trưởng|Thường trực")


@dataclass(frozen=True)
class Unit:
    """One mention of a unit: as written, where, normalised, and its level (None: unknown)."""

    text: str
    start: int
    end: int
    unit: str
    level: str | None


def _names_alternation() -> str:
    known = {p.name for p in places.districts() + places.communes()} | {"Hà Nội", "Hồ Chí Minh"}
    return "|".join(map(re.escape, sorted(known, key=len, reverse=True)))


@lru_cache(maxsize=1)
def _grammar() -> re.Pattern[str]:
    def kind(prefix: str) -> str:
        return "|".join(f"(?P<{prefix}{i}>{p})" for i, (p, _, _) in enumerate(_PLACE_KINDS))

    known = _names_alternation()
    word = rf"(?!{_CAPITALISED_VERBS}){CAP_WORD}"
    generic = rf"{word}(?: {word}){{0,3}}"
    name = rf"(?:(?:{known})(?!\w)|{generic})"
    place = (rf"(?:(?P<hcm>TP\.? ?HCM|TPHCM)(?!\w)|(?:{kind('k')})(?: (?P<name>{name}))?"
             rf"|(?P<capital>(?:Thủ đô )?Hà Nội|Thủ đô)(?!\w)"
             rf"|(?P<nation>Việt Nam)(?!\w)(?! (?:{kind('n')}|Hà Nội))"
             rf"|(?P<kname>{known})(?!\w)"
             # "Huyện đoàn Phù Mỹ": a head that names its kind, then any place's name
             rf"|(?P<ownname>{generic}))")
    head = _HEAD_ALTERNATION
    sep = r"(?:\s?[-–]\s?|, | và )"
    joint = rf"(?P<heads>(?:{head})(?:{sep}(?:{head}))*)"
    return re.compile(
        # "Hội LHTN Việt Nam TP Hà Nội": the national body's branch in a place
        rf"(?<![\w/-])(?:{joint}(?: Việt Nam(?= (?:{kind('v')}|Hà Nội)))?(?: (?P<place>{place}))?"
        rf"|(?P<bare>(?P<bhcm>TP\.? ?HCM|TPHCM)(?!\w)|(?:{kind('b')}) (?P<bname>{name})|Hà Nội(?!\w)"
        rf"|(?:[Tt]hành phố|TP)(?!\w)"
        rf"|(?P<plural>các (?:quận|huyện|thị xã|phường|xã))(?! [{_UP}])))"
    )


def _both_spellings(pattern: str) -> str:
    """ "Ủy" is also written "Uỷ" (the old placement of the tone mark), and "ủy" "uỷ"."""
    return pattern.replace("Ủy", "(?:Ủy|Uỷ)").replace("ủy", "(?:ủy|uỷ)")


#: A head is not the start of a member's title ("Tỉnh ủy viên"); it may carry its abbreviation
#: in brackets ("Ủy ban nhân dân (UBND)").
_HEAD_ALTERNATION = ("(?:" + "|".join(f"(?:{_both_spellings(p)})" for p, _, _ in _HEADS)
                     + r")(?! viên)(?: \([A-ZĐ]{2,}\))?")
_HEAD_RE = re.compile(_HEAD_ALTERNATION)
_ABBREVIATION_IN_BRACKETS = re.compile(r" \([A-ZĐ]{2,}\)$")
#: The level of each kind of place, as written out ("quận" -> "district").
KIND_LEVELS = {written: level for _, written, level in _PLACE_KINDS}
#: The kinds of district- and commune-level units, as written ("quận", "thị xã", "phường").
LOCAL_KINDS = tuple(written for written, level in KIND_LEVELS.items() if level in (DISTRICT, COMMUNE))
_HEAD_PATTERNS = tuple((re.compile(rf"(?:{_both_spellings(p)})$"), norm, level)
                       for p, norm, level in _HEADS)


def find_units(text: str) -> list[Unit]:
    """Every unit named in a text, in reading order."""
    found = []
    for m in _grammar().finditer(text):
        unit = _unit(m)
        if unit is not None:
            found.append(unit)
    return found


def _unit(m: re.Match[str]) -> Unit | None:
    text, start, end = m.group(0), m.start(), m.end()
    if m.group("plural"):  # "các huyện trong Cụm đã khen thưởng ...": the districts together
        kind_word = m.group("plural")[4:]
        return Unit(text, start, end, kind_word, KIND_LEVELS[kind_word])
    if m.group("bare") is not None:
        name = m.group("bname")
        place_kind = _kind(m, "b")
        if name:
            name, cut = _trim_name(name, bool(_CAPITALISED_LOCAL_KIND.match(m.group("bare"))))
            end -= cut
            text = text[: len(text) - cut]
        if m.group("bhcm"):
            return Unit(text, start, end, "thành phố Hồ Chí Minh", CITY)
        if m.group("bare").startswith(("Hà Nội",)):
            return Unit(text, start, end, "thành phố Hà Nội", CITY)
        if place_kind is None:  # "thành phố", "TP" alone
            return Unit(text, start, end, "thành phố", CITY)
        return Unit(text, start, end, f"{place_kind[0]} {name}".strip(), place_kind[1])
    heads = [h.group(0) for h in _HEAD_RE.finditer(m.group("heads"))]
    place_text, place_level = "", None
    if m.group("place"):
        kind = _kind(m, "k")
        name = m.group("name")
        if m.group("capital"):
            place_text, place_level = "thành phố Hà Nội", CITY
        elif m.group("hcm"):
            place_text, place_level = "thành phố Hồ Chí Minh", CITY
        elif m.group("nation"):
            place_text, place_level = "Việt Nam", CENTRAL
        elif m.group("kname"):
            place_text = m.group("kname")
        elif kind:
            if name:
                name, cut = _trim_name(name, bool(_CAPITALISED_LOCAL_KIND.match(m.group("place"))))
                end -= cut
                text = text[: len(text) - cut]
            place_text, place_level = f"{kind[0]} {name or ''}".strip(), kind[1]
        elif not _KIND_IN_HEAD.search(heads[-1]):  # "UBND Nguyễn ...": no place at all
            end -= len(m.group("place")) + 1
            text = text[: end - start]
        else:
            name, cut = _trim_name(m.group("ownname"))
            end -= cut
            text = text[: len(text) - cut]
            place_text = name
    levels = [lvl for lvl in (_head(h)[1] for h in heads) if lvl]
    level = place_level or (levels[0] if levels else None)
    if len(heads) > 1:
        unit = place_text or " - ".join(_head(h)[0] for h in heads)
    else:
        unit = f"{_head(heads[0])[0]} {place_text}".strip()
    return Unit(text, start, end, unit, level)


def _kind(m: re.Match[str], prefix: str) -> tuple[str, str] | None:
    for i, (_, written, level) in enumerate(_PLACE_KINDS):
        if m.group(f"{prefix}{i}"):
            return written, level
    return None


def _head(written: str) -> tuple[str, str | None]:
    written = _ABBREVIATION_IN_BRACKETS.sub("", written)
    for pattern, norm, level in _HEAD_PATTERNS:
        if pattern.match(written):
            return norm or written, level
    return written, None


#: Heads that carry their place's kind ("Huyện đoàn", "Tỉnh ủy"): a bare name may follow.
_KIND_IN_HEAD = re.compile(r"(?:Quận|Huyện|Thị|Thành|Tỉnh) ?(?:ủy|uỷ|đoàn)$")
#: A local unit's kind written with a capital, as before a ward named after a person.
_CAPITALISED_LOCAL_KIND = re.compile("(?:" + "|".join(k.capitalize() for k in LOCAL_KINDS) + ") ")


def _trim_name(name: str, capitalised_kind: bool = False) -> tuple[str, int]:
    """A place name without the person's name that may follow it: (name, characters cut).

    After a capitalised kind a name that reads like a person's is the place's own ("Phường
    Nguyễn Thái Bình", a ward named after a hero); after "phường" it is a person's ("UBND
    phường Nguyễn Văn A")."""
    words = name.split(" ")
    if name in _known_names():
        return name, 0
    for i in range(1, len(words)):
        if " ".join(words[:i]) in _known_names() and words[i] in SURNAMES:
            kept = " ".join(words[:i])
            return kept, len(name) - len(kept)
    if words[0] in SURNAMES and len(words) >= 3:
        if capitalised_kind:
            return name, 0
        return "", len(name) + 1  # a person's name right after the kind: no place name
    for i in range(1, len(words) - 1):
        if words[i] in SURNAMES:
            kept = " ".join(words[:i])
            return kept, len(name) - len(kept)
    return name, 0


@lru_cache(maxsize=1)
def _known_names() -> frozenset[str]:
    return frozenset({p.name for p in places.districts() + places.communes()} | {"Hà Nội", "Hồ Chí Minh"})


#: Provinces before the 2025 merger that the current list no longer has.
_FORMER_PROVINCES = (
    "Hà Giang", "Yên Bái", "Bắc Kạn", "Hòa Bình", "Vĩnh Phúc", "Bắc Giang", "Hải Dương", "Thái Bình",
    "Hà Nam", "Nam Định", "Quảng Bình", "Thừa Thiên Huế", "Quảng Nam", "Kon Tum", "Bình Định",
    "Phú Yên", "Ninh Thuận", "Bình Thuận", "Đắk Nông", "Bình Phước", "Bình Dương", "Bà Rịa - Vũng Tàu",
    "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh", "Sóc Trăng", "Hậu Giang", "Bạc Liêu", "Kiên Giang",
)


@lru_cache(maxsize=1)
def bare_name_pattern() -> re.Pattern[str]:
    """A place named without its kind at the start of a headline ("Tây Hồ biểu dương ...",
    "Bình Dương khen thưởng ..."): group ``district`` (a Hanoi district) or ``province``."""
    provinces = {p.name.removeprefix("Thành phố ") for p in Province.iter_all()}
    provinces |= set(_FORMER_PROVINCES) | {"Hà Nội", "TP HCM", "TPHCM"}
    districts = {p.name for p in places.districts()}

    def alternation(names: set[str]) -> str:
        return "|".join(map(re.escape, sorted(names, key=len, reverse=True)))

    return re.compile(rf"^(?:(?P<district>{alternation(districts)})|(?P<province>{alternation(provinces)}))"
                      r"(?!\w)")


@lru_cache(maxsize=1)
def role_pattern() -> re.Pattern[str]:
    """A position: a role, optionally followed by its unit ("Chủ tịch UBND quận Cầu Giấy")."""
    return re.compile(rf"(?<!\w)(?:{ROLES})(?!\w)")


def role_level(role: str) -> str | None:
    """The level a role carries on its own: "Chủ tịch nước", "Thủ tướng" -> national."""
    if re.match(r"(?:Phó )?Thủ tướng|Chủ tịch nước", role):
        return NATIONAL
    if re.match(r"(?:Bộ|Thứ) trưởng", role):
        return CENTRAL
    return None

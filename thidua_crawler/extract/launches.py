"""Campaign launches: who "phát động" which emulation campaign, when, for what occasion.

An article usually names one launch several times (headline, sapo, body);
the mentions are merged into one launch. A sentence that opens with "Trong
đó" / "Cụ thể" right after a launch spells out that launch's parts, so its
quoted names join it rather than starting a new launch. docs/extraction.md
lists every rule with examples.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from thidua_crawler.extract import places
from thidua_crawler.extract.actors import Actor, actor_at, actors, subject_before
from thidua_crawler.extract.dates import dmy_pattern
from thidua_crawler.extract.text import HO_CHI_MINH, Sentence, fold
from thidua_crawler.extract.units import KIND_LEVELS, LOCAL_KINDS
from thidua_crawler.vocab import UNKNOWN

_VERB = re.compile(r"[Pp]hát động")
_CAMPAIGN = re.compile(
    r"^\s*(?:các |một |cuộc |chương trình |đợt )?"
    r"(?:[Đđ]ợt (?:cao điểm )?thi đua|[Cc]ao điểm thi đua|[Pp]hong trào thi đua|[Pp]hong trào|[Tt]hi đua|"
    r"[Cc]uộc vận động|[Cc]hương trình thi đua)\b"
)
#: Something launched that is not an emulation campaign, before one that is:
#: "phát động chiến dịch “Tôi yêu Hà Nội” và đợt thi đua ...".
_OTHER_OBJECT_FIRST = re.compile(r"\s*chiến dịch\s+(?:“[^”]*”|\"[^\"]*\")\s+(?:và|cùng)(?=\s)")
_NOT_CAMPAIGN = re.compile(r"^\s*(?:và|cuộc thi\b|hội thi\b|ký kết|ủng hộ|quyên góp|tháng\b)")
#: Launched by someone else: "do thành phố phát động", "được phát động".
_PASSIVE_BEFORE = re.compile(r"(?:\b(?:do|được|mà)\s+(?:[^,;]{0,60}?\s)?|hưởng ứng[^,;]*"
                             r"|\b(?:đến|trong|qua|nhờ)(?: việc)?\s*"
                             # "Thực hiện Kế hoạch ... của UBND thành phố về việc tổ chức hội nghị
                             # phát động ...": another body's plan, cited
                             r"|[Tt]hực hiện (?:Kế hoạch|Chỉ thị|Quyết định|Công văn|Hướng dẫn|Nghị quyết)"
                             r"[^,;]*"
                             # "Chỉ thị số 19/CT-TTg ... về việc phát động ...": a document's title
                             r"|\bsố \S*\d\S*[^,;]*\bvề việc\s*"
                             # "đề nghị Trung ương Hội ... phát động": asking another body to launch
                             # (the bodies asked may be listed: "yêu cầu từng cơ quan, địa
                             # phương, đơn vị phát động ...")
                             r"|\b(?:đề nghị|yêu cầu|giao)\s(?:[^,;]{1,30},\s){0,5}[^,;]{0,80}"
                             # "cần tiếp tục đẩy mạnh các phong trào ..., phát động ...": a task
                             # set for others, not a launch
                             r"|\bcần (?:tiếp tục |phải )?(?:đẩy mạnh|tổ chức|triển khai)[^;]{0,120})$")
_BREAKDOWN_START = re.compile(r"^(?:Trong đó|Cụ thể|Theo đó|Trọng tâm|Chủ đề|Với chủ đề)\b")
#: A sentence that reviews what was done ("ngay từ đầu năm, quận đã chỉ đạo, phát động ...")
#: reports no launch of its own.
_REVIEW = re.compile(r"ngay từ đầu năm|thời gian qua|những năm qua|nhiệm kỳ qua|đã ban hành|"
                     r"đã chỉ đạo|thường xuyên phát động|"
                     # "Giai đoạn 2015-2020, TP Sông Công đã phát động các phong trào ...": a past term
                     r"^(?:Trong )?[Gg]iai đoạn \d{4}\s?[-–]\s?\d{4},.*\bđã\s+$|"
                     # "Tổng kết 25 năm phát động phong trào ...": the anniversary of a launch
                     r"[Tt]ổng kết \d+ (?:năm )?(?:thực hiện )?$|"
                     # "Hướng tới ... 30 năm phát động phong trào ...": an anniversary
                     r"\b\d+ năm\s+$|"
                     # "khi Bác Hồ phát động phong trào thi đua yêu nước": history
                     rf"(?:{HO_CHI_MINH}|Bác|Người)\s+(?:đã\s+)?$")
#: "... đã phát động thi đua sôi nổi, rộng khắp": how campaigns went, in a review.
_REVIEW_AFTER = re.compile(r"^[^,;.]{0,40}?\b(?:sôi nổi|rộng khắp|sâu rộng)\b")
#: "phát động đợt thi đua cao điểm ... và phong trào thi đua “...”": two campaigns, one verb.
_NEXT_CAMPAIGN = re.compile(r"\s(?:và|cùng)\s(?=(?:các |cuộc )?(?:[Đđ]ợt (?:cao điểm )?thi đua|[Pp]hong trào|"
                            r"[Cc]uộc vận động)\b)")
#: Before a quoted span: the last of these words says whether it names the campaign or something
#: else (an anniversary's "Lời kêu gọi thi đua ái quốc", a contest, a reviewed campaign, the
#: year's theme, a campaign a unit leads).
_NAME_OR_NOT = re.compile(r"(?P<theme>chủ đề (?:của )?năm(?: \d{4})?|"
                          r"dẫn đầu (?:trong )?phong trào(?: thi đua)?)"
                          r"|(?P<name>phong trào|thi đua|mô hình|cuộc vận động|chủ đề|với tên|khẩu hiệu)"
                          r"|(?P<other>kỷ niệm|chào mừng|hướng tới|mục tiêu|[Cc]uộc thi|[Hh]ội thi|"
                          r"[Hh]ội thảo|[Tt]ọa đàm|[Dd]iễn đàn|[Hh]ội nghị|tổng kết|sơ kết|Ngày|tinh thần)")
#: "... phát động đợt thi đua ... và triển khai phong trào “...”": the launch's words end where
#: another verb is coordinated, and what follows is that verb's.
_OTHER_VERB = re.compile(r"\svà\s(?:triển khai|tổng kết|sơ kết|thực hiện|hưởng ứng|tổ chức|trao|tặng|"
                         r"tuyên dương|biểu dương|khen thưởng|ký kết)\b")
#: A verb that makes a ";" item a statement of its own rather than one more campaign launched.
_ITEM_VERB = re.compile(r"\b(?:phát động|triển khai|tổng kết|sơ kết|thực hiện|hưởng ứng|tổ chức|"
                        r"trao|tặng|tuyên dương|biểu dương|khen thưởng|ký kết|được|đã|sẽ|đang|là)\b")
_DASHES = re.compile(r"[–—‒−]")
#: Quoted spans; the press often opens with one mark and closes with another ("...”).
_QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]|‘([^’]+)’|«([^»]+)»|(?<!\w)'([^']+)'(?!\w)")
_NAME_CONTEXT = re.compile(r"(?:phong trào|thi đua|mô hình|cuộc vận động|chủ đề|với tên)[^“\"‘«;]{0,60}$")
_OCCASION = re.compile(r"(?:chào mừng|kỷ niệm|hướng tới)\s+[^,;(]+")
_LATER_DATE = re.compile(r"\bvào (?:(?:buổi )?)((?:sáng|chiều|tối|trưa|ngày) \S+)"
                         r"|\b((?:sáng|chiều|tối|trưa) nay)\b")
#: A place's kind alone as the subject: "Nhân dịp này, quận đã phát động ...", "..., thị xã vừa
#: phát động ...".
_BARE_SUBJECT = re.compile(r"(?:^|[,;:]\s*)(" + "|".join(LOCAL_KINDS) + r")\s+"
                           r"(?:(?:đã|cũng|vừa|sẽ|chính thức)\s+)*$")
_PAST_YEAR_OPENING = re.compile(r"(?:Trong\s+)?[Nn]ăm\s+(qua|\d{4})\s*,")
#: A launched thing named only by its sort, as a later mention does ("phát động phong trào,").
_GENERIC_TITLE = re.compile(r"(?:các )?(?:[Pp]hong trào|[Đđ]ợt thi đua|[Tt]hi đua)(?: thi đua)?")
#: A launch the sentence opens with, its launcher named later as the speaker: "Tuyên bố phát động
#: đợt thi đua ..., Thủ tướng Chính phủ Phạm Minh Chính nhấn mạnh, ...".
_VERB_FIRST = re.compile(r"\s*(?:(?:Tuyên bố|Phát biểu)\s+)?$")
_SPEAKER = re.compile(r",\s+(?=[^,;]{3,80}?\s(?:nhấn mạnh|khẳng định|cho biết|nêu rõ|kêu gọi)\b)")
#: Before the one who speaks for a body: "..., lãnh đạo Ủy ban MTTQ ... cho biết".
_LEADER = re.compile(r"^(?:lãnh đạo|đại diện)\s+")
#: A unit that stops at its kind ("UBND huyện"): the place is named elsewhere, or nowhere.
_BARE_KIND_END = re.compile("(?:" + "|".join(KIND_LEVELS) + r"|TP)$")
_PERIOD = re.compile(r"\(\s*" + dmy_pattern("1") + r"\s*[-–—]\s*" + dmy_pattern("2") + r"\s*\)")
_PERIOD_WORDS = re.compile(r"từ (?:ngày )?(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}))? đến (?:hết )?"
                           r"(?:ngày )?" + dmy_pattern())
_EVENT_DATE = re.compile(
    r"(?<!\w)(?:[Ss]áng|[Cc]hiều|[Tt]ối|[Tt]rưa|[Nn]gày|[Đđ]êm|[Hh]ôm)\s+"
    r"(?:(?P<rel>nay|qua|hôm nay|hôm qua)\b|(?P<d>\d{1,2})(?:[-/.]|\s+tháng\s+)(?P<m>\d{1,2})"
    r"(?:(?:[-/.]|\s+năm\s+)(?P<y>\d{4}))?)"
)
_DOCUMENT_NUMBER = re.compile(r"\bsố \S*\d\S*\s+$")
#: How far back a launcher that refers back ("Chủ tịch UBND huyện cũng ...") is looked for.
_LOOKBACK_SENTENCES = 30
#: Launch mentions read from one article; real articles have a handful.
MAX_MENTIONS = 200
#: The launcher of a launch whose text names nobody.
NO_LAUNCHER: dict[str, str | None] = {
    "person": None, "position": None, "body": None, "level": UNKNOWN, "unit": None}


@dataclass
class _Mention:
    sentence: Sentence
    kind: str
    title: str
    names: list[str]
    launcher: dict[str, str | None]
    date: date | None
    occasion: str | None
    period: dict[str, date] | None

    def richness(self) -> tuple[bool, bool, int]:
        """Which mention tells most about the launcher: a person, a position, then body before
        sapo before title."""
        return (bool(self.launcher["person"]), bool(self.launcher["position"]),
                {"body": 2, "sapo": 1, "title": 0}[self.sentence.field])


@dataclass
class _Launch:
    mentions: list[_Mention] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    extra_evidence: list[Sentence] = field(default_factory=list)

    def record(self, lead_date: date | None) -> dict[str, Any]:
        primary = max(self.mentions, key=_Mention.richness)
        launcher = dict(primary.launcher)
        if not launcher["position"] and not launcher["body"]:
            launcher = dict(next((m.launcher for m in self.mentions if m.launcher["body"]), launcher))
        # the body as written stays; the unit researchers group by gets its place
        launcher["unit"] = _completed_unit(launcher["unit"], self.mentions) or launcher["unit"]
        first = {
            name: next((getattr(m, name) for m in [primary, *self.mentions] if getattr(m, name)),
                       None)
            for name in ("date", "occasion", "period")
        }
        evidence = [m.sentence for m in self.mentions] + self.extra_evidence
        names: list[str] = []
        for name in [*primary.names, *self.names]:  # spelt as the richest mention spells them
            if _name_key(name) not in {_name_key(n) for n in names}:
                names.append(name)
        # what was launched, as the mentions that name more than its sort say it
        ordered = [primary, *self.mentions]
        specific = [m for m in ordered if not _GENERIC_TITLE.fullmatch(m.title)] or ordered
        return {
            "title": specific[0].title,
            "kind": next((m.kind for m in specific + ordered if m.kind != "other"), "other"),
            "names": names,
            "launcher": launcher,
            "date": first["date"] or lead_date,
            "occasion": first["occasion"],
            "period": first["period"],
            "evidence": primary.sentence.evidence(),
            "mentions": [s.evidence() for s in sorted(evidence, key=_reading_order)],
        }


def _completed_unit(chosen: str | None, mentions: list[_Mention]) -> str | None:
    """The chosen unit with the place another mention names where it stops at the kind:
    "UBND huyện" with "UBND huyện Chư Sê" or "phường Hà Khánh" elsewhere."""
    kind = _BARE_KIND_END.search(chosen or "")
    if not chosen or not kind:
        return None
    for m in mentions:
        place = re.search(rf"\b{kind.group(0)} (\S.*)$", m.launcher["unit"] or "")
        if place:
            return f"{chosen} {place.group(1)}"
    return None


def _reading_order(s: Sentence) -> tuple[int, int]:
    return ({"title": 0, "sapo": 1, "body": 2}[s.field], s.start)


def extract_campaign_launches(
    fields: list[list[Sentence]], published: date | None
) -> list[dict[str, Any]]:
    """The campaigns an article reports being launched, one entry per campaign.

    ``fields`` is the sentences of the title, the sapo and the body, in that order.
    """
    launches: list[_Launch] = []
    lead_date = _lead_date(fields, published)
    read: list[Sentence] = []
    for field_sentences in fields:
        previous_had_launch = False
        for sentence in field_sentences:
            read.append(sentence)
            if previous_had_launch and launches and _BREAKDOWN_START.match(sentence.text):
                names = _names(sentence.text, context_required=True)
                if names:
                    _add_names(launches[-1], names)
                    launches[-1].extra_evidence.append(sentence)
                    continue
            if sum(len(lch.mentions) for lch in launches) >= MAX_MENTIONS:
                break  # no article names this many; bound the merging's work on a hostile page
            mentions = _mentions(sentence, published)
            previous_had_launch = bool(mentions)
            for mention in mentions:
                if mention.launcher["position"] and not mention.launcher["person"]:
                    mention.launcher = _named_earlier(mention.launcher, read) or mention.launcher
                target = next((lch for lch in launches if _same(lch, mention)), None)
                if target is None:
                    target = _Launch()
                    launches.append(target)
                target.mentions.append(mention)
                _add_names(target, mention.names)
    return [launch.record(lead_date) for launch in launches]


def _named_earlier(launcher: dict[str, str | None], read: list[Sentence]) -> dict[str, str | None] | None:
    """ "Chủ tịch UBND huyện cũng phát động ..." is the chairman the article named before
    ("Chủ tịch UBND huyện Sóc Sơn Nguyễn Văn A"): the latest earlier actor whose position this
    one abbreviates, with a person."""
    short = fold(launcher["position"] or "")
    for sentence in reversed(read[-_LOOKBACK_SENTENCES:]):
        for actor in reversed(actors(sentence.text)):
            if actor.person and actor.position and short in fold(actor.position):
                return actor.record()
    return None


def _add_names(launch: _Launch, names: list[str]) -> None:
    for name in names:
        if _name_key(name) not in {_name_key(n) for n in launch.names}:
            launch.names.append(name)


def _name_key(name: str) -> str:
    """A name as compared: "Sáng – Xanh - Sạch – Đẹp" is "Sáng - Xanh - Sạch - Đẹp"."""
    return " ".join(_DASHES.sub("-", fold(name)).replace("-", " - ").split())


def _mentions(sentence: Sentence, published: date | None) -> list[_Mention]:
    text = sentence.text
    found = []
    for verb in _VERB.finditer(text):
        clause_start = text.rfind(";", 0, verb.start()) + 1
        before = text[clause_start : verb.start()]
        skipped = _OTHER_OBJECT_FIRST.match(text, verb.end())
        object_start = skipped.end() if skipped else verb.end()
        after = text[object_start:]
        if _PASSIVE_BEFORE.search(before.rstrip()) or _NOT_CAMPAIGN.match(after):
            continue
        if not _CAMPAIGN.match(after) or _REVIEW.search(text[: verb.start()]) or _REVIEW_AFTER.match(after):
            continue
        if _in_past_year(text, published):
            continue
        title_end = _title_end(after)
        clause_end = text.find(";", object_start)
        clause_after = text[object_start : clause_end if clause_end >= 0 else len(text)]
        other_verb = _OTHER_VERB.search(clause_after)
        if other_verb:
            clause_after = clause_after[: other_verb.start()]
        bare = _BARE_SUBJECT.search(text, 0, verb.start())
        actor = (None if bare else subject_before(text, verb.start())) or actor_at(
            _LEADER.sub("", after[title_end:].lstrip(", "))) or _speaker(text, verb.start())
        later = _LATER_DATE.search(clause_after)  # "... tổ chức lễ phát động ... vào sáng 7-8"
        day = _event_date(text[: verb.start()], published) or (
            _event_date(later.group(1) or later.group(2), published) if later else None)
        launcher = actor.record() if actor else dict(NO_LAUNCHER)
        if bare:
            launcher = {**NO_LAUNCHER, "body": bare.group(1), "unit": bare.group(1),
                        "level": KIND_LEVELS[bare.group(1)]}

        # (the launched thing's wording, where its names are, the clause it is said in)
        parts = []
        bounds = [0, *(m.end() for m in _NEXT_CAMPAIGN.finditer(after[:title_end])), title_end]
        for i, (start, end) in enumerate(itertools.pairwise(bounds)):
            title = re.sub(r"\s(?:và|cùng)\s*$", "", after[start:end]).strip().rstrip(".")
            names_end = end if i + 2 < len(bounds) else len(clause_after)
            parts.append((title, clause_after[start:names_end], clause_after))
        listed = [] if ":" in clause_after or after.lstrip().startswith("các ") else (
            _listed_campaigns(text, clause_end))  # "phát động các phong trào như: A; B": examples
        parts += [(item[: _title_end(item)].strip().rstrip("."), item, item) for item in listed]
        found += [_Mention(sentence=sentence, kind=_kind(title), title=title,
                           names=_names(words) or _unquoted_name(title), launcher=launcher,
                           date=day, occasion=_occasion(clause), period=_period(clause))
                  for title, words, clause in parts]
    return found


def _listed_campaigns(text: str, clause_end: int) -> list[str]:
    """The ";" items after a launch that each name one more campaign, with no verb of their
    own: "phát động phong trào “A” năm 2025; phong trào xây dựng công trình “B” ..."."""
    items = []
    while clause_end >= 0:
        following = text.find(";", clause_end + 1)
        item = text[clause_end + 1 : following if following >= 0 else len(text)]
        if not _CAMPAIGN.match(item) or _ITEM_VERB.search(item):
            break
        items.append(item.strip())
        clause_end = following
    return items


def _speaker(text: str, verb: int) -> Actor | None:
    """The launcher of a sentence that opens with its launch: the first actor who speaks."""
    if not _VERB_FIRST.fullmatch(text, 0, verb):
        return None
    for comma in _SPEAKER.finditer(text, verb):
        actor = actor_at(text[comma.end() :])
        if actor:
            return actor
    return None


def _in_past_year(text: str, published: date | None) -> bool:
    """ "Năm 2017, xã đã phát động ...", "Năm qua, ...": a sentence about a year before the
    article's reviews it."""
    opening = _PAST_YEAR_OPENING.match(text)
    if not opening:
        return False
    year = opening.group(1)
    return year == "qua" or (published is not None and int(year) < published.year)


def _title_end(after: str) -> int:
    """Where the launched thing's wording ends: a comma, semicolon or bracket outside quotes."""
    quote_close = {"“": "”", '"': '"', "‘": "’", "«": "»", "'": "'"}
    closing = None
    for i, ch in enumerate(after):
        if closing:
            if ch == closing:
                closing = None
        elif ch in quote_close:
            closing = quote_close[ch]
        elif ch in ",;(" or (ch == "." and (i + 1 == len(after) or after[i + 1] == " ")):
            return i
    return len(after)


def _kind(title: str) -> str:
    t = title.lower()
    if "cao điểm" in t:
        return "peak"
    if "đặc biệt" in t:
        return "special"
    if "chuyên đề" in t or re.search(r"\bđợt\b", t):
        return "thematic"
    if "phong trào" in t or "thường xuyên" in t or "cuộc vận động" in t:
        return "movement"
    return "other"


def _names(text: str, context_required: bool = False) -> list[str]:
    """Quoted names in a launch's words. A quote after an anniversary, a contest or a review is
    not the campaign's name; with ``context_required`` a campaign word must come before it."""
    names = []
    for match in _QUOTED.finditer(text):
        words = list(_NAME_OR_NOT.finditer(text, 0, match.start()))
        if words and (words[-1].group("other") or words[-1].group("theme")):
            continue
        if context_required and not _NAME_CONTEXT.search(text[: match.start()]):
            continue
        name = next(g for g in match.groups() if g is not None).strip()
        if name:
            names.append(name)
    return names


def _unquoted_name(title: str) -> list[str]:
    """ "phong trào thi đua Dân vận khéo năm 2024" -> ["Dân vận khéo"]."""
    match = re.match(
        r"^\s*(?:các |cuộc )?(?:[Pp]hong trào thi đua|[Pp]hong trào|[Cc]uộc vận động)\s+"
        r"(?P<name>[A-ZĐÂĂÊÔƠƯ]\S*(?: \S+)*?)"
        r"(?=\s+(?:năm \d{4}|giai đoạn|trên địa bàn|nhằm|trong|tại|với|do|của)\b|$)",
        title,
    )
    if not match:
        return []
    name = match.group("name")
    if actor_at(name) or _OCCASION.match(fold(name)) or re.match(r"[Nn]ăm\b|[A-ZĐ]{2,6}$", name):
        return []
    return [name]


def _occasion(text: str) -> str | None:
    match = _OCCASION.search(text)
    return match.group(0).strip().rstrip(".…") if match else None


def _period(text: str) -> dict[str, date] | None:
    match = _PERIOD.search(text)
    try:
        if match:
            d1, m1, y1, d2, m2, y2 = map(int, match.groups())
            return {"start": date(y1, m1, d1), "end": date(y2, m2, d2)}
        match = _PERIOD_WORDS.search(text)
        if match:
            d1, m1, y1, d2, m2, y2 = match.groups()
            end = date(int(y2), int(m2), int(d2))
            return {"start": date(int(y1 or end.year), int(m1), int(d1)), "end": end}
    except ValueError:
        return None
    return None


def _event_date(text: str, published: date | None) -> date | None:
    """ "Chiều 7-4" -> 7 April of the article's year; "sáng nay" -> the publication day."""
    match = None
    for candidate in _EVENT_DATE.finditer(text):
        if _DOCUMENT_NUMBER.search(text, 0, candidate.start()):
            continue  # "Kế hoạch số 133/KH-UBND ngày 13/3/2024": the document's date
        if text[: candidate.start()].count("(") == text[: candidate.start()].count(")"):
            match = candidate
            break
    if match is None or (published is None and not match.group("y")):
        return None
    rel = match.group("rel")
    if rel:
        return published - timedelta(days=1) if rel.endswith("qua") else published
    try:
        day = date(int(match.group("y") or published.year), int(match.group("m")),
                   int(match.group("d")))
    except ValueError:
        return None
    if not match.group("y") and published and day > published + timedelta(days=7):
        day = day.replace(year=day.year - 1)  # "30-12" in an article of 2 January
    return day


def _lead_date(fields: list[list[Sentence]], published: date | None) -> date | None:
    """The event day the sapo (else the body) opens with, which a launch without its own date
    shares: "Chiều 8/10, Thành ủy ... tổ chức ..."."""
    openers = {s.field: s for field_sentences in fields for s in field_sentences[:1]}
    for name in ("sapo", "body"):
        if name in openers:
            day = _event_date(openers[name].text[:40], published)
            if day:
                return day
    return None


def _same(launch: _Launch, mention: _Mention) -> bool:
    """Two mentions name one launch when they agree on its kind and nothing tells them apart:
    a shared occasion, name or wording, or the same launching body with no rival names."""
    mine, theirs = {_name_key(n) for n in mention.names}, {_name_key(n) for n in launch.names}
    if mine & theirs and any(_compatible_kinds(other, mention) for other in launch.mentions):
        return True  # "Phát biểu phát động đợt thi đua, ông X nhận định việc phát động ... “Y”"
    if any(other.sentence is mention.sentence for other in launch.mentions):
        return False  # "phát động X và Y": one sentence, two campaigns
    if not mention.names and _GENERIC_TITLE.fullmatch(mention.title):
        return True  # "... và chính thức phát động phong trào, Thủ tướng ...": the one just named
    for other in launch.mentions:
        if not _compatible_kinds(other, mention):
            continue
        if mine and theirs:
            continue  # each has names, and they differ: two campaigns
        if other.occasion and mention.occasion and fold(other.occasion) == fold(mention.occasion):
            return True
        if _similar(other.title, mention.title) or _same_body(other, mention):
            return True
    return False


def _compatible_kinds(a: _Mention, b: _Mention) -> bool:
    """Same kind; or one says only "thi đua" (kind other), as headlines do, or names the launched
    thing by its sort alone ("Phát biểu phát động đợt thi đua, ..."), as later mentions do."""
    return a.kind == b.kind or "other" in (a.kind, b.kind) or "title" in (
        a.sentence.field, b.sentence.field) or any(
        _GENERIC_TITLE.fullmatch(m.title) for m in (a, b))


def _same_body(a: _Mention, b: _Mention) -> bool:
    """Launchers that can be one: either unnamed, one inside the other ("UBND huyện Gia Lâm"
    and "Huyện Gia Lâm"), or naming the same place ("Huyện ủy Thạch Thất", "Huyện Thạch Thất")."""
    body_a, body_b = a.launcher["body"], b.launcher["body"]
    if not body_a or not body_b:
        return True
    fa, fb = fold(a.launcher["unit"] or body_a), fold(b.launcher["unit"] or body_b)
    if fa in fb or fb in fa:
        return True
    for short, full in ((a.launcher["unit"] or "", b.launcher["unit"] or ""),
                        (b.launcher["unit"] or "", a.launcher["unit"] or "")):
        kind = _BARE_KIND_END.search(short)  # "UBND phường" and "phường Định Công"
        if kind and (full.startswith(short + " ") or full.startswith(kind.group(0) + " ")):
            return True
    places_a = {name for name, _, _ in _place_names(body_a)}
    return bool(places_a) and places_a == {name for name, _, _ in _place_names(body_b)}


def _place_names(text: str) -> list[tuple[str, int, int]]:
    return [m for level in ("district", "commune") for m in places.mentions(text, level)]


def _similar(a: str, b: str) -> bool:
    wa, wb = set(fold(a).split()), set(fold(b).split())
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= 0.6

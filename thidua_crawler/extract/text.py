"""Text normalisation and sentence splitting: the ground every extractor stands on."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

#: Spaces other than the plain one (tabs, no-break and typographic spaces).
_ODD_SPACE = r"[\t\u00a0\u2000-\u200b\u202f\u205f\u3000]"
_SPACES = re.compile(rf"(?: |{_ODD_SPACE})+")
_ZERO_WIDTH = re.compile(r"[\u200c\u200d\u2060\ufeff]")
#: What :func:`normalize_paragraphs` would change: odd or doubled spaces, zero-width characters,
#: space at a paragraph's edge, empty paragraphs.
_UNCLEAN = re.compile(rf"{_ODD_SPACE}|{_ZERO_WIDTH.pattern}|  |^\s|\s$|\s\n\n|\n\n\s")


def normalize(text: str | None) -> str:
    """NFC, one space between words, no zero-width characters, trimmed.

    Vietnamese text from the web mixes composed and decomposed diacritics;
    without NFC the same word would not match itself.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", _ZERO_WIDTH.sub("", text))
    return _SPACES.sub(" ", text).strip()


def normalize_paragraphs(text: str | None) -> str:
    """:func:`normalize` within each paragraph, the paragraphs kept: text from elsewhere than
    the crawl's cleaning ("Tịnh  Biên" with two spaces) reads as the crawl's does. A no-op on
    text the crawl has cleaned, so evidence offsets still point into the stored fields."""
    if not text:
        return ""
    if unicodedata.is_normalized("NFC", text) and not _UNCLEAN.search(text):
        return text  # the crawl's own text: nothing to do, and no time spent doing it
    return "\n\n".join(p for p in (normalize(part) for part in text.split("\n\n")) if p)


class _FoldTable(dict):
    """``str.translate``'s table for :func:`fold`: each character's folded form, worked out
    the first time it is met (a text's characters are mostly the same few hundred)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = "d" if char in "đĐ" else unicodedata.normalize("NFD", char)[0].lower()
        if len(self) < _FOLD_TABLE_MAX:
            self[code] = folded
        return folded


#: Characters :func:`fold` remembers; any beyond are folded each time they are met.
_FOLD_TABLE_MAX = 20_000
_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower case without diacritics ("Thi đua" -> "thi dua"), for lenient matching.

    Keeps the string's length (one character in, one out) so offsets found in
    the folded text are offsets in the original NFC text.
    """
    return text.translate(_FOLD_TABLE)


def inside_quotes(text: str, position: int) -> bool:
    """More quotation marks opened than closed before ``position`` (curly, or straight)."""
    before = text[:position]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


#: The ways the press names Hồ Chí Minh, whose launches and words are history.
HO_CHI_MINH = r"Chủ tịch Hồ Chí Minh|Bác Hồ|Hồ Chủ tịch"


@dataclass(frozen=True)
class Sentence:
    """A sentence with its place in the field it came from."""

    text: str
    field: str
    start: int
    end: int

    def evidence(self) -> dict[str, object]:
        return {"text": self.text, "field": self.field, "start": self.start, "end": self.end}


# A sentence ends at . ! ? … (or a closing quote after them) followed by a space and an
# upper-case letter, a digit, an opening quote or bracket; or at a line break. Dots inside
# numbers ("2.505"), abbreviations like "TP." and "PGS.TS." followed by a name, and dates are
# kept together because no space follows the dot or because the next word is the name.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’»)]?\s+(?=[\"“‘«(]?[A-ZÀ-ỸĐ0-9])|\n+"
                           # "... phong trào 'X'.Chủ trì ...": a full stop glued after a quote
                           r"|(?<=['\"”’]\.)(?=[A-ZÀ-ỸĐ][a-zà-ỹđ])")
_ABBREVIATION = re.compile(r"(?:\b(?:TP|Tp|TX|ThS|TS|PGS|GS|BS|KS|Th\.S|NXB|St|Mr|Ms|[A-ZĐ])\.)$")
#: Longer than any abbreviation above: how far back from a sentence end to look for one.
_ABBREVIATION_WINDOW = 8
#: The longest sentence the extractors see. Real sentences are far shorter (the corpus's longest
#: is under 1,000 characters); a longer run of text (a list without full stops, or an attack)
#: is cut at spaces into pieces of at most this size, so every extractor's work per sentence
#: is bounded and extraction stays linear in the article's length.
MAX_SENTENCE_CHARS = 2000


def sentences(text: str, field: str = "body") -> Iterator[Sentence]:
    """Split a field into sentences, keeping character offsets into the field."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        window = max(start, match.start() - _ABBREVIATION_WINDOW)
        if _ABBREVIATION.search(text, window, match.start()):
            continue
        yield from _emit(text, field, start, match.start())
        start = match.end()
    yield from _emit(text, field, start, len(text))


def _emit(text: str, field: str, start: int, end: int) -> Iterator[Sentence]:
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + 1, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        yield from _emit(text, field, start, cut)
        start = cut
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        s = start + lead
        yield Sentence(stripped, field, s, s + len(stripped))


#: Every way a plain letter may be written in Vietnamese, for diacritic-insensitive search.
_VARIANTS = {
    "a": "aàáảãạăằắẳẵặâầấẩẫậ", "e": "eèéẻẽẹêềếểễệ", "i": "iìíỉĩị",
    "o": "oòóỏõọôồốổỗộơờớởỡợ", "u": "uùúủũụưừứửữự", "y": "yỳýỷỹỵ", "d": "dđ",
}
#: What may stand between two searched words: spaces and punctuation ("thi đua, khen thưởng").
#: Spelled out, because ``\W`` is ASCII-only in some servers' regex engines.
_BETWEEN_WORDS = r"[\s,.;:!?()\[\]\"'“”‘’«»/-]+"


def folded_pattern(words: str) -> str:
    """A regular expression matching ``words`` in order, whatever their diacritics and case,
    with spaces or punctuation between them."""
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
    return "".join(parts)

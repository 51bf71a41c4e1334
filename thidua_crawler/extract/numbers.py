"""Vietnamese counts: "2.505", "01", "mười lăm", "một trăm linh năm"."""

from __future__ import annotations

_DIGIT_WORDS = {
    "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "sáu": 6,
    "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9,
}
_WORDS = (*_DIGIT_WORDS, "mười", "mươi", "linh", "lẻ", "trăm", "nghìn", "ngàn")
#: One or more number words (case-insensitive on the first letter only is left to the caller).
NUMBER_WORDS = r"(?:(?:" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")\s+)+"
#: Digits with "." as the thousands separator ("2.505") or plain ("01", "34").
NUMBER_DIGITS = r"\d{1,3}(?:\.\d{3})+(?![.,]?\d)|\d+(?![.,]?\d)"


def parse_digits(token: str) -> int:
    """ "2.505" -> 2505, "01" -> 1. "." separates thousands in Vietnamese, never decimals."""
    return int(token.replace(".", ""))


def parse_words(phrase: str) -> int | None:
    """The value of a run of number words, or None when the run is not a well-formed number.

    Only the longest well-formed tail counts, so "năm hai" ("year two") reads as 2.
    """
    words = phrase.lower().split()
    for start in range(len(words)):
        value = _value(words[start:])
        if value is not None:
            return value
    return None


def _value(words: list[str]) -> int | None:
    total = hundreds = small = 0
    previous = ""
    for word in words:
        if word in ("mốt", "lăm") and previous not in ("mươi", "mười"):
            return None
        if word in _DIGIT_WORDS:
            if previous in _DIGIT_WORDS:
                return None  # two digits in a row: not one number
            small += _DIGIT_WORDS[word]
        elif word == "mười":
            if previous in _DIGIT_WORDS or previous in ("mười", "mươi"):
                return None
            small += 10
        elif word == "mươi":
            if previous not in _DIGIT_WORDS or small > 9:
                return None
            small *= 10
        elif word in ("linh", "lẻ"):
            if previous != "trăm":
                return None
        elif word == "trăm":
            if previous not in _DIGIT_WORDS:
                return None
            hundreds, small = hundreds + small * 100, 0
        elif word in ("nghìn", "ngàn"):
            if not (small or hundreds):
                return None
            total, hundreds, small = total + (hundreds + small) * 1000, 0, 0
        else:
            return None
        previous = word
    value = total + hundreds + small
    return value or None

"""Bad input affects its own item only: odd bodies, odd JSON-LD, other encodings, absurd counts."""

from __future__ import annotations

import codecs
import time
import unicodedata

import pytest

from thidua_crawler import processing
from thidua_crawler.extract import MAX_AWARD_COUNT, MAX_FACT_TEXT_CHARS, extract_facts
from thidua_crawler.extract.text import MAX_SENTENCE_CHARS, sentences
from thidua_crawler.parsing import parse_article
from thidua_crawler.sample_site import SITE_ROOT

URL = "https://hanoimoi.vn/xa-ba-vi-khen-thuong-1151234.html"
BA_VI = (SITE_ROOT / "xa-ba-vi-khen-thuong-1151234.html").read_text(encoding="utf-8")
TITLE = "Xã Ba Vì khen thưởng 56 tập thể, cá nhân"
TONES = "\u0300\u0301\u0303\u0309\u0323"


@pytest.mark.parametrize("body", [b"[]", b'{"error": "not found"}', b"", b"null", b"\x00\xff\xfe"])
def test_a_body_that_is_not_html_is_unparseable_not_a_crash(body: bytes) -> None:
    page = parse_article(body, URL)
    assert page.title is None and page.body == ""


@pytest.mark.parametrize("json_ld", ['"a string"', "null", "42", '{"@graph": 5}', "[1, null, []]",
                                     '{"@type": "NewsArticle", "headline": 7, "author": [5], '
                                     '"datePublished": 3, "dateModified": ["x"]}'])
def test_json_ld_that_is_not_an_article_object_is_ignored(json_ld: str) -> None:
    html = BA_VI.replace("</head>", f'<script type="application/ld+json">{json_ld}</script></head>')
    page = parse_article(html.encode("utf-8"), URL)
    assert page.title == TITLE and "56 tập thể" in page.body


def cp1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: a base letter, then the tone as a combining mark."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            marks = unicodedata.normalize("NFD", ch)
            tone = next(m for m in marks if m in TONES)
            out += unicodedata.normalize("NFC", marks.replace(tone, "")).encode("cp1258")
            out += tone.encode("cp1258")
    return bytes(out)


@pytest.mark.parametrize("encode", [
    lambda html: cp1258(html.replace('charset="utf-8"', 'charset="windows-1258"')),
    lambda html: codecs.BOM_UTF16_LE + html.replace('charset="utf-8"', 'charset="utf-16"')
    .encode("utf-16-le"),
], ids=["windows-1258", "utf-16"])
def test_the_declared_encoding_is_used(encode) -> None:
    page = parse_article(encode(BA_VI), URL)
    assert page.title == TITLE
    assert "cho 56 tập thể, cá nhân" in unicodedata.normalize("NFC", page.body)
    assert page.warnings == []


def test_replacement_characters_are_reported() -> None:
    broken = BA_VI.encode("utf-8").replace("Giấy khen".encode(), b"Gi\xe1\xba khen")
    page = parse_article(broken, URL)
    assert any("replacement character" in w for w in page.warnings)


def test_an_absurd_count_is_not_an_award_count_and_its_neighbours_stay() -> None:
    body = ("UBND quận tặng Giấy khen cho 99999999999999999999 tập thể. "
            "UBND quận tặng Giấy khen cho 12 tập thể, trong đó 5 tập thể cấp cơ sở và 7 tập "
            "thể cấp quận.")
    counts = extract_facts("Khen thưởng", None, body, None)["award_counts"]
    assert [c["count"] for c in counts] == [12, 5, 7]
    assert [c["part_of"] for c in counts] == [None, 0, 0]
    assert all(c["count"] <= MAX_AWARD_COUNT for c in counts)


COUNT_CLAUSE = "UBND quận Ba Đình tặng Giấy khen cho 12 tập thể, cá nhân, "


def test_sentences_are_bounded_and_keep_exact_offsets() -> None:
    text = "Mở đầu. " + COUNT_CLAUSE * 5000 + "\n\nGS. Nguyễn " * 3000 + "Kết thúc."
    found = list(sentences(text))
    assert max(len(s.text) for s in found) <= MAX_SENTENCE_CHARS
    assert all(text[s.start : s.end] == s.text for s in found)
    assert "".join(s.text for s in found).replace(" ", "") == text.replace(" ", "").replace(
        "\n", "")


@pytest.mark.parametrize(("what", "body", "award_counts"), [
    ("a 1 MB sentence", COUNT_CLAUSE * (1_000_000 // len(COUNT_CLAUSE)), 3420),
    ("20,000 abbreviations", "GS. Nguyễn " * 20_000, 0),
])
def test_one_pathological_article_cannot_stall_the_crawl(what: str, body: str,
                                                         award_counts: int) -> None:
    """Quadratic extraction took minutes here (2.1 s for 100 kB, 76 s for the abbreviations).
    The bound is generous: it separates linear from quadratic, not fast from slow."""
    started = time.monotonic()
    record = processing.process({"title": "Khen thưởng", "sapo": None, "body": body,
                                 "published_at": None, "parser": {"warnings": []}})
    assert time.monotonic() - started < 30, what
    assert len(record["award_counts"]) == award_counts  # those in the first 200,000 characters
    assert record["parser"]["warnings"] == [f"body of {len(body) - 1} characters: facts read "  # stripped
                                            f"from the first {MAX_FACT_TEXT_CHARS} only"]

"""Property-based fuzzing of parsing and extraction: no exception, exact evidence offsets, and a
time bound per kilobyte (so no input is quadratic).

``make test`` runs a fixed, derandomised set of examples; ``make fuzz`` runs many more with a
fresh seed (``HYPOTHESIS_PROFILE=fuzz``).
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thidua_crawler.extract import extract_facts, extract_places
from thidua_crawler.extract.text import normalize, normalize_paragraphs
from thidua_crawler.parsing import parse_article
from thidua_crawler.sample_site import SITE_ROOT

settings.register_profile("ci", max_examples=150, derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=3000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

#: Generous: measured extraction costs about 5 ms per kB on the worst inputs here.
SECONDS_PER_KB = 0.25
SECONDS_BASE = 2.0

#: Pieces of real article language, the triggers every extractor looks for, and their edges.
FRAGMENTS = [
    "UBND quận Thanh Xuân", "Chủ tịch UBND phường Cầu Giấy", "phát động", "phong trào thi đua",
    "đợt thi đua cao điểm", "“Hà Nội xanh”", '"Dân vận khéo"', "khen thưởng", "Bằng khen",
    "Giấy khen", "Huân chương Lao động hạng Ba", "tập thể", "cá nhân", "12", "2.505",
    "99999999999999999999", "mười lăm", "một trăm linh năm", "trong đó", "cấp thành phố",
    "cấp cơ sở", "GS.", "TP.", "PGS.TS.", "Th.S.", "năm 2024", "ngày 15/5/2025", "(1/1/2025 - ",
    "31/12/2025)", "từ ngày 1-3 đến hết ngày 30-6-2025", "chào mừng", "kỷ niệm 75 năm", ", ",
    "; ", ". ", "… ", "\n\n", " và ", "gần ", "hơn ", "Đề nghị Thủ tướng Chính phủ tặng ",
    "huyện Sóc Sơn", "xã Ba Vì", "phường Hoàn Kiếm", "Trong đó, ", "Cụ thể: ", "«", "»", "‘",
]
texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=80).map(
    " ".join)
#: A few inputs repeat one fragment many times: the shape that made extraction quadratic.
repeated = st.builds(lambda piece, n: piece * n, st.sampled_from([
    *FRAGMENTS, "GS. Nguyễn ", "12 tập thể, ", "phát động “a” "]), st.integers(1, 3000))
bodies = st.one_of(texts, repeated)


def check_evidence(fields: dict[str, str], evidence: dict[str, Any]) -> None:
    source = fields[evidence["field"]]
    assert source[evidence["start"] : evidence["end"]] == evidence["text"]


def within_time(started: float, *texts_seen: str) -> None:
    kilobytes = sum(len(t.encode("utf-8")) for t in texts_seen) / 1024
    assert time.monotonic() - started <= SECONDS_BASE + SECONDS_PER_KB * kilobytes


@given(title=texts, sapo=st.one_of(st.none(), texts), body=bodies,
       published=st.one_of(st.none(), st.dates()))
def test_extractors_never_fail_and_point_at_their_evidence(title: str, sapo: str | None,
                                                          body: str, published) -> None:
    started = time.monotonic()
    facts = extract_facts(title, sapo, body, published)
    extract_places(title, sapo, body, published)
    within_time(started, title, sapo or "", body)
    fields = {"title": title, "sapo": sapo or "", "body": body}
    for count in facts["award_counts"]:
        check_evidence(fields, count["evidence"])
        evidence = count["evidence"]
        assert evidence["start"] <= count["span"]["start"] <= count["span"]["end"] <= (
            evidence["end"])
        assert 0 <= count["count"] <= 1_000_000
        assert count["part_of"] is None or 0 <= count["part_of"] < len(facts["award_counts"])
    for launch in facts["campaign_launches"]:
        check_evidence(fields, launch["evidence"])
        for mention in launch.get("mentions", []):
            check_evidence(fields, mention)


PAGE = (SITE_ROOT / "xa-ba-vi-khen-thuong-1151234.html").read_text(encoding="utf-8")
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                           lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.sampled_from(["@type", "@graph", "headline",
                                                              "author", "datePublished", "name"]),
                                             inner, max_size=4), max_leaves=10)


@given(st.one_of(
    st.binary(max_size=2000),
    st.builds(lambda body, ld, date: PAGE.replace("<p>", f"<p>{body}", 1).replace(
        "</head>", f'<script type="application/ld+json">{json.dumps(ld)}</script></head>')
        .replace("2025-10-10T15:00:00+07:00", date).encode("utf-8", "surrogatepass"),
        bodies, json_values, st.text(max_size=30)),
))
def test_parse_article_never_fails(html: bytes) -> None:
    started = time.monotonic()
    page = parse_article(html, "https://hanoimoi.vn/xa-ba-vi-khen-thuong-1151234.html")
    within_time(started, html.decode("utf-8", "replace"))
    assert isinstance(page.body, str)
    assert page.published_at is None or page.published_at.utcoffset() is not None


@given(st.text(alphabet=st.sampled_from(list("ab Ấế\u0301\u00a0\u200b\t\n")), max_size=40))
def test_normalising_paragraphs_has_a_fast_path_that_changes_nothing(text: str) -> None:
    """Extraction normalises text that did not come through the crawl's cleaning; its shortcut
    for clean text must give exactly what the full normalisation gives."""
    full = "\n\n".join(p for p in (normalize(part) for part in text.split("\n\n")) if p)
    assert normalize_paragraphs(text) == full

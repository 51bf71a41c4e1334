"""Facts from article text: places, campaign launches, award counts.

Plain functions from text to data, with no Scrapy in sight, so researchers can
reuse them and tests can run them on any passage. Bump ``EXTRACTOR_VERSION``
whenever a rule changes what comes out; records carry it, and ``scrapy
reextract`` re-runs the rules over stored pages.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from thidua_crawler.extract.awards import extract_award_counts
from thidua_crawler.extract.launches import extract_campaign_launches
from thidua_crawler.extract.places import places_about
from thidua_crawler.extract.text import normalize_paragraphs, sentences

EXTRACTOR_VERSION = "2026.11.7"
#: No commendation in Hanoi's news concerns more recipients than this; a larger "count" is a
#: code, a phone number or an attack, and one beyond 64 bits could not even be stored.
MAX_AWARD_COUNT = 1_000_000
#: Facts are read from at most this much of a body (a news article's text is under 50,000
#: characters), so one pathological page costs a bounded time in the reactor.
MAX_FACT_TEXT_CHARS = 200_000


def _day(published: datetime | date | None) -> date | None:
    return published.date() if isinstance(published, datetime) else published


def extract_places(
    title: str, sapo: str | None, body: str, published: datetime | date | None
) -> dict[str, list[dict[str, str]]]:
    """``districts`` and ``communes`` the article is about (era by publication date)."""
    return places_about(normalize_paragraphs(title), normalize_paragraphs(sapo),
                        normalize_paragraphs(body), _day(published))


def extract_facts(
    title: str, sapo: str | None, body: str, published: datetime | date | None
) -> dict[str, Any]:
    """``campaign_launches``, ``award_counts`` and the ``extractor_version`` that found them."""
    day = _day(published)
    title_s = list(sentences(normalize_paragraphs(title), "title"))
    sapo_s = list(sentences(normalize_paragraphs(sapo), "sapo"))
    body_s = list(sentences(normalize_paragraphs((body or "")[:MAX_FACT_TEXT_CHARS]), "body"))
    return {
        "campaign_launches": extract_campaign_launches([title_s, sapo_s, body_s], day),
        "award_counts": _plausible(extract_award_counts([body_s, sapo_s, title_s])),
        "extractor_version": EXTRACTOR_VERSION,
    }


def _plausible(counts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The counts up to ``MAX_AWARD_COUNT``, their ``part_of`` links renumbered (a part of a
    dropped total stands alone)."""
    kept = [i for i, c in enumerate(counts) if c["count"] <= MAX_AWARD_COUNT]
    position = {old: new for new, old in enumerate(kept)}
    result = []
    for old in kept:
        count = counts[old]
        if count["part_of"] is not None:
            count["part_of"] = position.get(count["part_of"])
        result.append(count)
    return result

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
from thidua_crawler.extract.text import sentences

EXTRACTOR_VERSION = "2026.11.2"


def _day(published: datetime | date | None) -> date | None:
    return published.date() if isinstance(published, datetime) else published


def extract_places(
    title: str, sapo: str | None, body: str, published: datetime | date | None
) -> dict[str, list[dict[str, str]]]:
    """``districts`` and ``communes`` the article is about (era by publication date)."""
    return places_about(title or "", sapo or "", body or "", _day(published))


def extract_facts(
    title: str, sapo: str | None, body: str, published: datetime | date | None
) -> dict[str, Any]:
    """``campaign_launches``, ``award_counts`` and the ``extractor_version`` that found them."""
    day = _day(published)
    title_s = list(sentences(title or "", "title"))
    sapo_s = list(sentences(sapo or "", "sapo"))
    body_s = list(sentences(body or "", "body"))
    return {
        "campaign_launches": extract_campaign_launches([title_s, sapo_s, body_s], day),
        "award_counts": extract_award_counts([body_s, sapo_s, title_s]),
        "extractor_version": EXTRACTOR_VERSION,
    }

"""The flat tables (one row per article, award count, campaign launch) made from records.

They fill the researchers' snapshot (:mod:`thidua_crawler.snapshot`), where
:mod:`thidua_crawler.answers` adds them up by these counting rules (docs/researchers.md):

- an award count that has parts (``part_of`` points at it) is not added again:
  its parts carry the numbers by level. Every other count is a *leaf* and is
  added once;
- the year of an award is its stated ``year``, else the article's publication year;
- an article about several places counts for each of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: Columns of the flat tables (each row also names its article, date, places and URL).
ARTICLE_KEY_COLUMNS = ["record_id", "article_id", "published_at", "published_year", "districts",
                       "communes", "places", "url"]
AWARD_COLUMNS = [*ARTICLE_KEY_COLUMNS, "index", "count", "collectives", "individuals",
                 "approximate", "level", "forms", "status", "conferred_by", "year", "year_stated",
                 "part_of", "leaf", "consistent", "evidence"]
LAUNCH_COLUMNS = [*ARTICLE_KEY_COLUMNS, "index", "kind", "title", "names", "launcher_person",
                  "launcher_position", "launcher_body", "launcher_level", "launcher_unit", "date",
                  "year", "occasion",
                  "period_start", "period_end", "evidence"]
#: Columns that hold lists (JSON arrays in .jsonl, joined with ";" in CSV).
LIST_COLUMNS = frozenset({"districts", "communes", "places", "forms", "names"})
ARTICLE_COLUMNS = [*ARTICLE_KEY_COLUMNS, "section", "title", "author", "launches", "award_counts",
                   "recipients", "extractor_version"]


def place_label(place: Mapping[str, Any]) -> str:
    """A district or commune as a label: ``quận Thanh Xuân``, ``phường Thanh Xuân``."""
    return f"{place['kind']} {place['name']}"


def places_of(article: Mapping[str, Any]) -> list[str]:
    """The article's places as labels."""
    return [place_label(p) for p in
            list(article.get("districts") or []) + list(article.get("communes") or [])]


def _article_columns(article: Mapping[str, Any]) -> dict[str, Any]:
    published = article.get("published_at")
    return {
        "record_id": article["_id"],
        "article_id": article.get("article_id"),
        "published_at": published.isoformat() if published else None,
        "published_year": published.year if published else None,
        "districts": [d["slug"] for d in article.get("districts") or []],
        "communes": [c["name"] for c in article.get("communes") or []],
        "places": places_of(article),
        "url": article.get("url"),
    }


def article_rows(docs: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per article: its keys, headline facts and how many facts it holds."""
    rows = []
    for article in docs:
        leaves = [r for r in award_rows([article]) if r["leaf"]]
        rows.append({**_article_columns(article), "section": article.get("section"),
                     "title": article.get("title"), "author": article.get("author"),
                     "launches": len(article.get("campaign_launches") or []),
                     "award_counts": len(article.get("award_counts") or []),
                     "recipients": sum(r["count"] for r in leaves),
                     "extractor_version": article.get("extractor_version")})
    return rows


def award_rows(docs: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per award count, with its article's id, date, places and URL."""
    rows = []
    for article in docs:
        counts = article.get("award_counts") or []
        has_parts = {c["part_of"] for c in counts if c.get("part_of") is not None}
        base = _article_columns(article)
        for index, count in enumerate(counts):
            rows.append({
                **base,
                "index": index,
                "count": count["count"],
                "collectives": count.get("collectives"),
                "individuals": count.get("individuals"),
                "approximate": count.get("approximate"),
                "level": count.get("level"),
                "forms": list(count.get("forms") or []),
                "status": count.get("status"),
                "conferred_by": count.get("conferred_by"),
                "year": count.get("year") or base["published_year"],
                "year_stated": count.get("year") is not None,
                "part_of": count.get("part_of"),
                "leaf": index not in has_parts,
                "consistent": count.get("consistent"),
                "evidence": count["evidence"]["text"],
            })
    return rows


def launch_rows(docs: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per campaign launch, with its article's id, date, places and URL."""
    rows = []
    for article in docs:
        base = _article_columns(article)
        for index, launch in enumerate(article.get("campaign_launches") or []):
            launcher = launch.get("launcher") or {}
            period = launch.get("period") or {}
            day = launch.get("date")
            rows.append({
                **base,
                "index": index,
                "kind": launch.get("kind"),
                "title": launch.get("title"),
                "names": list(launch.get("names") or []),
                "launcher_person": launcher.get("person"),
                "launcher_position": launcher.get("position"),
                "launcher_body": launcher.get("body"),
                "launcher_level": launcher.get("level"),
                "launcher_unit": launcher.get("unit"),
                "date": day.isoformat() if day else None,
                "year": day.year if day else base["published_year"],
                "occasion": launch.get("occasion"),
                "period_start": period["start"].isoformat() if period.get("start") else None,
                "period_end": period["end"].isoformat() if period.get("end") else None,
                "evidence": launch["evidence"]["text"],
            })
    return rows

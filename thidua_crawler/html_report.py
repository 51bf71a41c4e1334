"""A self-contained HTML report: awards per place and year, launches over time, coverage.

One file with inline SVG charts and no scripts or external resources, so it
opens offline and can be mailed around.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape
from typing import Any

import duckdb

from thidua_crawler import answers
from thidua_crawler.extract import EXTRACTOR_VERSION
from thidua_crawler.filters import Filters

KIND_COLOURS = {"peak": "#c0392b", "special": "#8e44ad", "thematic": "#2980b9",
                "movement": "#27ae60", "other": "#7f8c8d"}
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:72rem;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.5rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:right}
th:first-child,td:first-child,td.text,th.text{text-align:left}
.note{color:#555;font-size:.85rem}.legend span{display:inline-block;margin-right:1rem}
.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
"""


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 article``, ``2 articles``."""
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"


#: Launches listed one by one (the newest); the chart and the counts cover all of them.
LISTED_LAUNCHES = 500


@dataclass
class ReportData:
    """What the report shows, computed over the snapshot by :func:`gather`."""

    articles: int
    first: str | None
    last: str | None
    award_counts: int
    launches: int
    awards: list[dict[str, Any]]  # recipients per place and year
    launches_per_year: list[dict[str, Any]]
    newest_launches: list[dict[str, Any]]
    coverage: list[dict[str, Any]]


def gather(con: duckdb.DuckDBPyConnection, filters: Filters) -> ReportData:
    articles = answers.article_where(filters)
    count, first, last = con.execute(
        f"SELECT count(*), min(published_at), max(published_at) FROM articles "
        f"WHERE {articles.sql}", articles.params).fetchone()
    return ReportData(
        articles=count, first=first, last=last,
        award_counts=answers.count(con, "award_counts", filters),
        launches=answers.count(con, "campaign_launches", filters),
        awards=list(answers.awards_by_place_year(con, filters)),
        launches_per_year=list(answers.launches_by_year_kind(con, filters)),
        newest_launches=list(answers.newest(con, "campaign_launches", filters,
                                            LISTED_LAUNCHES)),
        coverage=list(answers.coverage(con, filters)))


def render(data: ReportData, title: str = "Emulation and commendation in "
           "Hanoi's local news", filters: str = "none") -> str:
    """The report; ``filters`` says which articles were selected, as the command line did."""
    span = f"{data.first[:10]} to {data.last[:10]}" if data.first and data.last else "no dates"
    parts = [
        # English prose around Vietnamese names: the page's language is the data's.
        "<!DOCTYPE html>", '<html lang="vi"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
        f'<h1 lang="en">{escape(title)}</h1>',
        f'<p class="note" lang="en">{plural(data.articles, "article")} from Báo Hànộimới, '
        f"published {span}; "
        f"{plural(data.launches, 'campaign launch', 'campaign launches')} and "
        f"{plural(data.award_counts, 'award count')} (extraction rules "
        f"{escape(EXTRACTOR_VERSION)}). Filters: {escape(filters)}. Generated "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC.</p>",
        _awards_section(data.awards),
        _launches_section(data.launches_per_year, data.newest_launches, data.launches),
        _coverage_section(data.coverage),
        "</body></html>",
    ]
    return "\n".join(parts)


def _awards_section(table: list[dict[str, Any]]) -> str:
    places = sorted({r["place"] for r in table})
    years = every_year({r["year"] for r in table})
    cell = {(r["place"], r["year"]): r for r in table}
    top = max((r["total"] for r in table), default=0) or 1
    head = "".join(f"<th>{y}</th>" for y in years)
    body = []
    for place in places:
        cells = []
        for year in years:
            r = cell.get((place, year))
            if r is None:
                cells.append("<td></td>")
                continue
            shade = 0.08 + 0.6 * r["total"] / top
            tip = (f"{plural(r['collectives'], 'collective')}, "
                   f"{plural(r['individuals'], 'individual')}, {r['combined']:,} combined")
            cells.append(f'<td style="background:rgba(41,128,185,{shade:.2f})" '
                         f'title="{escape(tip)}">{r["total"]:,}</td>')
        body.append(f"<tr><td>{escape(place)}</td>{''.join(cells)}</tr>")
    totals: dict[str, int] = defaultdict(int)
    for r in table:
        totals[r["place"]] += r["total"]
    return (
        "<h2 lang='en'>Award recipients per place and year</h2>"
        '<p class="note" lang="en">Collectives and individuals commended, each total counted once '
        "(where a total is broken down by level, its parts are counted); the year is the "
        "one the awards are for, else the year of publication. Hover a cell for the split.</p>"
        + (f"<table><tr><th>place</th>{head}</tr>{''.join(body)}</table>" if table
           else "<p>No award counts.</p>")
        + _bars(sorted(totals.items(), key=lambda kv: -kv[1]), "Recipients (all years)",
                "recipients")
    )


def _launches_section(per_year_kind: list[dict[str, Any]], rows: list[dict[str, Any]],
                      total: int) -> str:
    per_year: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in per_year_kind:
        per_year[r["year"]][r["kind"]] += r["launches"]
    listing = "".join(
        f"<tr><td>{escape(r['date'] or '')}</td><td class='text'>{escape('; '.join(r['places']))}</td>"
        f"<td class='text'>{escape(r['kind'])}</td>"
        f"<td class='text'>{escape(r['launcher_person'] or '')}</td>"
        f"<td class='text'>{escape(r['launcher_position'] or r['launcher_body'] or '')}</td>"
        f"<td class='text'>{escape('; '.join(r['names']))}</td></tr>" for r in rows)
    legend = "".join(f'<span><i class="swatch" style="background:{c}"></i>{k}</span>'
                     for k, c in KIND_COLOURS.items())
    return (
        "<h2 lang='en'>Campaign launches over time</h2>"
        + _stacked_years(per_year) + f'<p class="legend">{legend}</p>'
        + (f'<p class="note">The {len(rows)} newest of {total} launches:</p>' if total > len(rows)
           else "")
        + ("<table><tr><th>date</th><th class='text'>place</th><th class='text'>kind</th>"
           "<th class='text'>person</th><th class='text'>position or body</th>"
           f"<th class='text'>names</th></tr>{listing}</table>" if rows
           else "<p>No launches.</p>")
    )


def _coverage_section(rows: list[dict[str, Any]]) -> str:
    body = "".join(
        f"<tr><td>{escape(r['month'])}</td><td>{r['articles']}</td><td>{r['with_launch']}</td>"
        f"<td>{r['with_award']}</td><td>{r['share_with_facts']:.0%}</td></tr>" for r in rows)
    return ("<h2 lang='en'>Coverage</h2><p class='note' lang='en'>Articles per month and how "
            "many carry facts: the sampling frame.</p><table><tr><th>month</th><th>articles</th>"
            f"<th>with a launch</th><th>with awards</th><th>with facts</th></tr>{body}</table>")


def every_year(years: Iterable[Any]) -> list[Any]:
    """The years from the first to the last, those without data too (then any non-years)."""
    numbers = [y for y in years if isinstance(y, int)]
    span = list(range(min(numbers), max(numbers) + 1)) if numbers else []
    return span + sorted({y for y in years if not isinstance(y, int) and y is not None}, key=str)


def _bars(items: list[tuple[str, int]], title: str, unit: str) -> str:
    """Horizontal bars as inline SVG, with a title and the value axis named."""
    if not items:
        return ""
    top = max(v for _, v in items) or 1
    row, label_w, bar_w, head = 22, 190, 420, 28
    height = head + row * len(items) + 30
    svg = [f'<svg role="img" aria-label="{escape(title)}" width="{label_w + bar_w + 90}" '
           f'height="{height}" xmlns="http://www.w3.org/2000/svg">'
           f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>'
           f'<line x1="{label_w}" y1="{height - 24}" x2="{label_w + bar_w}" y2="{height - 24}" '
           f'stroke="#999"/><text x="{label_w + bar_w / 2}" y="{height - 6}" font-size="12" '
           f'text-anchor="middle">{escape(unit)}</text>']
    for i, (label, value) in enumerate(items):
        y, width = head + i * row, max(1, round(bar_w * value / top))
        svg.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
                   f"{escape(label)}</text>"
                   f'<rect x="{label_w}" y="{y + 3}" width="{width}" height="{row - 6}" '
                   f'fill="#2980b9"><title>{escape(label)}: {value:,} {escape(unit)}</title>'
                   f'</rect><text x="{label_w + width + 5}" y="{y + 15}" font-size="12">'
                   f"{value:,}</text>")
    svg.append("</svg>")
    return "".join(svg)


def _stacked_years(per_year: Mapping[Any, Mapping[str, int]]) -> str:
    """Launches per year, stacked by kind, as inline SVG columns: every year in the range,
    a title and both axes named."""
    years = every_year(per_year)
    if not years:
        return ""
    top = max(sum(k.values()) for k in per_year.values()) or 1
    col, height, left, head = 48, 160, 40, 28  # room for the counts above the tallest column
    svg = [f'<svg role="img" aria-label="Launches per year" width="{col * len(years) + left + 20}" '
           f'height="{height + head + 50}" xmlns="http://www.w3.org/2000/svg">'
           '<text x="0" y="16" font-size="14" font-weight="bold">Launches per year</text>'
           f'<text x="12" y="{head + height / 2}" font-size="12" text-anchor="middle" '
           f'transform="rotate(-90 12 {head + height / 2})">number of launches</text>'
           f'<text x="{left + col * len(years) / 2}" y="{head + height + 46}" font-size="12" '
           'text-anchor="middle">year</text>']
    for i, year in enumerate(years):
        x, base = left + i * col, head + height + 10
        for kind, colour in KIND_COLOURS.items():
            n = per_year.get(year, {}).get(kind, 0)
            if not n:
                continue
            h = round((height - 16) * n / top)
            base -= h
            svg.append(f'<rect x="{x}" y="{base}" width="{col - 12}" height="{h}" '
                       f'fill="{colour}"><title>{year}: {n} {kind}</title></rect>')
        svg.append(f'<text x="{x + (col - 12) / 2}" y="{base - 4}" font-size="12" '
                   f'text-anchor="middle">{sum(per_year.get(year, {}).values())}</text>'
                   f'<text x="{x + (col - 12) / 2}" y="{head + height + 28}" font-size="12" '
                   f'text-anchor="middle">{escape(str(year))}</text>')
    svg.append("</svg>")
    return "".join(svg)

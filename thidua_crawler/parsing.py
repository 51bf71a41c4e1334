"""Article pages to data: one parser per layout, then metadata, then a generic finder.

Pure functions over HTML (parsel and lxml, no Scrapy), so stored pages can be
replayed in tests and re-parsed later without a crawl. Every selector comes
from :mod:`thidua_crawler.site`, written in parsel's CSS (``::text``,
``::attr(name)``); each is translated and compiled once, then run on lxml's
elements, which costs a fifth of a parsel query a page (docs/benchmark.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlparse

from lxml import etree
from parsel import Selector
from parsel.csstranslator import css2xpath
from w3lib.encoding import html_to_unicode

from thidua_crawler import site
from thidua_crawler.extract.dates import parse_datetime
from thidua_crawler.extract.text import fold, normalize

REPLACEMENT = "\ufffd"
#: An element of the page's lxml tree.
Node = Any


@dataclass
class ParsedArticle:
    """What a page says about itself, before any fact is extracted."""

    url: str
    article_id: int | None
    title: str | None = None
    sapo: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    modified_at: datetime | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    body: str = ""
    images: list[dict[str, str | None]] = field(default_factory=list)
    #: How the article was read: a layout name, "metadata" or "generic" (see ``paths``).
    layout: str = "unknown"
    #: Which source gave each field: {"title": "longform", "published_at": "metadata", ...}.
    paths: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def parse_article(html: str | bytes, url: str) -> ParsedArticle:
    """Read an article page of any known layout, falling back field by field.

    ``html`` is best the text Scrapy decoded (``response.text``, which knows the HTTP
    header's charset); bytes are decoded by their BOM or ``<meta charset>``, else as UTF-8.
    Whatever the body is (JSON, binary), the result is a page, perhaps an empty one.
    """
    text = decode_html(html) if isinstance(html, bytes) else html
    root = Selector(text=text, type="html").root
    meta = _metadata(root)
    canonical = _first(root, site.META["canonical"])
    article_url = canonical if canonical and site.article_id(canonical) else url
    art = ParsedArticle(url=article_url, article_id=site.article_id(article_url))

    layout = next((lay for lay in site.LAYOUTS if _select(root, lay.detect)), None)
    art.layout = layout.name if layout else "metadata" if meta.get("title") else "generic"
    from_layout: dict[str, Any] = _read_layout(root, layout) if layout else {}

    for name in ("title", "sapo", "author", "section"):
        value = from_layout.get(name) or meta.get(name)
        setattr(art, name, value or None)
        if value:
            art.paths[name] = layout.name if from_layout.get(name) else "metadata"
    if art.title is None:
        title = _text_of(root, site.GENERIC_BODY.title)
        art.title = site.GENERIC_BODY.title_suffix.sub("", title) if title else None
        if art.title:
            art.paths["title"] = "generic"

    # Dates: metadata first, because it carries the time zone; visible text second.
    published = parse_datetime(meta.get("published"))
    art.paths["published_at"] = "metadata"
    if published is None and from_layout.get("date_text"):
        published = parse_datetime(from_layout["date_text"])
        art.paths["published_at"] = layout.name if layout else "generic"
        if published is None:
            art.warnings.append(f"unreadable date text {from_layout['date_text']!r}")
    if published is None and layout is None:
        published = _first_date_in_text(root)
        art.paths["published_at"] = "generic"
    if published is None:
        del art.paths["published_at"]
    art.published_at = published
    art.modified_at = parse_datetime(meta.get("modified"))
    if layout and published and not _within(layout, published):
        art.warnings.append(f"date {published.date()} outside layout {layout.name}'s validity")

    art.tags = from_layout.get("tags") or meta.get("tags") or []
    container = from_layout.get("container")
    if container is None:
        container = _largest_text_block(root)
        art.paths["body"] = "generic"
    else:
        art.paths["body"] = layout.name
    if container is not None:
        art.body = _body_text(container)
        art.images = _images(container)
    if not art.images:
        art.images = _images(root)
    if art.section is None:
        art.section = _section_from_url(url)
    replaced = sum(value.count(REPLACEMENT) for value in (art.title or "", art.sapo or "", art.body))
    if replaced:
        art.warnings.append(f"{replaced} replacement character(s) (U+FFFD) in the text: "
                            "the page's declared encoding may be wrong")
    return art


def decode_html(body: bytes) -> str:
    """A page's bytes as text, by its BOM or ``<meta charset>`` (Windows-1258, UTF-16...),
    else UTF-8; undecodable bytes become U+FFFD, which :func:`parse_article` reports."""
    return html_to_unicode(None, body, default_encoding="utf-8")[1]


@cache
def _query(css: str) -> etree.XPath:
    """A selector of site.py as a compiled XPath query (parsel's own translation)."""
    return etree.XPath(css2xpath(css), smart_strings=False)


def _select(node: Node, css: str) -> list[Any]:
    """What ``css`` finds under ``node``: elements, or strings for ``::text`` and ``::attr``."""
    return _query(css)(node)


def _text(found: Any) -> str:
    """A string found, or an element's text (every text node inside it, as ``::text``)."""
    return found if isinstance(found, str) else " ".join(found.itertext())


def _strings(node: Node, css: str) -> list[str]:
    return [_text(found) for found in _select(node, css)]


def _first(node: Node, queries: tuple[str, ...]) -> str | None:
    for query in queries:
        for value in _strings(node, query):
            text = normalize(value)
            if text:
                return text
    return None


def _text_of(node: Node, queries: tuple[str, ...]) -> str | None:
    """The visible text of the first element any query finds."""
    for query in queries:
        found = _select(node, query)
        if found:
            text = normalize(_text(found[0]))
            if text:
                return text
    return None


def _first_date_in_text(node: Node) -> datetime | None:
    for text in _strings(node, site.GENERIC_BODY.date_text):
        found = parse_datetime(text) if any(ch.isdigit() for ch in text) else None
        if found:
            return found
    return None


def _metadata(node: Node) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for name in ("title", "sapo", "author", "published", "modified"):
        meta[name] = _first(node, site.META[name])
    section = _first(node, site.META["section"])
    meta["section"] = _section_slug(section) if section else None
    tags = [normalize(t) for t in _strings(node, site.META["tags"][0]) if normalize(t)]
    if not tags:
        keywords = _first(node, site.META["keywords"]) or ""
        tags = [normalize(k) for k in keywords.split(",") if normalize(k)]
    meta["tags"] = tags
    for data in _json_ld(node):
        meta["title"] = meta["title"] or normalize(_string(data.get("headline")))
        meta["sapo"] = meta["sapo"] or normalize(_string(data.get("description")))
        meta["published"] = meta["published"] or _string(data.get("datePublished"))
        meta["modified"] = meta["modified"] or _string(data.get("dateModified"))
        author = data.get("author")
        if isinstance(author, list):
            author = author[0] if author else None
        if isinstance(author, dict):
            author = author.get("name")
        meta["author"] = meta["author"] or normalize(_string(author)) or None
    return meta


def _string(value: Any) -> str | None:
    """JSON-LD values are whatever a site wrote: only text is used."""
    return value if isinstance(value, str) else None


def _json_ld(node: Node) -> list[dict[str, Any]]:
    found = []
    for raw in _strings(node, site.JSON_LD):
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            continue
        items = data.get("@graph", [data]) if isinstance(data, dict) else data
        if not isinstance(items, list):
            continue  # a string, a number, null, or a "@graph" that is not a list
        for item in items:
            kind = item.get("@type") if isinstance(item, dict) else None
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k in site.JSON_LD_ARTICLE_TYPES for k in kinds):
                found.append(item)
    return found


def _read_layout(node: Node, layout: site.Layout) -> dict[str, Any]:
    author = _text_of(node, layout.author)
    date_text = _text_of(node, layout.date)
    if author and site.AUTHOR_DATE_SEPARATOR.search(author):
        # "Bảo Vy| 07/04/2023 15:04": the byline carries the date too.
        name, rest = site.AUTHOR_DATE_SEPARATOR.split(author, maxsplit=1)
        author, date_text = name or None, date_text or rest
    section_href = _first(node, layout.section) if layout.section else None
    container = next((found[0] for q in layout.body if (found := _select(node, q))), None)
    tags = []
    for query in layout.tags:
        tags = [normalize(t) for t in _strings(node, query) if normalize(t)]
        if tags:
            break
    return {
        "title": _text_of(node, layout.title),
        "sapo": _text_of(node, layout.sapo),
        "author": author,
        "date_text": date_text,
        "section": _section_from_url(section_href) if section_href else None,
        "tags": tags,
        "container": container,
    }


def _within(layout: site.Layout, moment: datetime) -> bool:
    day = moment.date()
    after_start = layout.valid_from is None or day >= layout.valid_from
    before_end = layout.valid_until is None or day <= layout.valid_until
    return after_start and before_end


def _blocks(container: Node) -> list[str]:
    lines: list[str] = []
    for block in _BODY_BLOCKS(container):
        text = normalize(_text(block))
        if text:
            lines.append(text)
    return lines


def _xpath_name(css: str) -> str:
    """``table.image`` -> ``table[contains(@class,'image')]``; ``.related`` -> ``*[...]``."""
    tag, _, cls = css.partition(".")
    tag = tag or "*"
    return f"{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')]" if cls else tag


def _body_blocks_xpath() -> str:
    """One query for the body's text blocks (``site.BODY_BLOCKS``) that lie under none of
    ``site.BODY_SKIP_ANCESTORS`` and inside no other paragraph, item or quote (whose text
    already holds theirs): one query a page rather than two for each block."""
    blocks = " or ".join(f"self::{_xpath_name(b.strip())}" for b in site.BODY_BLOCKS.split(","))
    skip = " or ".join(f"ancestor-or-self::{_xpath_name(s)}" for s in site.BODY_SKIP_ANCESTORS)
    return (f"descendant-or-self::*[{blocks}][not({skip})]"
            "[not(ancestor::p or ancestor::li or ancestor::blockquote)]")


_BODY_BLOCKS = etree.XPath(_body_blocks_xpath())
_CHILD_PARAGRAPHS = etree.XPath("./p")


def _body_text(container: Node) -> str:
    """Paragraphs joined by a blank line; boilerplate is dropped later, in text cleaning."""
    return "\n\n".join(_blocks(container))


def _images(node: Node) -> list[dict[str, str | None]]:
    images = []
    for figure in _select(node, site.IMAGES):
        src = _first(figure, site.IMAGE_SRC)
        if not src or site.THUMBNAIL_URL.search(src):
            continue
        caption = normalize(" ".join(_strings(figure, site.IMAGE_CAPTION)))
        images.append({"url": src, "caption": caption or None})
    return images


def _largest_text_block(node: Node) -> Node | None:
    """The element whose own paragraphs hold the most text: an unknown layout's body.

    Only direct child paragraphs count, so a wrapper that also holds asides and
    related links loses to the element that holds the text itself.
    """
    best, best_len = None, site.GENERIC_BODY.min_chars - 1
    for candidate in _select(node, site.GENERIC_BODY.candidates):
        length = sum(len(normalize(_text(p))) for p in _CHILD_PARAGRAPHS(candidate))
        if length > best_len:
            best, best_len = candidate, length
    return best


def _section_slug(value: str) -> str | None:
    """A section name or link as its slug: "Xã hội" -> "xa-hoi"."""
    value = value.strip().strip("/")
    if "/" in value or value.startswith("http"):
        return _section_from_url(value)
    return "-".join(fold(value).split()) or None


def _section_from_url(url: str) -> str | None:
    """``/chinh-tri/cai-cach-hanh-chinh`` -> ``chinh-tri``; article URLs carry no section."""
    parts = [p for p in urlparse(url).path.split("/") if p]
    if not parts or site.article_id(url) is not None or parts[0].lower() in ("tin-tuc", "rss"):
        return None
    if parts[0].lower() == site.OLD_SECTION_PREFIX:
        return _section_slug(parts[-1].replace("-", " "))
    return parts[0]

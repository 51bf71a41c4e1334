"""Everything the crawler knows about hanoimoi.vn's URLs and markup, in one place.

The live site cannot be reached from where this project is built, so this
module is written from public evidence (see docs/site.md). When the live site
disagrees, mend it here: every URL the spider builds and every selector the
parsers use comes from this module. Each field has a list of selectors tried
in order; the parsers fall back to page metadata and then to a generic
largest-text-block finder when all of them miss.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urljoin, urlparse

DEFAULT_BASE_URL = "https://hanoimoi.vn"
SOURCE = "hanoimoi"

# --- URLs -------------------------------------------------------------------

#: New site (2023 on): ``/<slug>-<id>.html``.
ARTICLE_URL_NEW = re.compile(r"/(?P<slug>[a-z0-9-]+?)-(?P<id>\d+)\.html?$")
#: Old site (until ~2023): ``/Tin-tuc/<Category>/<id>/<slug>``.
ARTICLE_URL_OLD = re.compile(r"/Tin-tuc/(?P<category>[^/]+)/(?P<id>\d+)(?:/[^/?#]*)?$", re.I)
#: Old site section pages: ``/Danh-muc-tin/<id>/<Name>``.
OLD_SECTION_PREFIX = "danh-muc-tin"
#: Event aggregation pages look like articles but are not.
EVENT_URL = re.compile(r"-event\d+\.html?$")
#: Sections whose pages are not news articles.
NON_ARTICLE_SECTIONS = frozenset(
    {"an-pham", "ban-do-ha-noi", "multimedia", "video", "emagazine", "infographic", "photo",
     "podcast"}
)
#: Sections walked by the RSS and section discoverers (district news is spread over them).
SECTIONS: tuple[str, ...] = (
    "chinh-tri", "kinh-te", "do-thi", "van-hoa", "xa-hoi", "giao-duc", "y-te", "du-lich",
    "nong-nghiep-nong-thon", "khoa-hoc-cong-nghe", "doi-song", "ha-noi-ket-noi", "phap-luat",
    "ban-doc", "goc-nhin", "doanh-nghiep",
)

SITEMAP_INDEX_PATH = "/sitemap.xml"
#: Daily article sitemaps, chosen by the date in their name.
DAILY_SITEMAP = re.compile(r"sitemap-article-(\d{4}-\d{2}-\d{2})\.xml")
#: Other sitemaps the index may list that hold articles but carry no date in their name.
UNDATED_ARTICLE_SITEMAPS = re.compile(r"sitemap-news\.xml")
RSS_PATH = "/rss/{section}"
SECTION_PATH = "/{section}"
#: The section page names its channel id in an attribute like ``api/getarticlebychannel/471``.
CHANNEL_ID = re.compile(r"getarticlebychannel/(\d+)")
CHANNEL_ID_ATTRIBUTES = ("data-action", "data-url", "data-api")
LOAD_MORE_PATH = "/api/getMoreArticle/channel_empty_{last_id}_{channel_id}_0"
#: JSON keys of a load-more answer.
API_URL_KEYS = ("LinktoMe2", "LinktoMe", "Url")
API_TIME_KEYS = ("TimeX2", "PublishedDate")
#: Article links on a section page (anchors whose href matches an article URL are kept).
SECTION_ARTICLE_LINKS = "a::attr(href)"


#: Hosts of the live site, old and new. Links to them are followed on the configured root.
LIVE_HOSTS = frozenset({"hanoimoi.vn", "www.hanoimoi.vn", "hanoimoi.com.vn", "www.hanoimoi.com.vn"})


def on_base(url: str, base_url: str) -> str:
    """A live-site link, moved onto the configured root (a mirror or test server)."""
    parsed, base = urlparse(url), urlparse(base_url)
    if parsed.hostname in LIVE_HOSTS and parsed.netloc != base.netloc:
        return parsed._replace(scheme=base.scheme, netloc=base.netloc).geturl()
    return url


def public_url(url: str, base_url: str) -> str:
    """The inverse of :func:`on_base`: the address readers know, for records."""
    parsed, base, live = urlparse(url), urlparse(base_url), urlparse(DEFAULT_BASE_URL)
    if parsed.netloc == base.netloc and parsed.netloc != live.netloc:
        return parsed._replace(scheme=live.scheme, netloc=live.netloc).geturl()
    return url


def site_url(base_url: str, path: str) -> str:
    """Join a path to the configured site root (a mirror or test server works the same)."""
    return urljoin(base_url.rstrip("/") + "/", path.lstrip("/"))


def article_id(url: str) -> int | None:
    """The numeric article id, stable across both generations of the site."""
    path = urlparse(url).path
    if EVENT_URL.search(path):
        return None
    for pattern in (ARTICLE_URL_NEW, ARTICLE_URL_OLD):
        match = pattern.search(path)
        if match:
            return int(match.group("id"))
    return None


def is_article_url(url: str) -> bool:
    """True for article pages; event pages and non-article sections are not."""
    parts = [p for p in urlparse(url).path.split("/") if p]
    if parts and parts[0] in NON_ARTICLE_SECTIONS:
        return False
    return article_id(url) is not None


def sitemap_date(url: str) -> date | None:
    """The day a daily article sitemap covers, from its file name."""
    match = DAILY_SITEMAP.search(url)
    return date.fromisoformat(match.group(1)) if match else None


# --- Article pages ----------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Selectors of one article page layout, and the dates it is known to be in use.

    ``detect`` must match for the layout to be chosen. ``valid_from`` and
    ``valid_until`` are documentation and a sanity check (an article dated
    outside them is counted in the stats), in the spirit of Fundus.
    """

    name: str
    detect: str
    title: tuple[str, ...]
    sapo: tuple[str, ...]
    author: tuple[str, ...]
    date: tuple[str, ...]
    body: tuple[str, ...]
    tags: tuple[str, ...] = ("div.c-widget-tags a::text", "div.tags a::text")
    section: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_until: date | None = None


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        name="longform",
        detect="h1.sc-longform-header-title",
        title=("h1.sc-longform-header-title",),
        sapo=("p.sc-longform-header-sapo", ".sc-longform-header-sapo"),
        author=("span.sc-longform-header-author",),
        date=("span.sc-longform-header-date",),
        body=("div.entry", "article.entry"),
        section=("div.sc-longform-header-cate a::attr(href)", ".breadcrumb a::attr(href)"),
        valid_from=date(2023, 1, 1),
    ),
    Layout(
        name="detail",
        detect="h1.c-detail-head__title",
        title=("h1.c-detail-head__title",),
        sapo=("h2.desc", "p.desc", ".c-detail-head__sapo"),
        author=("span.c-detail-head__author", ".c-detail-author"),
        date=("span.c-detail-head__time",),
        body=("div.c-news-detail", "div.b-maincontent"),
        section=(".c-detail-head__cate a::attr(href)", ".breadcrumb a::attr(href)"),
        valid_from=date(2023, 1, 1),
    ),
    Layout(
        name="old_site",
        detect="#NewsDetails > h1",
        title=("#NewsDetails > h1",),
        sapo=("#NewsDetails .sapo", "#NewsDetails h2", "#NewsDetails .summary"),
        author=("#NewsDetails .author", "#abody p.author"),
        date=("div.moder div.refer", ".refer"),
        body=("#abody",),
        section=("#NewsDetails .cate a::attr(href)",),
        valid_until=date(2023, 12, 31),
    ),
)

#: Page metadata, the first fallback for every field.
META = {
    "title": ('meta[property="og:title"]::attr(content)',),
    "sapo": (
        'meta[property="og:description"]::attr(content)',
        'meta[name="description"]::attr(content)',
    ),
    "author": ('meta[name="author"]::attr(content)',),
    "published": (
        'meta[property="article:published_time"]::attr(content)',
        'meta[itemprop="datePublished"]::attr(content)',
    ),
    "modified": ('meta[property="article:modified_time"]::attr(content)',),
    "section": ('meta[property="article:section"]::attr(content)',),
    "tags": ('meta[property="article:tag"]::attr(content)',),
    "keywords": ('meta[name="keywords"]::attr(content)',),
    "canonical": ('link[rel="canonical"]::attr(href)', 'meta[property="og:url"]::attr(content)'),
}
JSON_LD = 'script[type="application/ld+json"]::text'
JSON_LD_ARTICLE_TYPES = frozenset({"NewsArticle", "Article", "ReportageNewsArticle"})

#: Inside a body container: the blocks that carry text, and the ones that never do
#: (each a ``tag``, ``tag.class`` or ``.class``).
BODY_BLOCKS = "p, h2, h3, h4, blockquote, li"
BODY_SKIP_ANCESTORS = ("figure", "figcaption", "table.image", ".c-widget-tags", ".related",
                       ".author", "script", "style")
IMAGES = "figure, table.image"
IMAGE_SRC = ("img::attr(data-src)", "img::attr(src)")
IMAGE_CAPTION = "figcaption ::text, .image_desc ::text"
#: Thumbnails of other articles, not this article's pictures.
THUMBNAIL_URL = re.compile(r"/thumbs/")

#: Lines that are page furniture, not article text (matched on the whole, normalised line).
BOILERPLATE_LINES = (
    re.compile(r"^Theo dõi Báo Hànộimới trên", re.I),
    re.compile(r"^\(\d+\)\s*Bình luận$", re.I),
    re.compile(r"^(Nổi bật|Đừng bỏ lỡ|Tin liên quan|Tin cùng chuyên mục|Đọc thêm|Từ khóa|Từ khoá)$",
               re.I),
    re.compile(r"^\(\*\)\s*Không sao chép dưới mọi hình thức", re.I),
)
#: Headings after which everything is furniture (related-article lists and the like).
TRAILING_BLOCK_HEADINGS = re.compile(
    r"^(Nổi bật|Đừng bỏ lỡ|Tin liên quan|Tin cùng chuyên mục|Đọc thêm)$", re.I
)

#: Author and date often share one line: ``Bảo Vy| 07/04/2023 15:04``.
AUTHOR_DATE_SEPARATOR = re.compile(r"\s*\|\s*")


@dataclass(frozen=True)
class GenericBody:
    """The last resort for an unknown layout: the element with the most paragraph text,
    the first heading (or the page title) and the first date in the visible text."""

    candidates: str = "article, main, section, div"
    min_chars: int = 200
    title: tuple[str, ...] = ("h1", "title")
    title_suffix: re.Pattern[str] = re.compile(r"\s*[-|–]\s*(?:Báo )?Hà ?nộ?i ?mới.*$", re.I)
    date_text: str = "body :not(script):not(style)::text"


GENERIC_BODY = GenericBody()

#: Polite request headers; the site is known to refuse requests without them.
REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5",
}


"""A local mirror of N synthetic article pages for `make bench`, and a server fast enough for it.

The pages are the sample site's new-layout articles used as templates: each copy gets its
own article id, publication date (moved back in time, staying on the same side of the
2025 administrative reform so its places stay valid), district and award numbers, so the
parsers, the extractors and the database see varied input rather than one page N times.
The mirror has a sitemap index and one sitemap per day, like the live site.

    python scripts/mirror.py generate DIR --pages 10000
    python scripts/mirror.py serve DIR --port 8099
"""

from __future__ import annotations

import argparse
import random
import re
from datetime import date, datetime, timedelta
from pathlib import Path

from thidua_crawler.sample_site import SITE_ROOT
from thidua_crawler.site import ARTICLE_URL_NEW, DEFAULT_BASE_URL

REFORM = date(2025, 7, 1)
PUBLISHED = re.compile(r'article:published_time" content="(\d{4}-\d{2}-\d{2})')
COUNT = re.compile(r"\b\d{1,3}(?= (?:tập thể|cá nhân))")
#: Districts a pre-reform page may be moved to, by kind (the page keeps its kind word).
DISTRICTS = {
    "quận": ["Thanh Xuân", "Cầu Giấy", "Đống Đa", "Ba Đình", "Hoàn Kiếm", "Hai Bà Trưng",
             "Long Biên", "Tây Hồ", "Hoàng Mai", "Hà Đông", "Nam Từ Liêm", "Bắc Từ Liêm"],
    "huyện": ["Sóc Sơn", "Đông Anh", "Gia Lâm", "Ba Vì", "Thanh Trì", "Mê Linh", "Phúc Thọ",
              "Đan Phượng", "Thạch Thất", "Quốc Oai", "Chương Mỹ", "Thường Tín"],
}
PLACE = re.compile(r"(?i)\b(quận|huyện) (" + "|".join(
    name for names in DISTRICTS.values() for name in names) + r")\b")
FIRST_ID = 3_000_000
#: Articles per daily sitemap, and the newest day.
PER_DAY = 40
LAST_DAY = date(2026, 2, 28)


def templates() -> list[tuple[str, str, date]]:
    """(slug, html, publication day) of each new-layout article of the sample site."""
    found = []
    for path in sorted(SITE_ROOT.glob("*.html")):
        match = ARTICLE_URL_NEW.search("/" + path.name)
        html = path.read_text(encoding="utf-8")
        published = PUBLISHED.search(html)
        if match and published:
            found.append((match.group("id"), html, date.fromisoformat(published.group(1))))
    return found


def _page(html: str, old_id: str, new_id: int, old_day: date, new_day: date,
          rng: random.Random) -> str:
    html = html.replace(old_id, str(new_id))
    html = html.replace(old_day.isoformat(), new_day.isoformat())
    html = html.replace(f"{old_day:%d/%m/%Y}", f"{new_day:%d/%m/%Y}")
    html = COUNT.sub(lambda _: str(rng.randint(1, 400)), html)
    if old_day < REFORM:
        swap = {}

        def place(match: re.Match) -> str:
            kind = match.group(1)
            key = (kind.lower(), match.group(2))
            swap.setdefault(key, rng.choice(DISTRICTS[kind.lower()]))
            return f"{kind} {swap[key]}"

        html = PLACE.sub(place, html)
    return html


def generate(root: Path, pages: int, seed: int = 11) -> list[str]:
    """Write the mirror into ``root``; returns the article paths, in sitemap order."""
    rng = random.Random(seed)
    sources = templates()
    root.mkdir(parents=True, exist_ok=True)
    days: dict[date, list[tuple[str, datetime]]] = {}
    paths = []
    for i in range(pages):
        old_id, html, old_day = sources[i % len(sources)]
        # About PER_DAY articles a day, counting back in time; post-reform pages stay after
        # the reform (their wards and communes did not exist before).
        back = timedelta(days=i // PER_DAY)
        new_day = (LAST_DAY - back % (LAST_DAY - REFORM) if old_day >= REFORM
                   else REFORM - timedelta(days=1) - back)
        new_id = FIRST_ID + i
        name = f"bai-viet-{new_id}.html"
        (root / name).write_text(_page(html, old_id, new_id, old_day, new_day, rng),
                                 encoding="utf-8")
        days.setdefault(new_day, []).append((name, datetime.combine(new_day, datetime.min.time())))
        paths.append("/" + name)
    index = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for day in sorted(days, reverse=True):
        sitemap = f"sitemap-article-{day.isoformat()}.xml"
        index.append(f"<sitemap><loc>{DEFAULT_BASE_URL}/{sitemap}</loc>"
                     f"<lastmod>{day.isoformat()}T23:00:00+07:00</lastmod></sitemap>")
        urls = "".join(f"<url><loc>{DEFAULT_BASE_URL}/{name}</loc>"
                       f"<lastmod>{day.isoformat()}T12:00:00+07:00</lastmod></url>"
                       for name, _ in days[day])
        (root / sitemap).write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">{urls}</urlset>\n', encoding="utf-8")
    index.append("</sitemapindex>")
    (root / "sitemap.xml").write_text("\n".join(index) + "\n", encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /api/internal/\n", encoding="utf-8")
    return paths


def serve(root: Path, port: int) -> None:
    """Serve the mirror from memory with Twisted: one process, no file system per request."""
    from twisted.internet import reactor
    from twisted.web import resource, server

    files = {f"/{p.name}".encode(): p.read_bytes() for p in root.iterdir() if p.is_file()}

    class Mirror(resource.Resource):
        isLeaf = True

        def render_GET(self, request: server.Request) -> bytes:
            body = files.get(request.path)
            if body is None:
                request.setResponseCode(404)
                return b"not found"
            kind = b"application/xml" if request.path.endswith(b".xml") else b"text/html"
            request.setHeader(b"content-type", kind + b"; charset=utf-8")
            return body

    site = server.Site(Mirror())
    site.noisy = False
    site.log = lambda request: None  # an access log would cost the server more than the page
    reactor.listenTCP(port, site, interface="127.0.0.1")
    print(f"serving {len(files)} files on http://127.0.0.1:{port}", flush=True)
    reactor.run()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("generate", "serve"))
    parser.add_argument("root", type=Path)
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--port", type=int, default=8099)
    args = parser.parse_args()
    if args.action == "generate":
        print(f"{len(generate(args.root, args.pages))} pages in {args.root}")
    else:
        serve(args.root, args.port)


if __name__ == "__main__":
    main()

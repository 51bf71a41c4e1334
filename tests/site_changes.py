"""Changes to a copy of the sample site, as the live site makes them: a new article in a new
daily sitemap, an edited article with a newer lastmod."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

LIVE = "https://hanoimoi.vn"


def _now() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def _touch_index(root: Path, child: str, lastmod: str) -> None:
    index = root / "sitemap.xml"
    text = index.read_text(encoding="utf-8")
    entry = f"<sitemap><loc>{LIVE}/{child}</loc><lastmod>{lastmod}</lastmod></sitemap>"
    pattern = re.compile(rf"<sitemap><loc>{re.escape(LIVE)}/{re.escape(child)}</loc>.*?</sitemap>")
    if pattern.search(text):
        text = pattern.sub(entry, text)
    else:
        text = text.replace("</sitemapindex>", f"  {entry}\n</sitemapindex>")
    index.write_text(text, encoding="utf-8")


def add_article(root: Path, article_id: int, day: str, lastmod: str | None = None) -> str:
    """Publish a new article (a copy of the Ba Vì commune article, renumbered) on ``day``;
    the sitemap index marks its daily sitemap modified at ``lastmod`` (default: now)."""
    source = (root / "xa-ba-vi-khen-thuong-1151234.html").read_text(encoding="utf-8")
    path = f"xa-ba-vi-so-ket-thi-dua-{article_id}.html"
    text = (source.replace("xa-ba-vi-khen-thuong-1151234.html", path)
            .replace("Xã Ba Vì khen thưởng 56 tập thể, cá nhân",
                     "Xã Ba Vì khen thưởng 20 tập thể, cá nhân dịp sơ kết")
            .replace("cho 56 tập thể, cá nhân", "cho 20 tập thể, cá nhân")
            .replace("2025-10-10T15:00:00+07:00", f"{day}T09:00:00+07:00"))
    (root / path).write_text(text, encoding="utf-8")
    child = f"sitemap-article-{day}.xml"
    (root / child).write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"  <url><loc>{LIVE}/{path}</loc><lastmod>{day}T09:00:00+07:00</lastmod></url>\n"
        "</urlset>\n", encoding="utf-8")
    _touch_index(root, child, lastmod or _now())
    return "/" + path


def edit_article(root: Path, filename: str, day: str, old: str, new: str) -> None:
    """Change an article's text and mark it modified in its daily sitemap and the index."""
    page = root / filename
    text = page.read_text(encoding="utf-8")
    assert old in text
    page.write_text(text.replace(old, new), encoding="utf-8")
    child = root / f"sitemap-article-{day}.xml"
    now = _now()
    child.write_text(re.sub(rf"(<loc>{re.escape(LIVE)}/{re.escape(filename)}</loc><lastmod>)"
                            r"[^<]+", rf"\g<1>{now}", child.read_text(encoding="utf-8")),
                     encoding="utf-8")
    _touch_index(root, child.name, now)

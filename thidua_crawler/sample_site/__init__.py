"""An offline copy of hanoimoi.vn and a small HTTP server for it.

``site/`` holds pages in the live site's markup: the sitemap index and daily
sitemaps, RSS feeds, two section pages with their load-more API answers, and
14 articles in the longform (A), detail (B), old-site and an unknown layout.
Paths are the live site's; a path without a file extension is served from
``<path>.html``, ``<path>.xml`` or ``<path>.json`` when that file exists.

The server logs every request path (``requests``, and a file when asked) so
tests can see what a crawl downloaded; ``redirects`` (path to URL) answers a
path with a 301, as a moved or hijacked site does. A ``.htm`` file is served
as ``text/html`` with no charset, so the page's own ``<meta charset>`` or BOM
decides its encoding.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlparse

SITE_ROOT = Path(str(resources.files(__name__).joinpath("site")))
#: The spider arguments that crawl the whole sample: every date it holds, the three sections
#: whose listings it has (``make demo`` and the tests use them).
CRAWL_ARGUMENTS = {"since": "2010-01-01", "until": "2026-12-31",
                   "sections": "chinh-tri,xa-hoi,kinh-te"}
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".xml": "application/xml; charset=utf-8",
    ".json": "application/json; charset=utf-8", ".txt": "text/plain; charset=utf-8",
    ".htm": "text/html",
}


class SampleSite:
    """Serves a copy of the site on 127.0.0.1 in a background thread."""

    def __init__(self, root: Path = SITE_ROOT, port: int = 0, delay: float = 0.0,
                 log_file: Path | None = None):
        self.root, self.delay, self.log_file = Path(root), delay, log_file
        self.requests: list[str] = []
        self.redirects: dict[str, str] = {}
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> SampleSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> SampleSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def file_for(self, path: str) -> Path | None:
        """The file a request path is served from, if any."""
        relative = unquote(urlparse(path).path).lstrip("/") or "index.html"
        candidate = (self.root / relative).resolve()
        if not candidate.is_relative_to(self.root.resolve()):
            return None
        if candidate.is_file():
            return candidate
        for suffix in (".html", ".xml", ".json"):
            with_suffix = candidate.with_name(candidate.name + suffix)
            if with_suffix.is_file():
                return with_suffix
        return None

    def _record(self, path: str) -> None:
        with self._lock:
            self.requests.append(path)
            if self.log_file:
                with self.log_file.open("a", encoding="utf-8") as log:
                    log.write(path + "\n")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site._record(self.path)
                if site.delay:
                    time.sleep(site.delay)
                if self.path in site.redirects:
                    self.send_response(301)
                    self.send_header("Location", site.redirects[self.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                found = site.file_for(self.path)
                if found is None:
                    self.send_error(404)
                    return
                body = found.read_bytes()
                self.send_response(200)
                kind = CONTENT_TYPES.get(found.suffix, "text/html; charset=utf-8")
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # the request list is the log

        return Handler

"""Progress: a long crawl says how far along it is; reextract and export show a bar on a
terminal and nothing when piped."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from urllib.parse import urlparse

from scrapy.utils.test import get_crawler

from tests.conftest import ALL_DATES, FAST, PROJECT, SECTIONS
from tests.pause import pause_after, wait_for
from thidua_crawler.progress import CrawlProgress
from thidua_crawler.site import DEFAULT_BASE_URL
from thidua_crawler.spiders.hanoimoi import HanoimoiSpider

BAR = re.compile(r"\d+%\|")
#: A progress line logged while the crawl is held after its third stored article.
HELD_LINE = re.compile(r"INFO: Progress: \d+ articles found in listings, \d+ fetched, 3 stored, "
                       r"0 errors; [\d.]+ articles/min")


def test_crawl_logs_progress_with_rate_and_eta(crawl_env, tmp_path: Path) -> None:
    """Held after 3 stored articles, the crawl must still log a line saying so; then the last."""
    log = tmp_path / "crawl.log"
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "hanoimoi", *FAST, *ALL_DATES, *SECTIONS,
             "-s", "PROGRESS_INTERVAL=0.2", *pause_after(3, tmp_path, "hold")],
            cwd=PROJECT, env=crawl_env, stdout=out, stderr=subprocess.STDOUT)
        wait_for(tmp_path / "paused")
        deadline = time.monotonic() + 60
        while not HELD_LINE.search(log.read_text(encoding="utf-8")):
            assert time.monotonic() < deadline and process.poll() is None, log.read_text()
            time.sleep(0.1)
        (tmp_path / "release").touch()
        assert process.wait(300) == 0, log.read_text()
    lines = re.findall(r"INFO: (Progress.*)", log.read_text(encoding="utf-8"))
    assert lines[-1].startswith("Progress (done): 14 articles found in listings, 14 fetched, "
                                "12 stored, 0 errors")


def test_eta_once_every_listing_is_read() -> None:
    crawler = get_crawler(HanoimoiSpider, {"PROGRESS_INTERVAL": 30})
    spider = HanoimoiSpider()
    spider.base_url = DEFAULT_BASE_URL  # the requests the spider makes, as it makes them
    spider.allowed_domains = [urlparse(DEFAULT_BASE_URL).hostname]
    progress = CrawlProgress.from_crawler(crawler)
    crawler.stats.open_spider()
    listing = spider._listing("https://hanoimoi.vn/sitemap.xml", spider.parse_sitemap)
    articles = [spider._article_request(f"https://hanoimoi.vn/a-{n}.html") for n in range(1, 5)]
    for request in (listing, *articles):
        progress.request_scheduled(request, spider)
    progress.request_left(articles[0], spider)
    assert "no ETA yet" in progress.line() and "listings still being read: 1" in progress.line()
    progress.request_left(listing, spider)
    progress.started -= 60  # one article fetched in a minute: three left, three minutes
    assert re.search(r"4 articles found in listings, 1 fetched, 0 stored, 0 errors; "
                     r"1\.0 articles/min; ETA 3\.0 min", progress.line()), progress.line()


def run_on_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run a command with its stderr on a pseudo-terminal, as in an interactive shell."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 columns
    process = subprocess.Popen([sys.executable, "-m", "scrapy", *args], cwd=PROJECT, env=env,
                               stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert process.wait(120) == 0
    os.close(controller)
    return b"".join(chunks).decode("utf-8", "replace")


def test_export_and_reextract_show_a_bar_on_a_terminal_only(research_env, tmp_path: Path) -> None:
    runs = ((["export", "--out", str(tmp_path / "t")], r"\d/3 \["),  # its three tables
            (["reextract", "--all", "--dry-run"], r"\d+/12 \["))  # the 12 articles
    for args, total in runs:
        shown = run_on_terminal(args, research_env)
        assert BAR.search(shown) and re.search(total, shown), (args, shown)
        piped = subprocess.run([sys.executable, "-m", "scrapy", *args[:-1],
                                str(tmp_path / "p") if args[0] == "export" else args[-1]],
                               cwd=PROJECT, env=research_env, capture_output=True, text=True,
                               timeout=120, check=False)
        assert piped.returncode == 0, piped.stderr
        assert not BAR.search(piped.stderr) and not BAR.search(piped.stdout), piped.stderr

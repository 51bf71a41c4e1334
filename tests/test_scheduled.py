"""The scheduled script and the crawl lock: cron hears how a run went, and runs never overlap."""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pymongo.database import Database

from tests.conftest import ALL_DATES, DISTRICT_ARTICLES, FAST, PROJECT, SECTIONS, crawl
from thidua_crawler.commands.crawl import EXIT_LOCKED
from thidua_crawler.monitors import EXIT_DISCOVERY

SCRIPT = str(PROJECT / "scripts" / "scheduled_crawl.sh")


@contextmanager
def held(path: Path) -> Iterator[None]:
    """Another crawl holding the lock (flock, as `scrapy crawl` and flock(1) take it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write("4242\n")
        handle.flush()
        yield


def lock_of(env: dict[str, str]) -> Path:
    return Path(env["THIDUA_DATA_DIR"]) / f"crawl-{env['MONGO_DATABASE']}.lock"


def scheduled(env: dict[str, str], tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(env, THIDUA_FEED_DIR=str(tmp_path / "feeds"), THIDUA_LOG_DIR=str(tmp_path / "log"),
               PYTHON=sys.executable)
    return subprocess.run([SCRIPT, *ALL_DATES, *SECTIONS, *FAST, *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_skipped_run_says_so_and_exits_75(crawl_env, database: Database, tmp_path: Path) -> None:
    with held(lock_of(crawl_env)):
        done = scheduled(crawl_env, tmp_path)
    assert done.returncode == EXIT_LOCKED, done.stderr
    assert "skipped: another crawl into this database is running" in done.stderr
    [log] = (tmp_path / "log").glob("hanoimoi-*.log")
    assert "Skipped: another crawl into database" in log.read_text() and "pid 4242" in log.read_text()
    assert database.crawl_runs.count_documents({}) == 0  # nothing ran


def test_a_manual_crawl_takes_the_same_lock(crawl_env, database: Database) -> None:
    """Manual crawls and Scrapyd jobs (which run `scrapy crawl`) wait their turn too."""
    with held(lock_of(crawl_env)):
        locked = crawl(crawl_env, *ALL_DATES, *SECTIONS)
    assert locked.returncode == EXIT_LOCKED
    assert crawl(crawl_env, *ALL_DATES, *SECTIONS).returncode == 0  # released: runs


def test_script_passes_the_crawl_status_on(crawl_env, database: Database, site_copy: Path,
                                           tmp_path: Path) -> None:
    (site_copy / "rss" / "kinh-te.xml").unlink()
    done = scheduled(crawl_env, tmp_path)
    assert done.returncode == EXIT_DISCOVERY
    assert f"crawl exited {EXIT_DISCOVERY}" in done.stderr


def test_changed_articles_feed_survives_a_replaced_feeds_setting(crawl_env, tmp_path: Path
                                                                 ) -> None:
    """Scrapyd's items_dir sets FEEDS on the command line; CHANGED_ARTICLES_FEED still writes."""
    items = tmp_path / "items.jl"
    changed = tmp_path / "changed" / "feed.jsonl"
    feeds = json.dumps({str(items): {"format": "jsonlines"}})
    result = crawl(crawl_env, *ALL_DATES, *SECTIONS, "-s", f"FEEDS={feeds}",
                   "-s", f"CHANGED_ARTICLES_FEED={changed}")
    assert result.returncode == 0, result.log
    assert len(items.read_text().splitlines()) == DISTRICT_ARTICLES
    assert len(changed.read_text().splitlines()) == DISTRICT_ARTICLES
    assert len(result.feed) == DISTRICT_ARTICLES  # the -O feed of the test harness as well

"""Shared fixtures: a real SecantusDB server, the offline sample site, a crawl runner."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pymongo.database import Database

from thidua_crawler import local_server, storage
from thidua_crawler.local_server import free_port
from thidua_crawler.sample_site import CRAWL_ARGUMENTS, SITE_ROOT, SampleSite

PROJECT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@dataclass
class DatabaseServer:
    """A SecantusDB server run by the tests (``secantusd-py --standalone``)."""

    storage_path: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def start(self) -> DatabaseServer:
        log = self.storage_path.parent / f"secantusd-{self.port}.log"
        self.process = local_server.start_process(self.storage_path, self.port, log)
        local_server.wait_until_up(self.process, self.port, log)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)


@pytest.fixture(scope="session")
def db_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseServer]:
    server = DatabaseServer(tmp_path_factory.mktemp("secantus") / "data", free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def database(db_server: DatabaseServer) -> Iterator[Database]:
    """A fresh database on the test server, dropped afterwards."""
    client = storage.connect(db_server.uri)
    name = f"test_{uuid.uuid4().hex[:10]}"
    yield client[name]
    client.drop_database(name)
    client.close()


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """A private copy of the sample site that a test may change."""
    root = tmp_path / "site"
    shutil.copytree(SITE_ROOT, root)
    return root


@pytest.fixture
def sample_site(site_copy: Path) -> Iterator[SampleSite]:
    with SampleSite(site_copy) as site:
        yield site


@dataclass
class CrawlResult:
    returncode: int
    log: str
    feed: list[dict]
    stats: dict


def run_scrapy(args: list[str], env: dict[str, str], timeout: float = 300
               ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=PROJECT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture
def crawl_env(database: Database, db_server: DatabaseServer, sample_site: SampleSite,
              tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_", "HANOIMOI_"))}
    env.update(MONGO_URI=db_server.uri, MONGO_DATABASE=database.name,
               HANOIMOI_BASE_URL=sample_site.url, THIDUA_DATA_DIR=str(tmp_path / "data"))
    return env


FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "LOG_LEVEL=INFO"]
#: Article pages in the sample site; two (economy, culture) are about no district, ward or
#: commune, so a crawl without ``all=1`` stores the other twelve.
ALL_ARTICLES = 14
DISTRICT_ARTICLES = 12


def spider_arguments(*names: str) -> list[str]:
    """``-a name=value`` options for some of :data:`CRAWL_ARGUMENTS`."""
    return [option for name in names for option in ("-a", f"{name}={CRAWL_ARGUMENTS[name]}")]


ALL_DATES = spider_arguments("since", "until")
SECTIONS = spider_arguments("sections")


def crawl(env: dict[str, str], *args: str, feed: Path | None = None) -> CrawlResult:
    """Run ``scrapy crawl hanoimoi`` as a user would, with a JSON-lines feed and stats dump."""
    feed = feed or Path(env["THIDUA_DATA_DIR"]).parent / f"feed-{uuid.uuid4().hex[:6]}.jsonl"
    stats_file = feed.with_suffix(".stats.json")
    done = run_scrapy(["crawl", "hanoimoi", *FAST, *args, "-O", str(feed),
                       "-s", f"STATS_FILE={stats_file}"], env)
    text = feed.read_text(encoding="utf-8") if feed.exists() else ""
    if feed.suffix == ".json":
        records = json.loads(text) if text else []
    else:
        records = [json.loads(line) for line in text.splitlines()]
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    return CrawlResult(done.returncode, done.stdout + done.stderr, records, stats)


#: How Scrapy logs code that raised (a failed monitor's report shows a traceback too, by design).
CRASH_MARKERS = ("Spider error processing", "Error caught on signal handler", "Unhandled error",
                 "Error processing {")


def crashes(log: str) -> list[str]:
    """The lines of a crawl's log that say some code raised."""
    return [line for line in log.splitlines() if any(m in line for m in CRASH_MARKERS)]


def article_requests(site: SampleSite) -> list[str]:
    """Article pages the sample site served (not sitemaps, feeds or API answers)."""
    from thidua_crawler import site as site_module

    return [p for p in site.requests if site_module.is_article_url(p)]


@pytest.fixture(scope="session")
def research_env(db_server: DatabaseServer, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[dict[str, str]]:
    """The sample site crawled once into its own database, for the researcher commands."""
    tmp = tmp_path_factory.mktemp("research")
    name = f"research_{uuid.uuid4().hex[:8]}"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MONGO_")}
    environment.update(MONGO_URI=db_server.uri, MONGO_DATABASE=name,
                       THIDUA_DATA_DIR=str(tmp / "data"))
    with SampleSite() as site:
        environment["HANOIMOI_BASE_URL"] = site.url
        assert crawl(environment, *ALL_DATES, *SECTIONS).returncode == 0
    yield environment
    storage.connect(db_server.uri).drop_database(name)

"""Scrapyd for real: start it on 127.0.0.1, deploy the project with scrapyd-deploy, schedule
hanoimoi against the sample site, wait for the job, and check records, feeds and crawl_runs.

Scrapyd runs in the project's environment (the ``deploy`` extra, which `make test` installs):
that is how the dependencies reach it (README, "Scrapyd"). Marked ``scrapyd``; skipped only
where Scrapyd is not installed and never in CI, where a missing Scrapyd is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from pymongo.database import Database

from tests.conftest import CRAWL_ARGUMENTS, DISTRICT_ARTICLES, PROJECT, DatabaseServer
from thidua_crawler.local_server import free_port
from thidua_crawler.sample_site import SampleSite

if not os.environ.get("CI"):
    pytest.importorskip("scrapyd", reason="Scrapyd is not installed (pip install -e '.[deploy]')")

pytestmark = pytest.mark.scrapyd
BIN = Path(sys.executable).parent


def checkout_copy(target: Path) -> Path:
    """The project's files as a clone has them (tracked and new, nothing ignored)."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                            cwd=PROJECT, capture_output=True, text=True, check=True).stdout
    for name in listed.splitlines():
        source = PROJECT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def call(url: str, data: dict[str, object] | None = None) -> dict:
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    with urllib.request.urlopen(url, body, timeout=30) as answer:
        return json.loads(answer.read())


@pytest.fixture
def scrapyd(tmp_path: Path, db_server: DatabaseServer, database: Database
            ) -> Iterator[tuple[str, Path, dict[str, str]]]:
    """Scrapyd on a free port of 127.0.0.1, with items_dir set (which replaces FEEDS)."""
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\nbind_address = 127.0.0.1\n"
        f"http_port = {port}\npoll_interval = 0.5\nitems_dir = {home / 'items'}\n"
        f"logs_dir = {home / 'logs'}\neggs_dir = {home / 'eggs'}\ndbs_dir = {home / 'dbs'}\n")
    with SampleSite() as site:
        # What the project reads from the environment (README, "Scrapyd"): Scrapyd passes its
        # own environment to every job.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_", "HANOIMOI_"))}
        env.update(MONGO_URI=db_server.uri, MONGO_DATABASE=database.name,
                   HANOIMOI_BASE_URL=site.url, THIDUA_DATA_DIR=str(tmp_path / "data"))
        process = subprocess.Popen([str(BIN / "scrapyd")], cwd=home, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 60
        while True:
            try:
                assert call(url + "daemonstatus.json")["status"] == "ok"
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, process.stdout
                time.sleep(0.3)
        try:
            yield url, home, env
        finally:
            process.terminate()
            process.wait(30)


def test_deploy_schedule_and_run_on_scrapyd(scrapyd, tmp_path: Path, database: Database) -> None:
    url, home, env = scrapyd
    project = checkout_copy(tmp_path / "checkout")
    config = project / "scrapy.cfg"
    config.write_text(config.read_text().replace("http://localhost:6800/", url))
    deployed = subprocess.run([str(BIN / "scrapyd-deploy"), "--version", "r1"], cwd=project,
                              env=env, capture_output=True, text=True, timeout=300, check=False)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert '"status": "ok"' in deployed.stdout and '"spiders": 1' in deployed.stdout
    assert not (project / "setup.py").read_text().startswith("# Automatically created")

    feed = tmp_path / "feeds" / "hanoimoi" / "%(time)s.jsonl"
    job = call(url + "schedule.json", {
        "project": "thidua_crawler", "spider": "hanoimoi",
        "setting": [f"CHANGED_ARTICLES_FEED={feed}", "DOWNLOAD_DELAY=0",
                    "AUTOTHROTTLE_ENABLED=0"],
        **CRAWL_ARGUMENTS,
    })
    assert job["status"] == "ok", job
    deadline = time.monotonic() + 300
    while not any(j["id"] == job["jobid"] for j in
                  call(url + "listjobs.json?project=thidua_crawler")["finished"]):
        assert time.monotonic() < deadline, "the job did not finish in 5 minutes"
        time.sleep(0.5)

    log = next((home / "logs").rglob(f"{job['jobid']}.log")).read_text(encoding="utf-8")
    assert "[Spidermon] OK" in log, log[-3000:]
    assert database.articles.count_documents({}) == DISTRICT_ARTICLES
    [changed] = (tmp_path / "feeds" / "hanoimoi").glob("*.jsonl")
    assert len(changed.read_text(encoding="utf-8").splitlines()) == DISTRICT_ARTICLES  # dated feed kept
    items = next((home / "items").rglob(f"{job['jobid']}.jl"))
    assert len(items.read_text(encoding="utf-8").splitlines()) == DISTRICT_ARTICLES  # and Scrapyd's own
    [run] = database.crawl_runs.find()
    assert run["scrapyd_job"] == job["jobid"]
    assert run["succeeded"] is True and run["monitors"]["exit_code"] == 0

"""-s JOBDIR=...: an interrupted crawl, resumed, ends with the same collection."""

from __future__ import annotations

import signal
import subprocess
import sys

from pymongo import MongoClient

from tests.conftest import ALL_DATES, FAST, PROJECT, SECTIONS, crawl
from tests.pause import pause_after, wait_for
from thidua_crawler.sample_site import SampleSite

#: Articles the first, interrupted run stores; the resumed run must store the rest.
STORED_BEFORE_STOP = 3
#: What a record says, leaving out when it was fetched and written.
CRAWL_TIME_FIELDS = ("first_seen_at", "crawled_at", "updated_at", "_id")


def contents(db) -> dict:
    return {d["_id"]: {k: v for k, v in d.items() if k not in CRAWL_TIME_FIELDS}
            for d in db.articles.find()}


def test_interrupted_run_resumed_with_jobdir(crawl_env, db_server, site_copy, tmp_path) -> None:
    client = MongoClient(db_server.uri, tz_aware=True)
    whole = client[crawl_env["MONGO_DATABASE"]]
    assert crawl(crawl_env, *ALL_DATES, *SECTIONS).returncode == 0  # uninterrupted

    resumed_db = crawl_env["MONGO_DATABASE"] + "_resumed"
    env = dict(crawl_env, MONGO_DATABASE=resumed_db)
    command = [sys.executable, "-m", "scrapy", "crawl", "hanoimoi", *FAST, *ALL_DATES, *SECTIONS,
               "-s", f"JOBDIR={tmp_path / 'job'}", "-s", "MONGO_BATCH_SIZE=1"]
    try:
        with SampleSite(site_copy) as site:
            env["HANOIMOI_BASE_URL"] = site.url
            pause = pause_after(STORED_BEFORE_STOP, tmp_path, "requeue")
            first = subprocess.Popen([*command, *pause], cwd=PROJECT, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            wait_for(tmp_path / "paused")
            first.send_signal(signal.SIGINT)  # Ctrl-C: Scrapy stops gracefully
            log, _ = first.communicate(timeout=120)
            interrupted = client[resumed_db].articles.count_documents({})
            assert interrupted == STORED_BEFORE_STOP, log[-2000:]
            assert (tmp_path / "job" / "requests.queue").exists(), log
            first_run = set(site.requests)
            requeued = {url.removeprefix(site.url) for url in
                        (tmp_path / "paused").read_text(encoding="utf-8").split()}

            site.requests.clear()
            second = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True,
                                    text=True, timeout=300, check=False)
        assert second.returncode == 0, second.stdout + second.stderr
        # The resumed run reads only what the first left in its queue: no listing again.
        assert first_run & set(site.requests) == {"/robots.txt", *requeued}
        got, want = contents(client[resumed_db]), contents(whole)
        assert got.keys() == want.keys()
        for record_id, fields in want.items():
            differing = [k for k in fields if got[record_id].get(k) != fields[k]]
            assert not differing, (record_id, differing)
        runs = list(client[resumed_db].crawl_runs.find().sort("started_at", 1))
        assert [r["finish_reason"] for r in runs] == ["shutdown", "finished"]
    finally:
        client.drop_database(resumed_db)

"""`make bench`: how fast the parts are, on this machine. Prints figures; asserts nothing.

1. parsing + processing of the sample site's article pages (pages/s);
2. extraction alone on the annotated corpus (passages/s);
3. bulk upserts of records into a fresh SecantusDB server (records/s);
4. a whole `scrapy crawl` of the sample site into that server (wall time).
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from thidua_crawler import localdb, storage
from thidua_crawler.evaluation import evaluate, load
from thidua_crawler.parsing import parse_article
from thidua_crawler.processing import process, record_from_page
from thidua_crawler.sample_site import SITE_ROOT, SampleSite
from thidua_crawler.site import DEFAULT_BASE_URL, is_article_url

PROJECT = Path(__file__).resolve().parent.parent


def pages() -> list[tuple[str, bytes]]:
    found = []
    for path in sorted(SITE_ROOT.rglob("*")):
        url = f"{DEFAULT_BASE_URL}/{path.relative_to(SITE_ROOT).as_posix()}"
        if path.is_file() and is_article_url(url):
            found.append((url, path.read_bytes()))
    return found


def bench_parsing(rounds: int) -> None:
    sample = pages()
    started = time.perf_counter()
    for _ in range(rounds):
        for url, html in sample:
            process(record_from_page(parse_article(html, url)))
    elapsed = time.perf_counter() - started
    print(f"parse + process: {rounds * len(sample) / elapsed:8,.0f} pages/s "
          f"({len(sample)} pages x {rounds} rounds, {elapsed:.2f} s)")


def bench_extraction(rounds: int) -> None:
    report = evaluate(load(), timing_rounds=rounds)
    print(f"extraction only: {report.articles_per_second:8,.0f} passages/s "
          f"({report.passages} passages x {rounds} rounds)")


def start_server(directory: Path) -> tuple[subprocess.Popen, str]:
    port = localdb.free_port()
    process = localdb.start_process(directory / "db", port, directory / "secantusd.log")
    return process, localdb.wait_until_up(process, port, directory / "secantusd.log")


def bench_storage(uri: str, records: int, batch: int) -> None:
    url, html = pages()[0]
    template = process(record_from_page(parse_article(html, url)))
    template["crawled_at"] = datetime.now(timezone.utc)
    db = storage.connect(uri).bench
    storage.ensure_validator(db)
    storage.ensure_indexes(db)
    writer = storage.Writer(db, storage.Spool(Path(tempfile.mkdtemp()) / "spool.jsonl"))
    operations = []
    for i in range(records):
        record = copy.deepcopy(template)
        record["_id"], record["article_id"] = f"hanoimoi:{i}", i
        operations.append(storage.article_update(record, template["crawled_at"]))
    started = time.perf_counter()
    for start in range(0, records, batch):
        writer.write(storage.ARTICLES, operations[start : start + batch])
    elapsed = time.perf_counter() - started
    print(f"upserts:         {records / elapsed:8,.0f} records/s "
          f"({records} records in batches of {batch}, validator and indexes on)")


def bench_crawl(uri: str, workdir: Path) -> None:
    env = dict(os.environ, MONGO_URI=uri, MONGO_DATABASE="bench_crawl",
               THIDUA_DATA_DIR=str(workdir / "data"))
    with SampleSite() as site:
        env["HANOIMOI_BASE_URL"] = site.url
        command = [sys.executable, "-m", "scrapy", "crawl", "hanoimoi", "-a", "since=2010-01-01",
                   "-a", "until=2026-12-31", "-a", "sections=chinh-tri,xa-hoi,kinh-te",
                   "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
                   "-s", "LOG_LEVEL=WARNING"]
        started = time.perf_counter()
        subprocess.run(command, cwd=PROJECT, env=env, check=True)
        elapsed = time.perf_counter() - started
    print(f"whole crawl:     {elapsed:8.2f} s for the sample site ({len(site.requests)} requests, "
          f"14 pages, no download delay; includes Scrapy's start-up)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()
    print(f"thidua_crawler benchmark on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    bench_parsing(args.rounds)
    bench_extraction(args.rounds)
    workdir = Path(tempfile.mkdtemp(prefix="thidua-bench-"))
    server, uri = start_server(workdir)
    try:
        bench_storage(uri, args.records, args.batch)
        bench_crawl(uri, workdir)
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

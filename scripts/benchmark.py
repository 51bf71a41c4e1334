"""`make bench`: how fast the crawler and the researcher commands are, against baselines.

Prints figures and the targets of issue 11 beside them; asserts nothing.

1. Crawl: a local mirror of N synthetic article pages (scripts/mirror.py) with daily
   sitemaps, served from memory by a separate Twisted process. Alternating, ``--runs`` times
   each: a bare Scrapy spider over the same sitemaps (scripts/bare_spider.py, the baseline),
   the project's spider with ``ITEM_PIPELINES={}``, and the full pipeline into a fresh
   SecantusDB. Median pages/s (Scrapy's own elapsed time), ratio to the baseline, peak RSS of
   the crawl, CPU seconds of the database server. Also at ``--small-pages`` for the RSS
   comparison, then `scrapy reextract --all` over what the last full run stored.
2. Research: a database of each of ``--records`` records in the record shape
   (scripts/research_db.py). Fill rate; the snapshot's first build; each researcher command
   (wall time and peak RSS, Python start-up included) against the same question asked as one
   MongoDB aggregation through pymongo, and against pandas on the exported files; the start
   of an incremental crawl over that collection.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mirror
import research_db
from scrapy.settings import Settings

from thidua_crawler import evaluation, local_server, snapshot, storage
from thidua_crawler import settings as project_settings
from thidua_crawler.extract.text import folded_pattern

PROJECT = Path(__file__).resolve().parent.parent
#: Records added to a research database to time the commands after a crawl.
AFTER_CRAWL = 5_000
SCRIPTS = PROJECT / "scripts"
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "CONCURRENT_REQUESTS=16",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=WARNING",
        "-s", "ROBOTSTXT_OBEY=True"]
LABEL = {"$concat": ["$$this.kind", " ", "$$this.name"]}
PLACES = {"$concatArrays": [{"$map": {"input": {"$ifNull": [f"${units}", []]}, "in": LABEL}}
                            for units in ("districts", "communes")]}


def awards_pipeline(match: dict[str, Any], by_level: bool) -> list[dict[str, Any]]:
    """Recipients per place and year (and level), leaves only, as ``scrapy stats awards``."""
    key: dict[str, Any] = {"place": "$place", "year": {"$ifNull": [
        "$award_counts.year", {"$year": {"date": "$published_at", "timezone": "+07:00"}}]}}
    if by_level:
        key["level"] = "$award_counts.level"
    split = {"$and": [{"$eq": ["$award_counts.collectives", None]},
                      {"$eq": ["$award_counts.individuals", None]}]}

    def stated(part: str) -> dict[str, Any]:
        return {"$sum": {"$cond": [split, 0, {"$ifNull": [f"$award_counts.{part}", 0]}]}}

    return [
        {"$match": match},
        {"$project": {"published_at": 1, "award_counts": 1, "place": PLACES,
                      "parents": {"$map": {"input": {"$ifNull": ["$award_counts", []]},
                                           "in": "$$this.part_of"}}}},
        {"$unwind": {"path": "$award_counts", "includeArrayIndex": "i"}},
        {"$match": {"$expr": {"$not": {"$in": ["$i", "$parents"]}}}},
        {"$unwind": {"path": "$place", "preserveNullAndEmptyArrays": True}},
        {"$group": {"_id": key, "statements": {"$sum": 1},
                    "collectives": stated("collectives"), "individuals": stated("individuals"),
                    "combined": {"$sum": {"$cond": [split, "$award_counts.count", 0]}},
                    "total": {"$sum": "$award_counts.count"}}},
    ]


TEXT = folded_pattern("thi dua khen thuong")
#: The research questions: the command, the same question as one aggregation pipeline, and
#: the name of the same question in pandas (below).
QUESTIONS: list[tuple[str, list[str], list[dict[str, Any]], str | None]] = [
    ("export --out DIR", ["export", "--out", "{tmp}/export"],
     [{"$unwind": "$award_counts"}, {"$project": {"award_counts": 1, "published_at": 1,
                                                  "districts": 1, "communes": 1, "url": 1}}],
     None),
    ("stats awards --by-level", ["stats", "awards", "--by-level", "--format", "csv"],
     awards_pipeline({}, True), "awards_by_level"),
    ("stats awards --district thanh-xuan --by-level",
     ["stats", "awards", "--district", "thanh-xuan", "--by-level", "--format", "csv"],
     awards_pipeline({"districts.slug": "thanh-xuan"}, True), "awards_thanh_xuan"),
    ('query --text "thi dua khen thuong" --limit 20',
     ["query", "--text", "thi dua khen thuong", "--limit", "20", "--format", "csv"],
     [{"$match": {"$or": [{f: {"$regex": TEXT}} for f in ("title", "sapo", "body")]}},
      {"$sort": {"published_at": 1}}, {"$limit": 20},
      {"$project": {"title": 1, "published_at": 1, "districts": 1}}], "text"),
    ("query --district thanh-xuan --has-award",
     ["query", "--district", "thanh-xuan", "--has-award", "--format", "csv"],
     [{"$match": {"districts.slug": "thanh-xuan", "award_counts.0": {"$exists": True}}},
      {"$sort": {"published_at": 1}},
      {"$project": {"title": 1, "published_at": 1, "districts": 1, "award_counts.count": 1}}],
     "district_has_award"),
    ("report --out report.html", ["report", "--out", "{tmp}/report.html"],
     awards_pipeline({}, False), None),
]
#: The same questions in pandas, over the exported files (``DIR`` is the export).
PANDAS = {
    "awards_by_level": """
a = pd.read_csv(f"{DIR}/award_counts.csv", usecols=["places", "year", "level", "collectives",
                "individuals", "count", "leaf"])
a = a[a["leaf"]].assign(place=a["places"].fillna("(no place)").str.split(";")).explode("place")
r = a.groupby(["place", "year", "level"])[["collectives", "individuals", "count"]].sum()""",
    "awards_thanh_xuan": """
a = pd.read_csv(f"{DIR}/award_counts.csv", usecols=["districts", "year", "level", "collectives",
                "individuals", "count", "leaf"])
a = a[a["leaf"] & a["districts"].fillna("").str.split(";").apply(lambda d: "thanh-xuan" in d)]
r = a.groupby(["year", "level"])[["collectives", "individuals", "count"]].sum()""",
    "text": """
import re
rx = re.compile(PATTERN)
hits = []
for chunk in pd.read_json(f"{DIR}/articles.jsonl", lines=True, chunksize=20000):
    m = chunk[["title", "sapo", "body"]].fillna("").apply(lambda c: c.str.contains(rx)).any(axis=1)
    hits.append(chunk.loc[m, ["published_at", "title"]])
r = pd.concat(hits).sort_values("published_at").head(20)""",
    "district_has_award": """
a = pd.read_csv(f"{DIR}/articles.csv")
r = a[a["districts"].fillna("").str.split(";").apply(lambda d: "thanh-xuan" in d)
      & (a["award_counts"] > 0)].sort_values("published_at")""",
}


@dataclass
class Measured:
    seconds: float
    rss_mb: float
    returncode: int
    extra: dict[str, Any] = field(default_factory=dict)


def measure(command: list[str], env: dict[str, str], cwd: Path = PROJECT,
            log: Path | None = None) -> Measured:
    """Wall time and peak RSS of one child process. The RSS comes from GNU time where there
    is one: a child forked from this process would count this process's memory as its own."""
    timer = shutil.which("time", path="/usr/bin:/bin")
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        wrapped = [timer, "-q", "-f", "%M", "-o", rss.name, *command] if timer else command
        started = time.perf_counter()
        with (log.open("ab") if log else open(os.devnull, "wb")) as out:
            child = subprocess.Popen(wrapped, cwd=cwd, env=env, stdout=out,
                                     stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        peak_kb = int(rss.read().split()[-1]) if timer else usage.ru_maxrss
    return Measured(seconds, peak_kb / 1024, os.waitstatus_to_exitcode(status))


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a running process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """A fresh SecantusDB server in a directory of its own."""

    def __init__(self, directory: Path):
        directory.mkdir(parents=True, exist_ok=True)
        port = local_server.free_port()
        self.process = local_server.start_process(directory / "db", port, directory / "secantusd.log")
        self.uri = local_server.wait_until_up(self.process, port, directory / "secantusd.log")

    def cpu(self) -> float:
        return cpu_seconds(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(60)


def project_env(uri: str, database: str, data: Path, base: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_", "HANOIMOI_"))}
    env.update(MONGO_URI=uri, MONGO_DATABASE=database, THIDUA_DATA_DIR=str(data),
               HANOIMOI_BASE_URL=base or "http://127.0.0.1:9")
    return env


def median_line(label: str, values: list[float], unit: str, fmt: str = ",.0f") -> str:
    return (f"{label:<34} {format(statistics.median(values), fmt):>9} {unit}"
            f"  (runs: {', '.join(format(v, fmt) for v in values)})")


# --- 1. crawl ----------------------------------------------------------------------------

def serve_mirror(root: Path, workdir: Path) -> tuple[subprocess.Popen, str]:
    port = local_server.free_port()
    log = (workdir / "mirror.log").open("ab")
    server = subprocess.Popen([sys.executable, str(SCRIPTS / "mirror.py"), "serve", str(root),
                               "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{base}/robots.txt", timeout=1).read()
            return server, base
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the mirror server did not start; see {workdir / 'mirror.log'}")


def crawl_once(kind: str, base: str, workdir: Path, run: int) -> Measured:
    """One crawl of the mirror: ``bare``, ``spider`` (no pipelines) or ``full``."""
    stats_path = workdir / f"stats-{kind}-{run}.json"
    log = workdir / f"crawl-{kind}-{run}.log"
    if kind == "bare":
        cwd = workdir / "outside-the-project"
        cwd.mkdir(exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPY_")}
        measured = measure([sys.executable, "-m", "scrapy", "runspider",
                            str(SCRIPTS / "bare_spider.py"), "-a", f"base={base}",
                            "-a", f"stats={stats_path}", *FAST], env, cwd, log)
        db_cpu = 0.0
    else:
        server = Server(workdir / f"db-{kind}-{run}")
        try:
            env = project_env(server.uri, "bench", workdir / f"data-{kind}-{run}", base)
            extra = ["-s", "ITEM_PIPELINES={}"] if kind == "spider" else []
            before = server.cpu()
            measured = measure([sys.executable, "-m", "scrapy", "crawl", "hanoimoi",
                                "-a", "discover=sitemap", "-a", "since=2010-01-01",
                                "-a", "until=2026-12-31", *FAST, *extra,
                                "-s", f"STATS_FILE={stats_path}"], env, PROJECT, log)
            db_cpu = server.cpu() - before
            if kind == "full":
                measured.extra["reextract"] = time_reextract(env, workdir, run)
        finally:
            server.stop()
            shutil.rmtree(workdir / f"db-{kind}-{run}", ignore_errors=True)
    stats = json.loads(stats_path.read_text()) if stats_path.exists() else {}
    measured.extra.update(elapsed=stats.get("elapsed_time_seconds", float("nan")), db_cpu=db_cpu,
                          items=stats.get("item_scraped_count", 0),
                          dropped=stats.get("item_dropped_count", 0))
    return measured


def time_reextract(env: dict[str, str], workdir: Path, run: int) -> tuple[float, int]:
    """`scrapy reextract --all` over what the crawl stored: (seconds, records)."""
    out = workdir / f"reextract-{run}.txt"
    measured = measure([sys.executable, "-m", "scrapy", "reextract", "--all"], env, PROJECT, out)
    words = out.read_text().split("re-extracted ")[-1].split()
    return measured.seconds, int(words[0]) if words and words[0].isdigit() else 0


def bench_crawl(pages: int, runs: int, workdir: Path) -> dict[str, list[Measured]]:
    root = workdir / f"mirror-{pages}"
    mirror.generate(root, pages)
    server, base = serve_mirror(root, workdir)
    results: dict[str, list[Measured]] = {"bare": [], "spider": [], "full": []}
    try:
        for run in range(runs):
            for kind in results:  # alternating, so that a busy moment hits all kinds alike
                results[kind].append(crawl_once(kind, base, workdir, run))
    finally:
        server.terminate()
        server.wait(30)
    labels = {"bare": "bare Scrapy (baseline)", "spider": "hanoimoi, ITEM_PIPELINES={}",
              "full": "hanoimoi, full pipeline, SecantusDB"}
    print(f"\nCrawl of {pages:,} mirror pages, {runs} alternating runs each "
          "(pages/s over Scrapy's elapsed time; RSS of the crawl process):")
    bare = statistics.median(pages / m.extra["elapsed"] for m in results["bare"])
    for kind, measured in results.items():
        rates = [pages / m.extra["elapsed"] for m in measured]
        rss = statistics.median(m.rss_mb for m in measured)
        print(median_line(labels[kind], rates, "pages/s")
              + f"  ratio {statistics.median(rates) / bare:.2f}  peak RSS {rss:.0f} MB"
              + (f"  DB CPU {statistics.median(m.extra['db_cpu'] for m in measured):.1f} s"
                 if kind == "full" else "")
              + ("" if all(m.returncode == 0 for m in measured) else "  (A RUN FAILED)"))
    redo = [m.extra["reextract"] for m in results["full"]]
    print(median_line("scrapy reextract --all", [n / s for s, n in redo], "records/s")
          + f"  ({redo[0][1]:,} records, wall time with start-up; target >= 500)")
    return results


# --- 2. research ----------------------------------------------------------------------------

def bench_research(records: int, workdir: Path, aggregation_timeout: float,
                   crawl_base: str | None, keep: Path | None) -> None:
    """The researcher commands on a database of ``records`` records; with ``keep``, the
    database is kept there and a later run reuses it instead of filling it again."""
    base = keep or workdir
    server = Server(base / f"db-research-{records}")
    tmp = base / f"research-{records}"
    tmp.mkdir(parents=True, exist_ok=True)
    env = project_env(server.uri, "research", tmp / "data")
    filled = tmp / "filled"
    try:
        db = storage.connect(server.uri, 600_000).research
        if filled.exists():
            print(f"\nResearch database of {records:,} records: kept from an earlier run")
        else:
            db.drop_collection(storage.ARTICLES)
            seconds = research_db.fill(db, records)
            filled.touch()
            print(f"\nResearch database of {records:,} records: filled in {seconds:.0f} s "
                  f"({records / seconds:,.0f} records/s)")
        settings = Settings()
        settings.setmodule(project_settings)
        settings.setdict({"MONGO_URI": env["MONGO_URI"], "MONGO_DATABASE": "research",
                          "THIDUA_DATA_DIR": env["THIDUA_DATA_DIR"]})
        view = snapshot.Snapshot(snapshot.directory_for(settings))
        shutil.rmtree(view.directory, ignore_errors=True)
        first = measure([sys.executable, "-m", "scrapy", "stats", "coverage"], env, PROJECT,
                        tmp / "commands.log")
        size = sum(p.stat().st_size for p in view.directory.rglob("*.parquet"))
        print(f"first build of the snapshot by `stats coverage`, project settings (driver "
              f"timeout {settings.getint('MONGO_TIMEOUT_MS') / 1000:.0f} s): {first.seconds:.0f} s, "
              f"peak RSS {first.rss_mb:.0f} MB, {size / 1e6:.0f} MB of Parquet"
              + ("" if first.returncode == 0 else "  (FAILED)"))
        time.sleep(snapshot.SETTLE.total_seconds() + 1)  # else the next refresh reads again
        measure([sys.executable, "-c", "import pandas"], env)  # a cold first import is not pandas
        print(f"{'command':<48} {'wall':>7} {'RSS':>7} {'1 aggregation':>14} {'ratio':>6} "
              f"{'pandas':>8} {'RSS':>7}")
        for label, arguments, pipeline, question in QUESTIONS:
            command = [a.replace("{tmp}", str(tmp)) for a in arguments]
            measured = measure([sys.executable, "-m", "scrapy", *command], env, PROJECT,
                               tmp / "commands.log")
            aggregated = time_aggregation(db, pipeline, aggregation_timeout)
            panda = time_pandas(question, tmp / "export", env) if question else None
            print(f"{label:<48} {measured.seconds:6.1f}s {measured.rss_mb:5.0f}MB "
                  f"{aggregated:>13}  {_ratio(aggregated, measured.seconds):>6} "
                  + (f"{panda.seconds:7.1f}s {panda.rss_mb:5.0f}MB" if panda else "")
                  + ("" if measured.returncode == 0 else "  (FAILED)"))
        bench_after_crawl(db, records, env, tmp)
        if crawl_base:
            start = measure([sys.executable, "-m", "scrapy", "crawl", "hanoimoi", *FAST,
                             "-a", "discover=sitemap", "-a", "since=2010-01-01",
                             "-s", "CLOSESPIDER_PAGECOUNT=1", "-s", "SNAPSHOT_AFTER_CRAWL=0"],
                            dict(env, HANOIMOI_BASE_URL=crawl_base), PROJECT, tmp / "start.log")
            print(f"incremental crawl over {records:,} stored articles, stopped after its first "
                  f"response: {start.seconds:.1f} s wall, Python start-up included "
                  f"(target: first request within 5 s)")
    finally:
        server.stop()
        if keep is None:
            shutil.rmtree(workdir / f"db-research-{records}", ignore_errors=True)


def bench_after_crawl(db: Any, records: int, env: dict[str, str], tmp: Path) -> None:
    """What a crawl adds: ``AFTER_CRAWL`` more records, then the first command after it (it
    reads them into a new part) and the next (two parts, the newer winning)."""
    research_db.fill(db, AFTER_CRAWL, first=records)
    time.sleep(snapshot.SETTLE.total_seconds() + 1)  # a crawl has ended some time before
    timed = []
    for _ in range(2):
        measured = measure([sys.executable, "-m", "scrapy", *QUESTIONS[1][1]], env, PROJECT,
                           tmp / "commands.log")
        timed.append(f"{measured.seconds:.1f} s, {measured.rss_mb:.0f} MB")
    db[storage.ARTICLES].delete_many({"article_id": {"$gte": research_db.FIRST_ID + records}})
    print(f"after {AFTER_CRAWL:,} more records (as a crawl adds them), `{QUESTIONS[1][0]}`: "
          f"{timed[0]} (reads them), then {timed[1]}")


def time_aggregation(db: Any, pipeline: list[dict[str, Any]], timeout: float) -> str:
    started = time.perf_counter()
    try:
        for _ in db.articles.aggregate(pipeline, maxTimeMS=int(timeout * 1000),
                                       allowDiskUse=True):
            pass
    except Exception as error:  # noqa: BLE001 - a server that gives up is a figure too
        spent = time.perf_counter() - started
        return f">{spent:.0f}s" if spent >= timeout * 0.9 else f"error {type(error).__name__}"
    return f"{time.perf_counter() - started:.1f}s"


def _ratio(aggregated: str, seconds: float) -> str:
    try:
        return f"{float(aggregated.lstrip('>').rstrip('s')) / seconds:.1f}x"
    except ValueError:
        return ""


def time_pandas(question: str, export: Path, env: dict[str, str]) -> Measured | None:
    if not (export / "articles.csv").exists():
        return None
    code = (f"import pandas as pd\nDIR = {str(export)!r}\nPATTERN = {TEXT!r}\n"
            + PANDAS[question])
    return measure([sys.executable, "-c", code], env)


def bench_extraction(real: Path) -> None:
    """Extraction alone, one core: the project's passages, and real published text when the
    annotated sample lies beside the project (it is not part of it)."""
    print("\nextraction (places, launches, awards; one core, 5 rounds):")
    for label, path in (("project passages", evaluation.DEFAULT_CORPUS), ("real passages", real)):
        if path.exists():
            report = evaluation.evaluate(evaluation.load(path), timing_rounds=5)
            print(f"  {label:17} {report.articles_per_second:7,.0f} passages/s "
                  f"({report.passages} passages; target >= 1,000 on real text)")
        else:
            print(f"  {label:17} {path} not here")


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
                 platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return (f"{os.cpu_count()} cores ({model}), {memory / 2**20:.0f} GB RAM, Python "
            f"{sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f} at start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--small-pages", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--records", default="100000,500000",
                        help="comma-separated sizes of research databases ('' for none)")
    parser.add_argument("--aggregation-timeout", type=float, default=120.0)
    parser.add_argument("--skip-crawl", action="store_true")
    parser.add_argument("--keep", type=Path,
                        help="keep the research databases in this directory, and reuse them "
                             "when it holds them (filling 500,000 records takes 10 minutes)")
    parser.add_argument("--real", type=Path, default=PROJECT.parent / "shared" / "real" / "dev.json",
                        help="annotated real passages to time extraction on, when present")
    args = parser.parse_args()
    print(f"thidua_crawler benchmark: {machine()}")
    bench_extraction(args.real)
    workdir = Path(tempfile.mkdtemp(prefix="thidua-bench-"))
    try:
        if not args.skip_crawl:
            small = bench_crawl(args.small_pages, args.runs, workdir)
            large = bench_crawl(args.pages, args.runs, workdir)
            rss = [statistics.median(m.rss_mb for m in r["full"]) for r in (small, large)]
            print(f"\nfull pipeline peak RSS: {rss[0]:.0f} MB at {args.small_pages:,} pages, "
                  f"{rss[1]:.0f} MB at {args.pages:,} ({rss[1] / rss[0] - 1:+.0%}; target within 20%)")
        root = workdir / "mirror-start"
        mirror.generate(root, 200)
        server, base = serve_mirror(root, workdir)
        try:
            for size in [int(s) for s in args.records.split(",") if s.strip()]:
                bench_research(size, workdir, args.aggregation_timeout, base, args.keep)
        finally:
            server.terminate()
            server.wait(30)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("\nTargets: full/bare >= 0.6 and spider/bare >= 0.8 at 10,000 pages; commands under 5 s "
          "(export, report under 60 s) at 500,000 records with RSS under 300 MB; the machine is "
          "shared, so figures vary from run to run.")


if __name__ == "__main__":
    main()

"""`make demo`: serve the offline sample of hanoimoi.vn, crawl it with the real spider into
the local database (database ``thidua_demo``), and print what landed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from thidua_crawler import local_server
from thidua_crawler.sample_site import CRAWL_ARGUMENTS, SampleSite

PROJECT = Path(__file__).resolve().parent.parent
SCRAPY = [sys.executable, "-m", "scrapy"]


def _local_database() -> str:
    directory = local_server.data_dir()
    return f"the local SecantusDB at {local_server.status(directory)}, data in {directory / 'secantus'}"


def main() -> int:
    env = dict(os.environ)
    env.setdefault("MONGO_DATABASE", "thidua_demo")
    with SampleSite() as site:
        print(f"Sample site at {site.url}; crawling it with `scrapy crawl hanoimoi` ...",
              flush=True)
        env["HANOIMOI_BASE_URL"] = site.url
        crawl = [*SCRAPY, "crawl", "hanoimoi",
                 *(option for name, value in CRAWL_ARGUMENTS.items()
                   for option in ("-a", f"{name}={value}")),
                 "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
                 "-s", "LOG_LEVEL=WARNING"]
        done = subprocess.run(crawl, cwd=PROJECT, env=env, check=False)
        if done.returncode:
            return done.returncode
    where = env.get("MONGO_URI") or _local_database()
    print(f"\nWhat landed in MongoDB ({where}, database {env['MONGO_DATABASE']!r}):\n",
          flush=True)
    done = subprocess.run([*SCRAPY, "summary"], cwd=PROJECT, env=env, check=False)
    print(f"\nTo query it: export MONGO_DATABASE={env['MONGO_DATABASE']}, then the examples in "
          "README.md (For researchers) and docs/researchers.md.")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())

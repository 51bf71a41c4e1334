"""Scrapy settings for thidua_crawler.

Every setting can be overridden per run with ``-s NAME=VALUE``; the ones
marked (env) are also read from the environment, for cron and Scrapyd.
"""

import os

from thidua_crawler import site
from thidua_crawler.items import ARTICLE_FIELDS

BOT_NAME = "thidua_crawler"
SPIDER_MODULES = ["thidua_crawler.spiders"]
NEWSPIDER_MODULE = "thidua_crawler.spiders"
COMMANDS_MODULE = "thidua_crawler.commands"

# --- The site ----------------------------------------------------------------
#: Site root; every URL the spider builds derives from it (a mirror or test server works). (env)
HANOIMOI_BASE_URL = os.environ.get("HANOIMOI_BASE_URL", site.DEFAULT_BASE_URL)
#: Most load-more API pages walked per section in one run.
HANOIMOI_MAX_API_PAGES = 50

# --- Politeness --------------------------------------------------------------
USER_AGENT = ("thidua_crawler/0.1 (research crawler of Hanoi emulation news; "
              "+https://github.com/thidua/thidua_crawler)")
DEFAULT_REQUEST_HEADERS = site.REQUEST_HEADERS
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.5
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
DOWNLOAD_TIMEOUT = 60

# --- Pipelines ---------------------------------------------------------------
ITEM_PIPELINES = {
    "thidua_crawler.pipelines.PageArchivePipeline": 50,
    "thidua_crawler.pipelines.NormalizeTextPipeline": 100,
    "thidua_crawler.pipelines.PlaceTaggingPipeline": 200,
    "thidua_crawler.pipelines.DistrictNewsFilterPipeline": 300,
    "thidua_crawler.pipelines.FactExtractionPipeline": 400,
    "thidua_crawler.pipelines.MongoPipeline": 900,
}

# --- Storage -----------------------------------------------------------------
#: Your MongoDB; unset means the project's local SecantusDB server (see README). (env)
MONGO_URI = os.environ.get("MONGO_URI") or None
MONGO_DATABASE = os.environ.get("MONGO_DATABASE", "thidua")
#: Upserts are sent in batches of this many.
MONGO_BATCH_SIZE = 50
#: Retries of a failed batch before its writes are spooled.
MONGO_WRITE_RETRIES = 3
MONGO_RETRY_DELAY = 1.0
MONGO_TIMEOUT_MS = 5000
#: Keep each page's raw HTML (gzipped) in the ``pages`` collection, for re-extraction.
MONGO_STORE_PAGES = True
#: Directory of the local server's data, log and the write spool. (env: THIDUA_DATA_DIR)
THIDUA_DATA_DIR = os.environ.get("THIDUA_DATA_DIR") or None
#: Writes that failed are appended here; default ``<THIDUA_DATA_DIR>/spool.jsonl``.
MONGO_SPOOL_PATH = os.environ.get("MONGO_SPOOL_PATH") or None
LOCAL_DB_PORT = int(os.environ.get("LOCAL_DB_PORT", "27027"))

# --- Monitoring ------------------------------------------------------------------
EXTENSIONS = {
    "thidua_crawler.extensions.StatsFile": 500,
    "thidua_crawler.runs.CrawlRunRecorder": 510,
    "thidua_crawler.snapshot.RefreshAfterCrawl": 520,
}
#: Record every crawl in the ``crawl_runs`` collection (incremental crawls need it).
CRAWL_RUNS_ENABLED = True
#: Bring the researchers' snapshot (Parquet, see README) up to date when a crawl ends.
SNAPSHOT_AFTER_CRAWL = True
#: Write the final stats of each crawl as JSON here (unset: not written).
STATS_FILE = None

# --- Feeds -------------------------------------------------------------------
FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORT_FIELDS = list(ARTICLE_FIELDS)

# --- Scrapy defaults made explicit --------------------------------------------
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

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
#: Most entries read from one sitemap (the sitemap protocol's own limit); more is reported.
HANOIMOI_MAX_SITEMAP_URLS = 50_000
#: Most bytes a gzipped sitemap may inflate to (the protocol's 50 MB): a gzip bomb stops here.
HANOIMOI_MAX_SITEMAP_BYTES = 50 * 1024 * 1024

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
#: A news page is under 2 MB: a response (or its decompressed body) over 16 MB is dropped
#: with an error, and one over 4 MB warned about (Scrapy's defaults are 1 GB and 32 MB).
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024

# --- Pipelines ---------------------------------------------------------------
ITEM_PIPELINES = {
    "thidua_crawler.pipelines.PageArchivePipeline": 50,
    "thidua_crawler.pipelines.NormalizeTextPipeline": 100,
    "thidua_crawler.pipelines.PlaceTaggingPipeline": 200,
    "thidua_crawler.pipelines.DistrictNewsFilterPipeline": 300,
    "thidua_crawler.pipelines.FactExtractionPipeline": 400,
    "thidua_crawler.pipelines.MongoPipeline": 900,
    "thidua_crawler.monitors.RecordCheckPipeline": 950,
}

# --- Storage -----------------------------------------------------------------
#: Your MongoDB; unset means the project's local SecantusDB server (see README). (env)
MONGO_URI = os.environ.get("MONGO_URI") or None
MONGO_DATABASE = os.environ.get("MONGO_DATABASE", "thidua")
#: Writes are sent in batches of this many.
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

# --- Monitoring ---------------------------------------------------------------
EXTENSIONS = {
    "spidermon.contrib.scrapy.extensions.Spidermon": 400,
    "thidua_crawler.extensions.StatsFile": 500,
    "thidua_crawler.run_log.CrawlRunRecorder": 510,
    "thidua_crawler.progress.CrawlProgress": 520,
    "thidua_crawler.snapshot.RefreshAfterCrawl": 530,
    "thidua_crawler.extensions.GarbageCollection": 540,
}
#: Python's garbage collector thresholds while a crawl runs (CPython's default: 700, 10, 10);
#: empty keeps the defaults. Fewer collections, a tenth of the crawl's time (docs/benchmark.md).
GC_THRESHOLDS = [50_000, 20, 100]
#: Seconds between the INFO progress lines of a crawl (articles found, fetched, stored, errors,
#: rate, ETA); 0 switches them off.
PROGRESS_INTERVAL = 30.0
#: One crawl at a time per database: ``scrapy crawl`` takes ``<data dir>/crawl-<database>.lock``
#: and exits 75 when another crawl holds it.
CRAWL_LOCK_ENABLED = True
#: Record every crawl in the ``crawl_runs`` collection (incremental crawls need it).
CRAWL_RUNS_ENABLED = True
#: Bring the researchers' snapshot (Parquet, see README) up to date when a crawl ends.
SNAPSHOT_AFTER_CRAWL = True
#: Write the final stats of each crawl as JSON here (unset: not written).
STATS_FILE = None

#: The monitor suite run when the spider closes (thidua_crawler/monitors.py); a failure makes
#: ``scrapy crawl`` exit non-zero (README, "Exit status").
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ["thidua_crawler.monitors.CrawlMonitors"]
#: Every stored record is checked against the record's JSON Schema (docs/article.schema.json).
SPIDERMON_VALIDATION_SCHEMAS = ["thidua_crawler.schema.FEED_SCHEMA"]
SPIDERMON_MAX_ITEM_VALIDATION_ERRORS = 0
#: Lines logged at ERROR allowed in a run.
SPIDERMON_MAX_ERRORS = 0
SPIDERMON_EXPECTED_FINISH_REASONS = ["finished"]
#: Writes spooled or refused (mongo/*/spooled, mongo/*/refused) allowed.
MONITOR_MAX_SPOOLED_WRITES = 0
#: Listings that could not be read (discovery/failed) allowed.
MONITOR_MAX_DISCOVERY_FAILURES = 0
#: In-range listings (daily sitemap, RSS feed, section page) that listed no article allowed.
MONITOR_MAX_EMPTY_LISTINGS = 0
#: Share of article pages no parser could read.
MONITOR_MAX_UNPARSEABLE_SHARE = 0.05
#: Share of articles read by a fallback (``metadata``, ``generic``) rather than a known layout.
MONITOR_MAX_FALLBACK_LAYOUT_SHARE = 0.1
#: A share above is judged only when at least this many pages or records make it up.
MONITOR_SHARE_MIN_COUNT = 2
#: Shares of stored records with no body, no publication date, no place (not checked with all=1).
MONITOR_MAX_NO_BODY_SHARE = 0.0
MONITOR_MAX_NO_DATE_SHARE = 0.1
MONITOR_MAX_NO_PLACE_SHARE = 0.0
#: Spidermon actions run when a monitor fails, e.g.
#: ``["spidermon.contrib.actions.telegram.notifiers.SendTelegramMessageSpiderFinished"]``
#: with its own SPIDERMON_TELEGRAM_* settings (README, "Monitoring"). None by default.
MONITOR_NOTIFY: list[str] = []

# --- Feeds -------------------------------------------------------------------
#: A JSON-lines feed of only the articles a run added or changed, e.g.
#: ``feeds/hanoimoi/%(time)s.jsonl``; added to whatever FEEDS holds (Scrapyd's items_dir too).
CHANGED_ARTICLES_FEED = None
ADDONS = {"thidua_crawler.feeds.ChangedArticlesFeed": 100}
FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORT_FIELDS = list(ARTICLE_FIELDS)

# --- Scrapy defaults made explicit --------------------------------------------
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

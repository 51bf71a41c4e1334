#!/usr/bin/env bash
# One scheduled run of the crawler (cron, systemd timer): an incremental crawl of the last
# 7 days, a dated JSON-lines feed of the articles this run added or changed, a log and a stats
# file. Extra arguments go to `scrapy crawl` (e.g. -a since=2026-01-01).
#
#   THIDUA_FEED_DIR  where feeds go      (default: feeds/hanoimoi in the project)
#   THIDUA_LOG_DIR   where logs go       (default: var/log in the project)
#   PYTHON           the project's Python (default: .venv/bin/python)
#
# Exit status: the crawl's (README, "Exit status"): 0 all monitors passed, 3 writes spooled,
# 4 discovery failed, 5 another monitor failed, 75 skipped because another crawl into the same
# database was running (`scrapy crawl` takes the lock in the data directory, so manual crawls
# and Scrapyd jobs count too).
set -uo pipefail
cd "$(dirname "$0")/.."
stamp=$(date -u +%Y-%m-%dT%H-%M-%S)
feed_dir=${THIDUA_FEED_DIR:-feeds/hanoimoi}
log_dir=${THIDUA_LOG_DIR:-var/log}
python=${PYTHON:-.venv/bin/python}
mkdir -p "$feed_dir" "$log_dir"
log="$log_dir/hanoimoi-$stamp.log"
"$python" -m scrapy crawl hanoimoi -s "CHANGED_ARTICLES_FEED=$feed_dir/$stamp.jsonl" \
    -s "LOG_FILE=$log" -s "STATS_FILE=$log_dir/hanoimoi-$stamp.stats.json" "$@"
status=$?
case $status in
    0) ;;
    75) echo "scheduled_crawl: $stamp skipped: another crawl into this database is running" \
             "(see $log)" >&2 ;;
    *) echo "scheduled_crawl: $stamp crawl exited $status (see $log and \`scrapy runs\`)" >&2 ;;
esac
exit $status

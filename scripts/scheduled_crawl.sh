#!/usr/bin/env bash
# One scheduled run of the crawler (cron, systemd timer): an incremental crawl of the last
# 7 days, a dated JSON-lines feed of the articles this run added or changed, a log and a stats
# file. Extra arguments go to `scrapy crawl` (e.g. -a since=2026-01-01).
#
#   THIDUA_FEED_DIR  where feeds go      (default: feeds/hanoimoi in the project)
#   THIDUA_LOG_DIR   where logs go       (default: var/log in the project)
#   PYTHON           the project's Python (default: .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=$(date -u +%Y-%m-%dT%H-%M-%S)
feed_dir=${THIDUA_FEED_DIR:-feeds/hanoimoi}
log_dir=${THIDUA_LOG_DIR:-var/log}
python=${PYTHON:-.venv/bin/python}
mkdir -p "$feed_dir" "$log_dir"
feeds=$(printf '{"%s/%s.jsonl": {"format": "jsonlines", "encoding": "utf8", "item_filter": "thidua_crawler.feeds.ChangedArticles"}}' "$feed_dir" "$stamp")
crawl=("$python" -m scrapy crawl hanoimoi -s "FEEDS=$feeds" -s "LOG_FILE=$log_dir/hanoimoi-$stamp.log"
       -s "STATS_FILE=$log_dir/hanoimoi-$stamp.stats.json" "$@")
# One run at a time: a run still going when the next is due makes the next one skip.
if command -v flock >/dev/null; then
    exec flock --nonblock --conflict-exit-code 0 "$log_dir/.crawl.lock" "${crawl[@]}"
fi
exec "${crawl[@]}"

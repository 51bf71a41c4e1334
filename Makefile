# thidua_crawler: `make demo` and `make test` set everything up from nothing.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
SCRAPY := $(VENV)/bin/scrapy
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup demo crawl test lint eval eval-real bench fuzz scheduled clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

## Crawl the offline sample of the site into the local database and show what landed.
demo: setup
	$(PY) scripts/demo.py

## Crawl the live site (last 7 days by default; ARGS="-a since=2026-01-01" for more).
crawl: setup
	$(SCRAPY) crawl hanoimoi $(ARGS)

## One scheduled run: incremental crawl, dated feed of what changed (feeds/hanoimoi/), log in var/log/.
scheduled: setup
	scripts/scheduled_crawl.sh $(ARGS)

## Lint, then every test (starts its own SecantusDB and sample site).
test: setup
	$(PY) -m ruff check thidua_crawler tests scripts
	$(PY) -m pytest $(PYTEST_ARGS)

## Fuzz parsing and extraction much longer than `make test` does, with a fresh seed.
fuzz: setup
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest tests/test_fuzz.py $(PYTEST_ARGS)

## Score the extraction rules on the annotated corpora (precision, recall, F1, speed).
eval: setup
	$(PY) -m thidua_crawler.evaluation corpus/passages.json
	@echo
	$(PY) -m thidua_crawler.evaluation corpus/heldout.json

## Score the rules on real published text (../shared/real/dev.json, kept outside the project).
REAL_DEV ?= ../shared/real/dev.json
eval-real: setup
	$(PY) -m thidua_crawler.evaluation $(REAL_DEV) --if-present

## Crawl and researcher commands against baselines (docs/benchmark.md); ARGS="--pages 1000 --records 20000" for a quick run.
bench: setup
	$(PY) scripts/benchmark.py $(ARGS)

lint: setup
	$(PY) -m ruff check thidua_crawler tests scripts

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info

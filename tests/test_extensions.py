"""The crawl's garbage collector settings: on while the engine runs, undone when it stops."""

from __future__ import annotations

import gc

import pytest
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from thidua_crawler.extensions import GarbageCollection
from thidua_crawler.spiders.hanoimoi import HanoimoiSpider


def test_gc_thresholds_hold_while_the_engine_runs_and_are_restored() -> None:
    before = gc.get_threshold()
    crawler = get_crawler(HanoimoiSpider, {"GC_THRESHOLDS": [40_000, 15, 90]})
    extension = GarbageCollection.from_crawler(crawler)  # signals hold it weakly: keep it
    crawler.signals.send_catch_log(signals.engine_started)
    try:
        assert gc.get_threshold() == (40_000, 15, 90)
        assert gc.get_freeze_count() > 0  # start-up's objects are out of every collection
    finally:
        crawler.signals.send_catch_log(signals.engine_stopped)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    assert extension.previous == before


def test_empty_gc_thresholds_leave_the_collector_alone() -> None:
    with pytest.raises(NotConfigured):
        GarbageCollection.from_crawler(get_crawler(HanoimoiSpider, {"GC_THRESHOLDS": []}))

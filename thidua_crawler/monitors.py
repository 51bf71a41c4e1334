"""The crawl's health checks, run by Spidermon when the spider closes.

Each monitor compares the crawl's stats with a threshold setting (``MONITOR_*`` here,
``SPIDERMON_*`` for Spidermon's own monitors; all overridable with ``-s``). Spidermon
logs every result; :class:`RecordResults` puts them in the stats, from where the run's
``crawl_runs`` entry and the exit status of ``scrapy crawl`` take them. Notifications
(Slack, Telegram, e-mail, ... as Spidermon supports) are the actions named in
``MONITOR_NOTIFY``, run when a monitor failed; none by default.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import fastjsonschema
from itemadapter import ItemAdapter
from scrapy import Spider
from scrapy.utils.misc import load_object
from spidermon import MonitorSuite, monitors
from spidermon.contrib.scrapy.monitors import (
    ErrorCountMonitor,
    FinishReasonMonitor,
    ItemValidationMonitor,
)
from spidermon.contrib.scrapy.monitors.base import BaseScrapyMonitor
from spidermon.contrib.scrapy.pipelines import ItemValidationPipeline
from spidermon.contrib.validation import JSONSchemaValidator
from spidermon.core.actions import Action

from thidua_crawler.records import feed_json

#: Exit status of ``scrapy crawl hanoimoi`` (README, "Exit status"); 1 and 2 are Scrapy's own
#: (the crawl could not run; bad arguments). When several monitors fail, the lowest code wins.
EXIT_OK = 0
EXIT_STORAGE = 3  # writes spooled or refused: the data waits in the spool
EXIT_DISCOVERY = 4  # a listing could not be read, or listed no article
EXIT_MONITOR = 5  # any other monitor: layout drift, missing fields, schema, errors
#: Stats the results are recorded under.
FAILED_STAT, PASSED_STAT, EXIT_STAT = "monitors/failed", "monitors/passed", "monitors/exit_code"
FAILURE_STAT = "monitors/failure/{}"
#: Article layouts that mean "no known layout matched" (docs/site.md).
FALLBACK_LAYOUTS = ("metadata", "generic")
#: Item fields that travel with a record but are not part of it.
NOT_RECORD = ("raw_html", "change")


def _sum(stats: dict[str, Any], pattern: str) -> float:
    """The sum of the numeric stats whose key matches ``pattern`` in full."""
    regex = re.compile(pattern)
    return sum(v for k, v in stats.items() if regex.fullmatch(k) and isinstance(v, (int, float)))


class _Thresholds(BaseScrapyMonitor):
    """Checks of values from the stats against threshold settings."""

    exit_code = EXIT_MONITOR

    def count(self, pattern: str) -> float:
        return _sum(self.data.stats, pattern)

    def share(self, part: str, whole: str) -> float:
        """Stats matching ``part`` over those matching ``whole``. Skipped when fewer than
        ``MONITOR_SHARE_MIN_COUNT`` make up the part: one odd article in a small run is not
        drift, and with nothing read there is nothing to judge."""
        counted, total = self.count(part), self.count(whole)
        if not total or counted < self.crawler.settings.getint("MONITOR_SHARE_MIN_COUNT"):
            self.skipTest(f"{counted:g} of {total:g}: too few to judge")
        return counted / total

    def at_most(self, what: str, value: float, setting: str) -> None:
        limit = self.crawler.settings.getfloat(setting)
        self.assertLessEqual(value, limit, msg=f"{what}: {value:.3g}, more than {setting}={limit:g}")


@monitors.name("Storage")
class StorageMonitor(_Thresholds):
    """Every write reached the database."""

    exit_code = EXIT_STORAGE

    @monitors.name("writes spooled or refused")
    def test_writes(self) -> None:
        self.at_most("writes spooled or refused (replay them with `scrapy replay_spool`)",
                     self.count(r"mongo/[^/]+/(spooled|refused)"), "MONITOR_MAX_SPOOLED_WRITES")


@monitors.name("Discovery")
class DiscoveryMonitor(_Thresholds):
    """Every listing (sitemap, feed, section page, load-more page) was read and listed articles."""

    exit_code = EXIT_DISCOVERY

    @monitors.name("listings that could not be read")
    def test_failed_listings(self) -> None:
        # failed, not a listing at all (HTML for a sitemap), cut at a cap, or its articles
        # redirected off the site: what the run covered is not what it was asked to cover
        self.at_most("listings that could not be read",
                     self.count(r"discovery/failed(/.*)?|discovery/problem/(wrong_content|truncated|"
                                r"too_large)|offsite/filtered"),
                     "MONITOR_MAX_DISCOVERY_FAILURES")

    @monitors.name("in-range listings that listed no article")
    def test_empty_listings(self) -> None:
        self.at_most("in-range listings that listed no article",
                     self.count(r"discovery/problem/empty"), "MONITOR_MAX_EMPTY_LISTINGS")


@monitors.name("Layout drift")
class LayoutMonitor(_Thresholds):
    """Article pages are read by the known layouts of site.py, not by the fallbacks."""

    @monitors.name("share of unparseable article pages")
    def test_unparseable(self) -> None:
        self.at_most("share of unparseable article pages",
                     self.share(r"article/unparseable", r"article/(unparseable|layout/.+)"),
                     "MONITOR_MAX_UNPARSEABLE_SHARE")

    @monitors.name("share of articles read by a fallback layout")
    def test_fallback_layouts(self) -> None:
        fallbacks = "|".join(FALLBACK_LAYOUTS)
        self.at_most(f"share of articles read by a fallback layout ({fallbacks})",
                     self.share(rf"article/layout/({fallbacks})", r"article/layout/.+"),
                     "MONITOR_MAX_FALLBACK_LAYOUT_SHARE")


@monitors.name("Record completeness")
class CompletenessMonitor(_Thresholds):
    """Stored records have a body, a publication date and a place (counted by
    :class:`RecordCheckPipeline`)."""

    @monitors.name("share of records with no body")
    def test_body(self) -> None:
        self.at_most("share of records with no body",
                     self.share(r"records/no_body", r"records/checked"), "MONITOR_MAX_NO_BODY_SHARE")

    @monitors.name("share of records with no publication date")
    def test_date(self) -> None:
        self.at_most("share of records with no publication date",
                     self.share(r"records/no_date", r"records/checked"), "MONITOR_MAX_NO_DATE_SHARE")

    @monitors.name("share of records with no place")
    def test_place(self) -> None:
        if getattr(self.data.spider, "keep_all", False):
            self.skipTest("all=1 keeps articles about no place by design")
        self.at_most("share of records with no district, ward or commune",
                     self.share(r"records/no_place", r"records/checked"),
                     "MONITOR_MAX_NO_PLACE_SHARE")


@monitors.name("Errors")
class ErrorsMonitor(ErrorCountMonitor):
    """Spidermon's count of lines logged at ERROR (``SPIDERMON_MAX_ERRORS``)."""

    @monitors.name("lines logged at ERROR")
    def test_stat_monitor(self) -> None:
        super().test_stat_monitor()


@monitors.name("Schema")
class SchemaMonitor(ItemValidationMonitor):
    """Spidermon's count of JSON Schema violations (``SPIDERMON_MAX_ITEM_VALIDATION_ERRORS``)."""

    @monitors.name("records that break the record's JSON Schema")
    def test_stat_monitor(self) -> None:
        super().test_stat_monitor()


@monitors.name("Finish reason")
class FinishMonitor(FinishReasonMonitor):
    """Spidermon's check of how the spider closed (``SPIDERMON_EXPECTED_FINISH_REASONS``)."""

    @monitors.name("the spider finished normally")
    def test_should_finish_with_expected_reason(self) -> None:
        super().test_should_finish_with_expected_reason()


class RecordResults(Action):
    """Puts the suite's results in the stats: failed and passed monitors, each failure's
    message, and the exit status they mean. ``crawl_runs`` and ``scrapy crawl`` read them."""

    def run_action(self) -> None:
        stats = self.data.crawler.stats
        failed = self.result.monitors_failed_results
        for outcome in failed:
            stats.set_value(FAILURE_STAT.format(outcome.item.name), _message(outcome.error))
        stats.set_value(FAILED_STAT, [outcome.item.name for outcome in failed])
        stats.set_value(PASSED_STAT, [o.item.name for o in self.result.monitors_passed_results])
        stats.set_value(EXIT_STAT, min((getattr(o.item, "exit_code", EXIT_MONITOR)
                                        for o in failed), default=EXIT_OK))


def _message(error: str | None) -> str:
    """The assertion's own words from a failure's traceback text."""
    last = (error or "").strip().splitlines()[-1:] or [""]
    return re.sub(r"^\w+(Error|Exception): ", "", last[0])


class CrawlMonitors(MonitorSuite):
    """What is checked when a crawl ends (settings in settings.py, "Monitoring")."""

    monitors: ClassVar[list[Any]] = [StorageMonitor, DiscoveryMonitor, ErrorsMonitor, FinishMonitor,
                                     SchemaMonitor, LayoutMonitor, CompletenessMonitor]
    monitors_finished_actions: ClassVar[list[Any]] = [RecordResults]

    def __init__(self, *args: Any, crawler: Any = None, **kwargs: Any):
        notify = [load_object(path) for path in crawler.settings.getlist("MONITOR_NOTIFY")
                  ] if crawler else []
        super().__init__(*args, crawler=crawler, monitors_failed_actions=notify, **kwargs)


class CompiledSchemaValidator(JSONSchemaValidator):
    """Spidermon's JSON Schema validator, with a compiled check in front.

    Spidermon's own check (``jsonschema``) takes about 0.3 ms a record, a tenth of the
    reactor's time per article; the schema compiled by ``fastjsonschema`` takes 0.02 ms.
    A record the compiled check passes has no errors; one it fails goes through
    Spidermon's check, so the stats and messages of a violation are Spidermon's own.
    """

    def __init__(self, schema: dict[str, Any], **kwargs: Any):
        super().__init__(schema, **kwargs)
        self._compiled = fastjsonschema.compile(schema)

    def _validate(self, data: Any, strict: bool = False) -> None:
        try:
            self._compiled(data)
        except fastjsonschema.JsonSchemaException:
            super()._validate(data, strict)


class RecordCheckPipeline(ItemValidationPipeline):
    """Spidermon's JSON Schema check of each record in its feed form
    (``SPIDERMON_VALIDATION_SCHEMAS``), and counts of records without a body, a date or a
    place for :class:`CompletenessMonitor`. Runs after storage: it checks what was stored."""

    @classmethod
    def _load_jsonschema_validator(cls, schema: Any) -> JSONSchemaValidator:
        loaded = super()._load_jsonschema_validator(schema)
        return CompiledSchemaValidator(loaded._schema)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        record = feed_json({k: v for k, v in ItemAdapter(item).items() if k not in NOT_RECORD})
        stats = self.stats.stats
        stats.inc_value("records/checked")
        lacking = {"no_body": not record.get("body"), "no_date": not record.get("published_at"),
                   "no_place": not (record.get("districts") or record.get("communes"))}
        for name in (name for name, missing in lacking.items() if missing):
            stats.inc_value(f"records/{name}")
        # Spidermon's process_item, without its deep copy of the record (``feed_json`` made a
        # fresh one), which took most of the time the check took; records are neither dropped
        # nor annotated (SPIDERMON_VALIDATION_DROP_ITEMS_WITH_ERRORS and _ADD_ERRORS_TO_ITEMS
        # do not apply: the record is stored by then).
        self.stats.add_item()
        self.stats.add_fields(len(record))
        for validator in self.find_validators(record):
            valid, errors = validator.validate(record)
            if not valid:
                self._add_error_stats(errors)
        return item

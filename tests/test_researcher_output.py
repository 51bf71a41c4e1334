"""What researchers get from the commands: JSON tables with arrays and nulls, CSV for Excel, a
report that says what it shows, help that reads well, and documentation that matches the code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import run_scrapy
from thidua_crawler import storage
from thidua_crawler.html_report import ReportData, render

DOCS = Path(__file__).resolve().parent.parent / "docs"
COMMANDS = ("query", "stats", "export", "report", "summary", "runs", "reextract", "replay_spool",
            "localdb", "crawl")


@pytest.fixture
def env(research_env: dict[str, str]) -> dict[str, str]:
    return research_env


def test_jsonl_tables_hold_arrays_and_nulls(env, tmp_path: Path) -> None:
    done = run_scrapy(["export", "--out", str(tmp_path)], env)
    assert done.returncode == 0, done.stderr
    launches = [json.loads(line) for line in
                (tmp_path / "campaign_launches.jsonl").read_text(encoding="utf-8").splitlines()]
    thanh_xuan = next(r for r in launches if r["article_id"] == 1067530)
    assert thanh_xuan["names"][0] == "Tổ liên gia an toàn phòng cháy, chữa cháy"
    assert thanh_xuan["districts"] == ["thanh-xuan"] and thanh_xuan["communes"] == []
    assert thanh_xuan["places"] == ["quận Thanh Xuân"]
    awards = [json.loads(line) for line in
              (tmp_path / "award_counts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(isinstance(r["forms"], list) for r in awards)
    assert any(r["collectives"] is None for r in awards)  # null, never ""
    # CSV still joins lists with ";" (one cell per value for R, Stata, Excel).
    csv_text = (tmp_path / "campaign_launches.csv").read_text(encoding="utf-8")
    assert "Tổ liên gia an toàn phòng cháy, chữa cháy;Hoàn thành" in csv_text
    assert not csv_text.startswith("\ufeff")


def test_excel_option_writes_a_bom(env, tmp_path: Path) -> None:
    done = run_scrapy(["export", "--out", str(tmp_path), "--excel"], env)
    assert done.returncode == 0, done.stderr
    raw = (tmp_path / "award_counts.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "quận".encode() in raw
    assert not (tmp_path / "articles.jsonl").read_bytes().startswith(b"\xef\xbb\xbf")


def test_report_states_language_filters_time_axes_and_every_year(env, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    done = run_scrapy(["report", "--out", str(target), "--since", "2013-01-01",
                       "--district", "thanh xuan"], env)
    assert done.returncode == 0, done.stderr
    html = target.read_text(encoding="utf-8")
    assert '<html lang="vi">' in html
    assert "Filters: --since 2013-01-01, --district thanh-xuan." in html
    assert re.search(r"Generated \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", html)
    assert "1 article " in html and "1 articles" not in html


def test_report_charts_have_titles_axes_and_every_year() -> None:
    place = "huyện Ba Vì"
    data = ReportData(  # rendering is pure: the gathered figures in, HTML out
        articles=2, first="2019-05-01T12:00:00+07:00", last="2022-05-01T12:00:00+07:00",
        award_counts=2, launches=1,
        awards=[{"place": place, "year": year, "statements": 1, "collectives": n,
                 "individuals": 0, "combined": 0, "total": n} for year, n in ((2019, 1), (2022, 2))],
        launches_per_year=[{"year": 2019, "kind": "peak", "launches": 1}],
        newest_launches=[{"date": "2019-05-01", "places": [place], "kind": "peak",
                          "launcher_person": None, "launcher_position": None,
                          "launcher_body": None, "names": ["A", "B"]}],
        coverage=[{"month": f"{year}-05", "articles": 1, "with_launch": int(year == 2019),
                   "with_award": 1, "with_either": 1, "share_with_facts": 1.0}
                  for year in (2019, 2022)])
    html = render(data, filters="(none)")
    years = re.findall(r"<th>(\d{4})</th>", html)
    assert years == ["2019", "2020", "2021", "2022"]  # years without data too
    # The page's title, and one for each bar: Ba Vì's awards, 2019's one launch.
    assert html.count("<title>") == 3 and "Launches per year" in html
    assert "Recipients (all years)" in html and "number of launches" in html
    assert "1 campaign launch " in html


@pytest.mark.parametrize("command", COMMANDS)
def test_help_is_clean_and_shows_an_example(command: str, tmp_path: Path) -> None:
    done = run_scrapy([command, "--help"], {"COLUMNS": "80", "PATH": "/usr/bin:/bin",
                                            "THIDUA_DATA_DIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert re.search(rf"^Examples:\n  scrapy {command}\b", text, flags=re.M), text
    headings = re.findall(r"^(.*)\n[=-]{3,}$", text, flags=re.M)
    assert set(headings) <= {"Usage", "Options", "Global Options", "Filters",
                             "Positional Arguments"}, headings
    for line in text.splitlines():
        assert len(line) <= 80 or line.startswith("  scrapy ") or line.startswith("Usage"), line
    options = re.findall(r"^  (--[\w-]+)", text, flags=re.M)
    for option in options:  # every option says what it does
        entry = text.split(f"  {option}", 1)[1].split("\n  -", 1)[0]
        assert len(entry.strip().split()) > 1, (option, entry)


def test_schema_doc_lists_every_index() -> None:
    text = (DOCS / "schema.md").read_text(encoding="utf-8")
    table = text.split("## Indexes", 1)[1]
    for name, keys in storage.ARTICLE_INDEXES:
        assert f"| `{name}` |" in table and f"`{keys[0][0]}`" in table
    assert "`text`" in table and "`fetched_at`" in table


def test_feed_schema_file_is_generated_from_the_code() -> None:
    from thidua_crawler.schema import FEED_SCHEMA

    assert json.loads((DOCS / "article.schema.json").read_text(encoding="utf-8")) == FEED_SCHEMA

"""The researcher commands, run against the sample data in a real SecantusDB: the numbers."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from pathlib import Path

import pytest
from pymongo.errors import WriteError

from tests.conftest import run_scrapy
from thidua_crawler import flat_tables, storage
from thidua_crawler.records import feed_json, from_document

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture
def env(research_env: dict[str, str]) -> dict[str, str]:
    return research_env


def scrapy_csv(env: dict[str, str], *args: str) -> list[dict[str, str]]:
    done = run_scrapy([*args, "--format", "csv"], env)
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout)))


def test_thanh_xuan_2022_by_level(env) -> None:
    rows = scrapy_csv(env, "stats", "awards", "--district", "Thanh Xuân", "--year", "2022",
                      "--by-level")
    table = {r["level"]: (int(r["collectives"]), int(r["individuals"]), int(r["total"]))
             for r in rows}
    assert table == {"national": (6, 1, 7), "central_or_city": (89, 68, 157),
                     "district": (685, 1656, 2341)}


def test_awards_by_place_and_year_count_each_total_once(env) -> None:
    rows = scrapy_csv(env, "stats", "awards")
    cell = {(r["place"], r["year"]): r for r in rows}
    tx = cell[("quận Thanh Xuân", "2022")]
    assert (tx["collectives"], tx["individuals"], tx["total"]) == ("780", "1725", "2505")
    assert cell[("quận Thanh Xuân", "2023")]["combined"] == "34"
    da = cell[("huyện Đông Anh", "2025")]
    assert da["total"] == "1482"  # the parts of "gần 1.500", not the total again
    assert sum(int(r["total"]) for r in rows) == 2539 + 1482 + 147 + 75 + 65 + 56 + 55 + 50 + 45 + 45 + 17


def test_launches_of_2023_and_by_whom(env) -> None:
    rows = scrapy_csv(env, "query", "--has-launch", "--since", "2023-01-01", "--until",
                      "2023-12-31", "--show", "launches")
    assert [(r["launcher_person"], r["launcher_position"], r["kind"]) for r in rows] == [
        ("Võ Đăng Dũng", "Chủ tịch UBND quận Thanh Xuân", "peak")]
    assert rows[0]["names"].split(";") == [
        "Tổ liên gia an toàn phòng cháy, chữa cháy",
        "Hoàn thành xuất sắc nhiệm vụ thu ngân sách nhà nước quận Thanh Xuân năm 2023"]


def test_launches_by_year_and_kind(env) -> None:
    rows = scrapy_csv(env, "stats", "launches")
    assert [(r["year"], r["kind"], r["launches"]) for r in rows] == [
        ("2023", "peak", "1"), ("2024", "special", "1"), ("2025", "movement", "2")]


def test_coverage_describes_the_frame(env) -> None:
    rows = scrapy_csv(env, "stats", "coverage")
    assert sum(int(r["articles"]) for r in rows) == 12
    assert sum(int(r["with_launch"]) for r in rows) == 4
    assert sum(int(r["with_either"]) for r in rows) == 12
    assert rows[0]["month"] == "2013-12"


def article_ids(env: dict[str, str], *filters: str) -> set[int]:
    return {int(r["article_id"]) for r in scrapy_csv(env, "query", *filters)}


@pytest.mark.parametrize(("filters", "expected"), [
    (("--text", "thi dua khen thuong"), {600201, 1067530, 1093410}),
    (("--text", "THI ĐUA, KHEN THƯỞNG"), {600201, 1067530, 1093410}),
    (("--text", ".*"), set()),  # a literal, never a pattern
    (("--district", "thanh-xuan"), {1067530}),
    (("--commune", "phường cau giay"), {1160987}),
    (("--level", "city"), {600201, 1067530, 1093410, 1132450}),
    (("--form", "pm_certificate"), {931245}),
    (("--launcher", "vo dang dung"), {1067530}),
    (("--has-launch", "--since", "2024-01-01"), {1103321, 1132450, 1145678}),
    (("--has-award", "--until", "2019-12-31"), {600201, 931245}),
])
def test_query_filters(env, filters: tuple[str, ...], expected: set[int]) -> None:
    assert article_ids(env, *filters) == expected


@pytest.mark.parametrize(("arguments", "message"), [
    (["query", "--district", "Thanh Xuan Bac"], "unknown district 'Thanh Xuan Bac'; use a slug"),
    (["query", "--commune", "Atlantis"], "unknown ward or commune 'Atlantis'"),
    (["query", "--since", "2023-13-01"], "'2023-13-01' is not a date in the form YYYY-MM-DD"),
    (["query", "--level", "province"], "unknown level 'province'; use one of: national"),
    (["stats", "awards", "--since", "2024-01-01", "--until", "2023-01-01"], "is after --until"),
    (["export", "--out", "x", "--formats", "xlsx"], "use csv, jsonl or csv,jsonl"),
])
def test_bad_arguments_say_what_is_accepted(env, arguments: list[str], message: str) -> None:
    done = run_scrapy(arguments, env)
    assert done.returncode != 0
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_export_tables_for_pandas_r_stata(env, tmp_path: Path) -> None:
    import pandas as pd

    done = run_scrapy(["export", "--out", str(tmp_path)], env)
    assert done.returncode == 0, done.stderr
    assert "12 articles, 22 award counts, 4 campaign launches" in done.stdout
    awards = pd.read_csv(tmp_path / "award_counts.csv")
    assert list(awards.columns) == flat_tables.AWARD_COLUMNS
    assert len(awards) == 22
    tx = awards[(awards["districts"] == "thanh-xuan") & awards["leaf"] & (awards["year"] == 2022)]
    assert tx["count"].sum() == 2505
    launches = pd.read_json(tmp_path / "campaign_launches.jsonl", lines=True)
    assert len(launches) == 4 and set(flat_tables.LAUNCH_COLUMNS) == set(launches.columns)
    articles = pd.read_csv(tmp_path / "articles.csv")
    assert list(articles.columns) == flat_tables.ARTICLE_COLUMNS and len(articles) == 12
    # The full records equal what the database holds, in feed form.
    db = storage.connect(env["MONGO_URI"])[env["MONGO_DATABASE"]]
    stored = {d["_id"]: feed_json(from_document(d)) for d in db.articles.find()}
    lines = [json.loads(line) for line in (tmp_path / "articles.jsonl").read_text().splitlines()]
    assert {r["_id"]: r for r in lines} == stored


def test_empty_export_still_has_headers(env, tmp_path: Path) -> None:
    done = run_scrapy(["export", "--out", str(tmp_path), "--since", "2030-01-01"], env)
    assert done.returncode == 0, done.stderr
    header = (tmp_path / "award_counts.csv").read_text(encoding="utf-8").splitlines()
    assert header == [",".join(flat_tables.AWARD_COLUMNS)]


def test_report_is_self_contained(env, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    done = run_scrapy(["report", "--out", str(target)], env)
    assert done.returncode == 0, done.stderr
    html = target.read_text(encoding="utf-8")
    assert "quận Thanh Xuân" in html and "2,505" in html and "Võ Đăng Dũng" in html
    assert html.count("<svg") == 2
    assert "<script" not in html and not re.search(r"(src|href)=\"https?:", html)


def test_flat_rows_have_the_documented_columns(env) -> None:
    db = storage.connect(env["MONGO_URI"])[env["MONGO_DATABASE"]]
    docs = [from_document(d) for d in db.articles.find()]
    assert list(flat_tables.award_rows(docs)[0]) == flat_tables.AWARD_COLUMNS
    assert list(flat_tables.launch_rows(docs)[0]) == flat_tables.LAUNCH_COLUMNS
    assert list(flat_tables.article_rows(docs)[0]) == flat_tables.ARTICLE_COLUMNS


def test_schema_validator_refuses_a_broken_record(env) -> None:
    db = storage.connect(env["MONGO_URI"])[env["MONGO_DATABASE"]]
    good = db.articles.find_one({"_id": "hanoimoi:1067530"})
    broken = dict(good, _id="hanoimoi:999", award_counts=[{"count": "many"}])
    with pytest.raises(WriteError) as refused:
        db.articles.insert_one(broken)
    assert refused.value.code == 121


def test_documentation_examples_run(env, monkeypatch) -> None:
    """The pymongo and pandas examples of docs/researchers.md, executed as written."""
    text = (DOCS / "researchers.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 4
    monkeypatch.setenv("MONGO_URI", env["MONGO_URI"])
    monkeypatch.setenv("MONGO_DATABASE", env["MONGO_DATABASE"])
    monkeypatch.setenv("THIDUA_DATA_DIR", env["THIDUA_DATA_DIR"])
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "docs/researchers.md", "exec"), namespace)
    by_year = namespace["by_district_year"]
    assert by_year.loc[("thanh-xuan", 2022, "district"), "count"] == 2341
    assert len(namespace["by_person"]) == 1
    assert len(namespace["counts"]) == 22
    assert namespace["recipients"][(2022, "national")] == 7
    assert namespace["recipients"][(2023, "city")] == 34
    assert [d["launch"]["kind"] for d in namespace["launches_by_person"]] == ["peak"]


@pytest.mark.parametrize("arguments", [
    ["stats", "awards", "--level", "national", "--by-level"],
    ["query", "--level", "national", "--show", "awards"],
])
def test_level_selects_award_counts_not_articles(env, arguments: list[str]) -> None:
    rows = scrapy_csv(env, *arguments)
    assert rows and {r["level"] for r in rows} == {"national"}
    thanh_xuan = [r for r in rows if "Thanh Xuân" in r.get("place", r.get("places", ""))]
    assert sum(int(r.get("total") or r["count"]) for r in thanh_xuan) == 7


def test_form_selects_award_counts_not_articles(env) -> None:
    rows = scrapy_csv(env, "query", "--form", "pm_certificate", "--show", "awards")
    assert rows and all("pm_certificate" in r["forms"].split(";") for r in rows)
    every = scrapy_csv(env, "query", "--show", "awards", "--since", "2019-01-01",
                       "--until", "2019-12-31")
    assert len(rows) < len([r for r in every if r["published_at"].startswith("2019")])


def test_export_and_report_keep_only_the_selected_award_counts(env, tmp_path: Path) -> None:
    done = run_scrapy(["export", "--out", str(tmp_path), "--level", "national"], env)
    assert done.returncode == 0, done.stderr
    with (tmp_path / "award_counts.csv").open(encoding="utf-8") as table:
        levels = {r["level"] for r in csv.DictReader(table)}
    assert levels == {"national"}
    target = tmp_path / "report.html"
    done = run_scrapy(["report", "--out", str(target), "--level", "national"], env)
    assert done.returncode == 0, done.stderr
    html = target.read_text(encoding="utf-8")
    assert "quận Thanh Xuân" in html and "2,505" not in html and "2,341" not in html


def test_summary_per_place(env) -> None:
    done = run_scrapy(["summary"], env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("12 articles stored (")
    thanh_xuan, *_ = [line.split() for line in done.stdout.splitlines()
                       if line.startswith("quận Thanh Xuân ")]
    assert thanh_xuan[3:] == ["1", "1", "4", "2539"]  # articles, launches, statements, recipients

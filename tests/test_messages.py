"""Bad arguments and broken surroundings get a message, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PROJECT, crawl, run_scrapy
from tests.test_researcher_tools import env as research_env  # noqa: F401 - a fixture
from thidua_crawler import storage
from thidua_crawler.local_server import free_port

LONG_TEXT = "thi đua khen thưởng các tập thể cá nhân có thành tích xuất sắc trong phong trào"


@pytest.fixture
def empty_env(db_server, tmp_path: Path) -> Iterator[dict[str, str]]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MONGO_")}
    environment.update(MONGO_URI=db_server.uri, MONGO_DATABASE=f"msg_{uuid.uuid4().hex[:8]}",
                       THIDUA_DATA_DIR=str(tmp_path / "data"), HANOIMOI_BASE_URL="http://127.0.0.1:9")
    yield environment


def assert_message(done: subprocess.CompletedProcess, words: str) -> None:
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    assert words in done.stderr, done.stderr


@pytest.mark.parametrize(("args", "words"), [
    (["query", "--since", "0001-01-01"], "between 1900 and 2100"),
    (["query", "--limit", "-1"], "--limit"),
    (["export", "--out", "/proc/no/such/dir"], "cannot write"),
    (["crawl", "hanoimoi", "-a", "since=2023-13-01"], "not a date in the form YYYY-MM-DD"),
    (["crawl", "hanoimoi", "-a", "discover=foo"], "discover: unknown ['foo']"),
    (["crawl", "hanoimoi", "-a", "since=2025-01-01", "-a", "until=2024-01-01"], "is after until"),
    (["crawl", "hanoimoi", "-a", "sections=nope"], "sections: unknown ['nope']"),
    (["crawl", "hanoimoi", "-a", "url=https://example.com/tin-1.html"], "not on the site"),
    (["crawl", "hanoimoi", "-a", "urls_file=/no/such/file"], "urls_file"),
])
def test_bad_arguments_get_a_message(empty_env, args: list[str], words: str) -> None:
    assert_message(run_scrapy(args, empty_env), words)


def test_a_database_that_refuses_or_is_gone_gets_a_message(empty_env, db_server) -> None:
    login = dict(empty_env, MONGO_URI=db_server.uri.replace("//", "//nobody:wrong@"))
    assert_message(run_scrapy(["query"], login), "database")
    gone = dict(empty_env, MONGO_URI=f"mongodb://127.0.0.1:{free_port()}/", )
    assert_message(run_scrapy(["stats", "awards", "-s", "MONGO_TIMEOUT_MS=300"], gone),
                   "database")


@pytest.mark.parametrize(("option", "phrase", "found"), [
    ("--text", "Chủ tịch UBND quận Thanh Xuân Võ Đăng Dũng kêu gọi các tập thể", 1),
    ("--text", "Chủ tịch UBND quận Thanh Xuân Võ Đăng Dũng kêu gọi các tập thể không có", 0),
    ("--launcher", LONG_TEXT, 0),
])
def test_long_search_words_are_matched_whole(research_env, option: str, phrase: str,  # noqa: F811
                                             found: int) -> None:
    """The server caps regular expressions at 1,000 characters; a long phrase is narrowed on
    the server by its start and matched whole in Python."""
    done = run_scrapy(["query", option, phrase, "--format", "jsonl"], research_env)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert len(done.stdout.splitlines()) == found


def test_a_closed_pipe_ends_quietly(research_env) -> None:  # noqa: F811
    """``scrapy query | head -1``."""
    process = subprocess.Popen([sys.executable, "-m", "scrapy", "query", "--format", "csv"],
                               cwd=PROJECT, env=research_env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, bufsize=1)
    assert process.stdout.readline()
    process.stdout.close()
    _, errors = process.communicate(timeout=120)
    assert "Traceback" not in errors and "BrokenPipe" not in errors, errors


def test_a_crawl_with_a_bad_argument_starts_nothing(empty_env, db_server) -> None:
    result = crawl(empty_env, "-a", "since=tomorrow")
    assert result.returncode == 2 and "Traceback" not in result.log
    runs = storage.connect(db_server.uri)[empty_env["MONGO_DATABASE"]].crawl_runs
    assert runs.count_documents({}) == 0

"""Every shell command in README.md and docs/researchers.md runs as written after `make demo`.

A scratch directory stands for a fresh checkout (links to this one's virtual environment and
files); `make demo` runs there with the zero-configuration local database (its own data
directory and port), then each command of the ```sh blocks, in order, in one environment
(``export`` lines carry over, as in a terminal). The few that cannot run here say why.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from thidua_crawler.local_server import free_port

DOCUMENTS = ("README.md", "docs/researchers.md")
#: Commands that are not run here, and why.
NOT_RUN = {
    "make test": "this test suite itself",
    "make fuzz": "the long run of tests/test_fuzz.py, whose short run is part of this suite",
    "make bench": "minutes of load on purpose; scripts/benchmark.py prints figures, asserts nothing",
    "make crawl": "crawls the live site (no network here); the same command as `make demo` runs",
    "db.example.org": "a MongoDB of the reader's own",
    "[-a name=value": "a syntax summary, not a command",
    "tests.replay --write": "rewrites the tests' expected records, after a rule change",
    "git diff": "reviews that rewrite",
    "localhost:6800": "needs a Scrapyd: tests/test_scrapyd.py deploys and schedules for real",
    "scrapyd": "needs a Scrapyd: tests/test_scrapyd.py deploys and schedules for real",
}
#: Researcher commands must find what the demo stored, not print an empty table.
EXPECT_ROWS = re.compile(r"scrapy (query|stats|summary|runs)\b")


def commands(document: str) -> list[str]:
    text = (PROJECT / document).read_text(encoding="utf-8")
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        block = block.replace("\\\n", " ")  # continued lines are one command
        lines += [line.strip() for line in block.splitlines()
                  if line.strip() and not line.strip().startswith("#")]
    return lines


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """A scratch checkout after `make demo`, with its own local database."""
    root = tmp_path_factory.mktemp("checkout")
    for name in (".venv", "Makefile", "pyproject.toml", "scrapy.cfg", "scripts", "thidua_crawler",
                 "docs", "README.md"):
        (root / name).symlink_to(PROJECT / name)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MONGO_", "HANOIMOI_", "THIDUA_", "VIRTUAL_ENV"))}
    env.update(THIDUA_DATA_DIR=str(root / "data"), LOCAL_DB_PORT=str(free_port()),
               PATH=f"{PROJECT / '.venv' / 'bin'}{os.pathsep}{env['PATH']}")
    # `make demo`, its setup step taken as done (the environment is this checkout's own).
    demo = subprocess.run(["make", "-o", ".venv/.installed-stamp", "demo"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "database 'thidua_demo'" in demo.stdout
    yield root, env
    subprocess.run([str(PROJECT / ".venv/bin/scrapy"), "localdb", "stop"], cwd=root, env=env,
                   capture_output=True, timeout=120, check=False)


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_command_runs_as_written(checkout, document: str) -> None:
    root, base = checkout
    env = dict(base)
    ran = 0
    for command in commands(document):
        if command == "make demo" or any(marker in command for marker in NOT_RUN):
            continue
        if command.startswith("export "):
            name, _, value = command.removeprefix("export ").partition("=")
            env[name] = shlex.split(value.split("  #")[0])[0]
            continue
        done = subprocess.run(["bash", "-c", command], cwd=root, env=env, capture_output=True,
                              text=True, timeout=300, check=False)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr, f"{command}\n{done.stderr}"
        if EXPECT_ROWS.search(command) and env.get("MONGO_DATABASE") == "thidua_demo":
            assert "(no rows)" not in done.stdout, f"{command}\n{done.stdout}"
        ran += 1
    assert ran >= 8 if document == "README.md" else ran >= 2

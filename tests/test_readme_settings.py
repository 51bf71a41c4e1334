"""The README's settings table says what thidua_crawler/settings.py does: every setting it
names exists with the stated default and (env) marker, and every setting settings.py
documents with a ``#:`` comment is in it."""

from __future__ import annotations

import ast
import fnmatch
import re
import runpy
from typing import Any

import pytest

from tests.conftest import PROJECT

SETTINGS = PROJECT / "thidua_crawler" / "settings.py"
MIB = 1024 * 1024
#: Defaults the table describes in words: each means the setting is None, filled in at use.
UNSET = {"unset", "see above", "<data dir>/spool.jsonl"}
#: Defaults that only point elsewhere: the names must exist, the values are not stated.
DESCRIBED = {"see below", "polite values"}


def table() -> list[tuple[list[str], bool, str]]:
    """(names, read from the environment, default) of each row of the README's table."""
    text = (PROJECT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Settings"):]
    section = section[:section.index("\n#", 1)]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        rows.append((re.findall(r"`([A-Z_*]+)`", cells[0]), "(env)" in cells[0], cells[1]))
    return rows


def stated(default: str) -> Any:
    """A default as the table writes it, as Python would hold it."""
    text = default.strip("`")
    if text in UNSET:
        return None
    if match := re.fullmatch(r"(\d+) MB", text):
        return int(match[1]) * MIB
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def documented() -> list[str]:
    """Settings right after a ``#:`` comment in settings.py (the Sphinx convention)."""
    names, after_comment = [], False
    for line in SETTINGS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#:"):
            after_comment = True
        elif after_comment and (match := re.match(r"([A-Z][A-Z0-9_]*)\s*[:=]", line)):
            names.append(match[1])
            after_comment = False
    return names


def values(monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]) -> dict[str, Any]:
    """settings.py's values when the environment holds exactly ``environment`` of the
    table's names."""
    for names, _, _ in table():
        for name in names:
            monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


ROWS = table()
STATED = [pytest.param(names, env, default, id=",".join(names))
          for names, env, default in ROWS if default not in DESCRIBED]


def test_the_table_has_its_rows() -> None:
    assert len(ROWS) == 22 and len(STATED) == 20  # a parser that reads nothing fails here
    assert len(documented()) == 29


@pytest.mark.parametrize("name", [name for names, _, _ in ROWS for name in names])
def test_each_setting_the_table_names_exists(monkeypatch, name: str) -> None:
    assert fnmatch.filter(values(monkeypatch, {}), name), f"{name} is not in settings.py"


@pytest.mark.parametrize(("names", "env", "default"), STATED)
def test_each_stated_default_and_env_marker_is_right(monkeypatch, names: list[str], env: bool,
                                                     default: str) -> None:
    settings = values(monkeypatch, {})
    defaults = default.split(", ") if len(names) > 1 else [default]
    for name, each in zip(names, defaults, strict=True):
        assert settings[name] == stated(each), f"{name}: settings.py has {settings[name]!r}"
    changed = values(monkeypatch, dict.fromkeys(names, "12345"))
    for name in names:
        assert (changed[name] != settings[name]) == env, (
            f"{name}: {'not ' if env else ''}read from the environment, "
            f"but {'' if env else 'not '}marked (env)")


def test_every_documented_setting_is_in_the_table() -> None:
    patterns = [name for names, _, _ in ROWS for name in names]
    missing = [name for name in documented()
               if not any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)]
    assert missing == []

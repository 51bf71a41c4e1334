"""docs/reliability.md names a test for each promise: every name must be a test that exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)?(?:::(\w+))?`")


def test_every_test_the_reliability_promises_name_exists() -> None:
    named: list[tuple[str, str | None]] = []
    current = None
    for path, name in REFERENCE.findall((PROJECT / "docs" / "reliability.md").read_text("utf-8")):
        current = path or current
        named.append((current, name or None))
    assert len(named) > 20
    for path, name in named:
        assert path and (PROJECT / path).exists(), path
        if name:
            tree = ast.parse((PROJECT / path).read_text("utf-8"))
            tests = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
            assert name in tests, f"{path}::{name}"

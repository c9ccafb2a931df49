"""Rules the whole source tree keeps (issue #9): no ``assert`` statements in src/manyi.

``python -O`` strips asserts, so an assert that guards input or state silently stops
guarding; the code raises a ManyiError (or a plain exception for a bug) instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parents[1] / "src" / "manyi"


def test_no_assert_statements_in_the_source() -> None:
    found = [
        f"{path.relative_to(SRC.parent)}:{node.lineno}"
        for path in sorted(SRC.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assert)
    ]
    assert found == [], f"replace these asserts by explicit checks: {found}"


def test_the_rule_sees_an_assert() -> None:
    tree = ast.parse("def f(x):\n    assert x\n")
    assert any(isinstance(node, ast.Assert) for node in ast.walk(tree))

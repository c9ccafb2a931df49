"""docs/permissions.md shows the role → permission map and the role reach as they are in
code: the tables between the ``generated`` markers are rendered here from
``ROLE_PERMISSIONS`` and ``ROLE_REACH`` and must equal the file's (the failure prints the
table to paste)."""

from __future__ import annotations

import re
from pathlib import Path

from manyi.domain.enums import Role
from manyi.domain.permissions import ROLE_PERMISSIONS, Permission
from manyi.domain.scope import ROLE_REACH

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"


def permission_table() -> str:
    roles = list(Role)
    lines = [
        "| permission | " + " | ".join(r.value for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for p in Permission:
        marks = " | ".join("✓" if p in ROLE_PERMISSIONS[r] else "" for r in roles)
        lines.append(f"| `{p.value}` ({p.name}) | {marks} |")
    return "\n".join(lines)


def reach_table() -> str:
    lines = ["| role | sees the data of |", "|---|---|"]
    lines += [f"| {r.value} | {ROLE_REACH[r].value} |" for r in Role]
    return "\n".join(lines)


def _block(text: str, name: str) -> str:
    found = re.search(rf"<!-- generated: {name} -->\n(.*?)\n<!-- end: {name} -->", text, flags=re.S)
    assert found, f"docs/permissions.md lacks the {name} markers"
    return found.group(1)


def test_the_permission_table_matches_the_map() -> None:
    expected = permission_table()
    assert _block(DOC.read_text(encoding="utf-8"), "permissions") == expected, (
        "docs/permissions.md is out of date; the table is:\n" + expected
    )


def test_the_reach_table_matches_the_map() -> None:
    expected = reach_table()
    assert _block(DOC.read_text(encoding="utf-8"), "reach") == expected, (
        "docs/permissions.md is out of date; the table is:\n" + expected
    )

"""What administrators do to departments: see them as a tree, create one (under a parent
or as a root), rename one, move one under another parent.

Moving goes through :func:`manyi.accounts.scope.set_department_parent`, which refuses
cycles (the one place that guards the tree scoping walks). Every change is audited:
``department.created``, ``department.renamed``, ``department.moved``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from manyi.accounts.scope import set_department_parent
from manyi.accounts.service import User
from manyi.errors import Conflict, FieldError, InvalidInput, NotFound
from manyi.storage.audit import add_audit_entry
from manyi.storage.database import Database
from manyi.storage.directory import (
    all_departments,
    department_by_code,
    department_by_id,
    member_counts,
)
from manyi.storage.organisation import add_department
from manyi.storage.tables import DepartmentRow

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MAX_NAME = 200


@dataclass(frozen=True)
class DepartmentNode:
    id: int
    code: str
    name_zh: str
    name_en: str
    parent: str | None  # the parent's code
    depth: int  # 0 for a root
    members: int  # users in this department (not below it)

    def name(self, lang: str) -> str:
        return (self.name_en or self.name_zh) if lang == "en" else (self.name_zh or self.name_en)


def _audit(session: Session, actor: User, action: str, code: str, **detail: object) -> None:
    add_audit_entry(
        session,
        action=action,
        subject_kind="department",
        subject_id=code,
        detail=detail,
        actor=actor.email,
        actor_user_id=actor.id,
    )


def _names(name_zh: str, name_en: str) -> tuple[str, str]:
    zh, en = name_zh.strip(), name_en.strip()
    if not zh and not en:
        raise InvalidInput(
            "give the department's name in Chinese or in English",
            [FieldError(("name_zh",), "missing", "name_missing")],
        )
    if len(zh) > MAX_NAME or len(en) > MAX_NAME:
        raise InvalidInput(
            f"a department name has at most {MAX_NAME} characters",
            [FieldError(("name_zh",), "too long", "name_too_long")],
        )
    # Both columns are shown: the other language falls back to the one given.
    return zh or en, en or zh


def _department(session: Session, code: str) -> DepartmentRow:
    row = department_by_code(session, code)
    if row is None:
        raise NotFound(
            f"no department with code {code!r}",
            [FieldError(("parent",), "unknown department", "department_unknown")],
        )
    return row


def department_tree(db: Database) -> list[DepartmentNode]:
    """Every department in tree order: each root (by code), then its children (by code)
    depth first, each one level deeper than its parent."""
    with db.session() as s:
        rows = all_departments(s)
        counts = member_counts(s)
    by_id = {r.id: r for r in rows}
    children: dict[int | None, list[DepartmentRow]] = defaultdict(list)
    for r in rows:  # rows come by code, so each list of children is by code too
        parent = r.parent_id if r.parent_id in by_id else None
        children[parent].append(r)
    out: list[DepartmentNode] = []
    seen: set[int] = set()

    def walk(row: DepartmentRow, depth: int) -> None:
        if row.id in seen:  # parent_id has no check: a stored cycle must not loop
            return
        seen.add(row.id)
        parent = by_id.get(row.parent_id) if row.parent_id is not None else None
        out.append(
            DepartmentNode(
                row.id,
                row.code,
                row.name_zh,
                row.name_en,
                parent.code if parent else None,
                depth,
                counts.get(row.id, 0),
            )
        )
        for child in children[row.id]:
            walk(child, depth + 1)

    for root in children[None]:
        walk(root, 0)
    for r in rows:  # members of a stored cycle have no root: list them at the top level
        walk(r, 0)
    return out


def create_department_by_admin(
    db: Database,
    actor: User,
    *,
    code: str,
    name_zh: str = "",
    name_en: str = "",
    parent: str | None = None,
) -> DepartmentNode:
    """Store a new department (Conflict when the code is taken), under ``parent``."""
    code = code.strip()
    if not CODE_RE.match(code):
        raise InvalidInput(
            f"a department code is 1 to 64 letters, digits, '_', '.' or '-', not {code!r}",
            [FieldError(("code",), "invalid code", "code_invalid")],
        )
    zh, en = _names(name_zh, name_en)
    with db.session() as s:
        parent_row = _department(s, parent) if parent else None
        try:
            row = add_department(s, code=code, name_zh=zh, name_en=en)
        except Conflict as exc:
            raise Conflict(exc.message, [FieldError(("code",), "taken", "code_taken")]) from None
        # A new department has no children, so any parent is free of cycles.
        row.parent_id = parent_row.id if parent_row else None
        _audit(s, actor, "department.created", code, name_zh=zh, name_en=en, parent=parent)
        s.flush()
        return DepartmentNode(row.id, code, zh, en, parent or None, 0, 0)


def rename_department(
    db: Database, actor: User, code: str, *, name_zh: str, name_en: str = ""
) -> None:
    zh, en = _names(name_zh, name_en)
    with db.session() as s:
        row = _department(s, code)
        if (row.name_zh, row.name_en) != (zh, en):
            _audit(
                s,
                actor,
                "department.renamed",
                code,
                old={"zh": row.name_zh, "en": row.name_en},
                new={"zh": zh, "en": en},
            )
            row.name_zh, row.name_en = zh, en


def move_department(db: Database, actor: User, code: str, parent: str | None) -> None:
    """Put ``code`` under ``parent`` (None: a root); InvalidInput for a cycle."""
    with db.session() as s:
        row = _department(s, code)
        old_parent = department_by_id(s, row.parent_id) if row.parent_id is not None else None
        old = old_parent.code if old_parent else None
    if old == (parent or None):
        return
    # The cycle check and the write are scope's; the audit entry follows in its own
    # transaction, written only once the move has committed.
    try:
        set_department_parent(db, code, parent or None)
    except InvalidInput as exc:  # the parent is the department itself or lies below it
        raise InvalidInput(exc.message, [FieldError(("parent",), "cycle", "cycle")]) from None
    with db.session() as s:
        _audit(s, actor, "department.moved", code, old=old, new=parent or None)

"""Departments as administrators manage them: the tree in order, create under a parent,
rename, move (cycles refused by accounts.scope), every change audited."""

from __future__ import annotations

import pytest

from manyi.accounts.departments import (
    create_department_by_admin,
    department_tree,
    move_department,
    rename_department,
)
from manyi.accounts.service import User, create_user
from manyi.domain.enums import Role
from manyi.errors import Conflict, InvalidInput, NotFound
from manyi.storage.audit import audit_entries
from manyi.storage.database import Database
from manyi.storage.tables import DepartmentRow


@pytest.fixture
def root(db: Database) -> User:
    return create_user(db, "root@example.com", "correct horse battery", Role.ADMIN)


def shape(db: Database) -> list[tuple[str, str | None, int]]:
    return [(d.code, d.parent, d.depth) for d in department_tree(db)]


def test_the_tree_in_order_with_depths(db: Database, root: User) -> None:
    create_department_by_admin(db, root, code="HQ", name_zh="总部")
    create_department_by_admin(db, root, code="CS", name_zh="客服", parent="HQ")
    create_department_by_admin(db, root, code="CS-N", name_zh="北区", parent="CS")
    create_department_by_admin(db, root, code="AA", name_en="Audit", parent="HQ")
    create_department_by_admin(db, root, code="FIN", name_zh="财务")
    create_user(db, "a@example.com", "correct horse battery", Role.AGENT, department="CS-N")
    assert shape(db) == [
        ("FIN", None, 0),
        ("HQ", None, 0),
        ("AA", "HQ", 1),
        ("CS", "HQ", 1),
        ("CS-N", "CS", 2),
    ]
    nodes = {d.code: d for d in department_tree(db)}
    assert nodes["CS-N"].members == 1 and nodes["CS"].members == 0
    # a name given in one language stands in for the other
    assert (nodes["AA"].name_zh, nodes["AA"].name("zh-CN")) == ("Audit", "Audit")


def test_moves_refuse_cycles_and_are_audited(db: Database, root: User) -> None:
    for code, parent in [("HQ", None), ("CS", "HQ"), ("CS-N", "CS")]:
        create_department_by_admin(db, root, code=code, name_zh=code, parent=parent)
    for parent in ("CS", "CS-N"):
        with pytest.raises(InvalidInput) as refused:
            move_department(db, root, "CS", parent)
        assert refused.value.errors[0].type == "cycle"
    with pytest.raises(NotFound):
        move_department(db, root, "CS", "NOPE")
    move_department(db, root, "CS-N", "HQ")
    move_department(db, root, "CS-N", "HQ")  # already there: nothing to record
    move_department(db, root, "CS", "CS-N")  # allowed now: CS-N is no longer below CS
    assert shape(db) == [("HQ", None, 0), ("CS-N", "HQ", 1), ("CS", "CS-N", 2)]
    move_department(db, root, "CS", None)
    assert shape(db) == [("CS", None, 0), ("HQ", None, 0), ("CS-N", "HQ", 1)]
    with db.session() as s:
        entries, _ = audit_entries(s, action="department.moved")
    assert [(e.subject_id, e.detail["old"], e.detail["new"]) for e in reversed(entries)] == [
        ("CS-N", "CS", "HQ"),
        ("CS", "HQ", "CS-N"),
        ("CS", "CS-N", None),
    ]
    assert {e.actor_user_id for e in entries} == {root.id}


def test_create_and_rename_refusals(db: Database, root: User) -> None:
    create_department_by_admin(db, root, code="CS", name_zh="客服")
    cases = [
        ({"code": "CS", "name_zh": "x"}, Conflict, "code_taken"),
        ({"code": "a b", "name_zh": "x"}, InvalidInput, "code_invalid"),
        ({"code": "NEW"}, InvalidInput, "name_missing"),
        ({"code": "NEW", "name_zh": "x", "parent": "NOPE"}, NotFound, "department_unknown"),
    ]
    for kwargs, error, code in cases:
        with pytest.raises(error) as refused:
            create_department_by_admin(db, root, **kwargs)  # type: ignore[arg-type]
        assert refused.value.errors[0].type == code  # type: ignore[attr-defined]
    rename_department(db, root, "CS", name_zh="客户服务", name_en="Customer service")
    rename_department(db, root, "CS", name_zh="客户服务", name_en="Customer service")
    with pytest.raises(InvalidInput):
        rename_department(db, root, "CS", name_zh=" ", name_en="")
    with db.session() as s:
        row = s.query(DepartmentRow).filter_by(code="CS").one()
        assert (row.name_zh, row.name_en) == ("客户服务", "Customer service")
        entries, _ = audit_entries(s, subject_kind="department", subject_id="CS")
    assert [e.action for e in reversed(entries)] == ["department.created", "department.renamed"]
    assert entries[0].detail["old"] == {"zh": "客服", "en": "客服"}

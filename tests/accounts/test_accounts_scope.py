"""department_scope on stored users and departments; the department tree service."""

from __future__ import annotations

import pytest

from manyi.accounts.scope import department_scope, set_department_parent
from manyi.accounts.service import User, create_department, create_user, get_user
from manyi.domain.enums import Role
from manyi.errors import InvalidInput, NotFound
from manyi.storage.database import Database
from manyi.storage.organisation import department_tree
from scoped_data import PASSWORD, make_scoped_data


def _user(db: Database, role: Role, department: str | None) -> User:
    created = create_user(
        db, f"{role.value}.{department}@example.com", PASSWORD, role, department=department
    )
    user = get_user(db, created.id)
    assert user is not None
    return user


def test_scope_per_role_and_department(db: Database) -> None:
    data = make_scoped_data(db)
    ids = data.department_ids
    east = frozenset({ids["east"], ids["east_a"]})
    expected = {
        (Role.ADMIN, "east"): None,
        (Role.MANAGER, "hq"): frozenset(ids.values()),
        (Role.MANAGER, "east"): east,
        (Role.ANALYST, "east"): east,
        (Role.VIEWER, "east"): east,
        (Role.MANAGER, None): None,
        (Role.AGENT, "east"): frozenset({ids["east"]}),
        (Role.AGENT, None): frozenset(),
    }
    for (role, department), ids_seen in expected.items():
        user = _user(db, role, department)
        assert department_scope(db, user).department_ids == ids_seen, (role, department)


def test_a_stored_cycle_still_gives_a_finite_scope(db: Database) -> None:
    a = create_department(db, "a", "A")
    b = create_department(db, "b", "B")
    set_department_parent(db, "b", "a")
    # written around the service (parent_id has no check): a -> b -> a
    from manyi.storage.organisation import set_department_parent as store

    with db.session() as s:
        store(s, a, b)
    user = _user(db, Role.MANAGER, "a")
    assert department_scope(db, user).department_ids == frozenset({a, b})


def test_set_department_parent_refuses_cycles_and_unknown_codes(db: Database) -> None:
    make_scoped_data(db)
    with pytest.raises(InvalidInput, match="under itself"):
        set_department_parent(db, "hq", "east_a")
    with pytest.raises(InvalidInput, match="under itself"):
        set_department_parent(db, "east", "east")
    with pytest.raises(NotFound, match="nope"):
        set_department_parent(db, "east", "nope")
    with pytest.raises(NotFound, match="nope"):
        set_department_parent(db, "nope", "hq")


def test_set_department_parent_moves_and_detaches(db: Database) -> None:
    data = make_scoped_data(db)
    ids = data.department_ids
    set_department_parent(db, "east_a", "west")
    set_department_parent(db, "east", None)
    with db.session() as s:
        tree = department_tree(s)
    assert tree[ids["east_a"]] == ids["west"]
    assert tree[ids["east"]] is None
    assert tree[ids["west"]] == ids["hq"]

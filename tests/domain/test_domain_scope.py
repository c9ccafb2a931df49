"""The scoping rules as pure functions: subtree walk, ancestors, the scope per role."""

from __future__ import annotations

import pytest

from manyi.domain.enums import Role
from manyi.domain.scope import (
    EVERYTHING,
    NOTHING,
    ROLE_REACH,
    DepartmentScope,
    ancestors,
    scope_for,
    subtree,
)

# company(1) -> sales(2) -> east(3), west(4); care(5) is a second root
TREE: dict[int, int | None] = {1: None, 2: 1, 3: 2, 4: 2, 5: None}


def test_subtree_is_the_department_and_everything_below() -> None:
    assert subtree(TREE, 1) == {1, 2, 3, 4}
    assert subtree(TREE, 2) == {2, 3, 4}
    assert subtree(TREE, 3) == {3}
    assert subtree(TREE, 5) == {5}


def test_a_cycle_in_stored_data_does_not_loop() -> None:
    cyclic: dict[int, int | None] = {1: 3, 2: 1, 3: 2, 4: 3}
    assert subtree(cyclic, 1) == {1, 2, 3, 4}
    assert ancestors(cyclic, 1) == [3, 2]


def test_ancestors_nearest_first() -> None:
    assert ancestors(TREE, 3) == [2, 1]
    assert ancestors(TREE, 1) == []


def test_every_role_has_a_reach() -> None:
    assert set(ROLE_REACH) == set(Role)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ANALYST, Role.VIEWER])
def test_department_heads_see_their_subtree(role: Role) -> None:
    assert scope_for(role, 2, TREE) == DepartmentScope(frozenset({2, 3, 4}))
    assert scope_for(role, None, TREE) == EVERYTHING


def test_agents_see_exactly_their_department() -> None:
    assert scope_for(Role.AGENT, 2, TREE) == DepartmentScope(frozenset({2}))
    assert scope_for(Role.AGENT, None, TREE) == NOTHING


def test_admins_see_everything_whatever_their_department() -> None:
    assert scope_for(Role.ADMIN, 3, TREE) == EVERYTHING


def test_allows_keeps_rows_without_a_department_for_unscoped_users_only() -> None:
    assert EVERYTHING.allows(None) and EVERYTHING.allows(7)
    scoped = DepartmentScope(frozenset({2, 3}))
    assert scoped.allows(2) and scoped.allows(3)
    assert not scoped.allows(4)
    assert not scoped.allows(None)
    assert not NOTHING.allows(2) and not NOTHING.allows(None)

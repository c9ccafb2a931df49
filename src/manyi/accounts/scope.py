"""Department scoping: which departments' data a user sees, and the department tree.

``department_scope(db, user)`` is what every read of responses, feedback, comments, cases
and reports asks before it queries; services hand the scope to the repository functions,
which turn it into SQL with :mod:`manyi.storage.scoping`::

    scope = department_scope(db, user)
    if not scope.allows(row_department):
        raise NotFound(...)  # as if the row did not exist: its existence is not leaked

The rules (per role, :data:`manyi.domain.scope.ROLE_REACH`): administrators see
everything; managers, analysts and viewers with a department see its subtree (without
one: everything); agents see exactly their department (without one: nothing). Data
without a department is visible only to unscoped users.
"""

from __future__ import annotations

from manyi.accounts.service import User
from manyi.domain.permissions import Permission, has_permission
from manyi.domain.scope import (
    EVERYTHING,
    ROLE_REACH,
    DepartmentScope,
    Reach,
    Reader,
    ancestors,
    scope_for,
)
from manyi.errors import InvalidInput, NotFound
from manyi.storage.database import Database
from manyi.storage.organisation import department_id, department_tree
from manyi.storage.organisation import set_department_parent as store_parent

__all__ = ["DepartmentScope", "Reader", "department_scope", "reader_of", "set_department_parent"]


def department_scope(db: Database, user: User) -> DepartmentScope:
    """The departments whose data ``user`` sees (``department_ids`` None: everything)."""
    if ROLE_REACH[user.role] is Reach.EVERYTHING:
        return EVERYTHING  # no need to read the tree
    with db.session() as s:
        parents = department_tree(s) if user.department_id is not None else {}
    return scope_for(user.role, user.department_id, parents)


def reader_of(db: Database, user: User) -> Reader:
    """``user`` as the read side sees them: their scope, whether personal data is shown
    unmasked (``Permission.VIEW_PERSONAL_DATA``), and their id and e-mail for the audit log."""
    return Reader(
        department_scope(db, user),
        has_permission(user.role, Permission.VIEW_PERSONAL_DATA),
        user.id,
        user.email,
    )


def set_department_parent(db: Database, code: str, parent_code: str | None) -> None:
    """Put department ``code`` under ``parent_code`` (None: make it a root).

    Refuses a parent that is the department itself or lies below it (a cycle would make
    a manager's subtree swallow the departments above them).
    """
    with db.session() as s:
        child = department_id(s, code)
        if child is None:
            raise NotFound(f"no department with code {code!r}")
        parent = None
        if parent_code is not None:
            parent = department_id(s, parent_code)
            if parent is None:
                raise NotFound(f"no department with code {parent_code!r}")
            tree = department_tree(s)
            if parent == child or child in ancestors(tree, parent):
                raise InvalidInput(
                    f"department {parent_code!r} is {code!r} or lies below it: "
                    "a department cannot be put under itself"
                )
        store_parent(s, child, parent)

"""Which departments' data a user sees: the second question after "may this role do it"
(:mod:`manyi.domain.permissions`).

A role's *reach* says how far its department extends: administrators see everything,
department heads (manager, analyst, viewer) their department and the departments below
it, agents only their own department. :class:`DepartmentScope` is the answer for one
user, a set of department ids (or ``None`` for everything), computed by
``manyi.accounts.scope.department_scope`` from the department tree and applied to
queries by ``manyi.storage.scoping``.

Data without a department (a response whose touchpoint has none, a feedback item
without one) belongs to nobody's department: only unscoped users see it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from manyi.domain.enums import Role


class Reach(StrEnum):
    #: Every department and the data without one.
    EVERYTHING = "everything"
    #: The user's department and every department below it (everything without a department).
    SUBTREE = "subtree"
    #: Exactly the user's department (nothing without a department).
    DEPARTMENT = "department"


#: How far each role sees: the one place that says it, next to the permission map.
ROLE_REACH: dict[Role, Reach] = {
    Role.ADMIN: Reach.EVERYTHING,
    Role.MANAGER: Reach.SUBTREE,
    Role.ANALYST: Reach.SUBTREE,
    Role.VIEWER: Reach.SUBTREE,
    # Agents call customers back: the customers of their own department only.
    Role.AGENT: Reach.DEPARTMENT,
}


@dataclass(frozen=True)
class DepartmentScope:
    """The departments whose data a user sees: ``None`` everything, else exactly these ids
    (an empty set: nothing)."""

    department_ids: frozenset[int] | None

    @property
    def unrestricted(self) -> bool:
        return self.department_ids is None

    def allows(self, department_id: int | None) -> bool:
        """Whether a row of ``department_id`` (``None``: no department) is visible."""
        if self.department_ids is None:
            return True
        return department_id is not None and department_id in self.department_ids


EVERYTHING = DepartmentScope(None)
NOTHING = DepartmentScope(frozenset())


def subtree(parents: Mapping[int, int | None], root: int) -> frozenset[int]:
    """``root`` and every department below it in the tree ``parents`` (id -> parent id).

    A cycle in stored data (parent_id has no foreign key or check) cannot loop: each
    department is visited once.
    """
    children: dict[int, list[int]] = defaultdict(list)
    for child, parent in parents.items():
        if parent is not None:
            children[parent].append(child)
    seen = {root}
    stack = [root]
    while stack:
        for child in children[stack.pop()]:
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return frozenset(seen)


def ancestors(parents: Mapping[int, int | None], department: int) -> list[int]:
    """The departments above ``department``, nearest first (stops at a cycle)."""
    out: list[int] = []
    seen = {department}
    parent = parents.get(department)
    while parent is not None and parent not in seen:
        out.append(parent)
        seen.add(parent)
        parent = parents.get(parent)
    return out


def scope_for(
    role: Role, department_id: int | None, parents: Mapping[int, int | None]
) -> DepartmentScope:
    """The scope of a user of ``role`` in ``department_id`` given the department tree."""
    reach = ROLE_REACH[role]
    if reach is Reach.EVERYTHING:
        return EVERYTHING
    if reach is Reach.DEPARTMENT:
        # An agent without a department has no customers to call back.
        return NOTHING if department_id is None else DepartmentScope(frozenset({department_id}))
    if department_id is None:
        return EVERYTHING  # a company-wide manager, analyst or viewer
    return DepartmentScope(subtree(parents, department_id))


@dataclass(frozen=True)
class Reader:
    """Who reads stored data, as the read side needs it: which departments they see,
    whether personal data is shown to them unmasked, and who they are for the audit log
    (``manyi.accounts.scope.reader_of`` builds one for a user).

    The default is the system itself (a job, the CLI): everything, masked, not audited.
    """

    scope: DepartmentScope = EVERYTHING
    #: Unmasked contact fields and the originals of redacted texts
    #: (``Permission.VIEW_PERSONAL_DATA``); every such view is audited.
    personal_data: bool = False
    user_id: int | None = None
    #: The audit log's ``actor``: the user's e-mail.
    label: str = ""


#: The system itself reading (jobs, the CLI): everything, masked, not audited.
SYSTEM = Reader()

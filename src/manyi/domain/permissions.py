"""Who may do what: one role → permission map for pages, API, CLI and jobs alike.

Every entry point asks for a :class:`Permission` (``manyi.edge.deps.requires`` for the API,
``page_requires`` for the pages); nothing else compares roles. Department scoping (which
rows a permitted user sees) is a second, separate question answered by
``manyi.accounts.scope``.
"""

from __future__ import annotations

from enum import StrEnum

from manyi.domain.enums import Role


class Permission(StrEnum):
    # read side
    VIEW_DASHBOARD = "dashboard:view"
    VIEW_ANALYSIS = "analysis:view"
    VIEW_REPORTS = "reports:view"
    MANAGE_REPORTS = "reports:manage"  # schedules, recipients
    VIEW_RESPONSES = "responses:view"
    EXPORT_DATA = "data:export"
    #: Unmasked names, phones, e-mails and raw (unredacted) text.
    VIEW_PERSONAL_DATA = "personal:view"
    #: One person's data as a whole (export, erasure), retention, the audit log.
    HANDLE_PERSONAL_DATA_REQUESTS = "personal:requests"
    # intake and surveys
    SUBMIT_DATA = "data:submit"
    DESIGN_SURVEYS = "surveys:design"
    SEND_INVITATIONS = "invitations:send"
    MANAGE_CONTACTS = "contacts:manage"
    REVIEW_QUALITY = "quality:review"
    # closed loop
    VIEW_CASES = "cases:view"
    WORK_CASES = "cases:work"
    MANAGE_RULES = "rules:manage"
    VIEW_PLANS = "plans:view"
    MANAGE_PLANS = "plans:manage"
    VIEW_SCORECARDS = "scorecards:view"
    # administration
    MANAGE_USERS = "users:manage"  # users, roles, departments
    VIEW_AUDIT = "audit:view"


_EVERYONE = frozenset(
    {
        Permission.VIEW_DASHBOARD,
        Permission.VIEW_ANALYSIS,
        Permission.VIEW_REPORTS,
        Permission.VIEW_CASES,
        Permission.VIEW_PLANS,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.MANAGER: _EVERYONE
    | {
        Permission.MANAGE_REPORTS,
        Permission.VIEW_RESPONSES,
        Permission.EXPORT_DATA,
        Permission.VIEW_PERSONAL_DATA,
        Permission.SUBMIT_DATA,
        Permission.DESIGN_SURVEYS,
        Permission.SEND_INVITATIONS,
        Permission.MANAGE_CONTACTS,
        Permission.REVIEW_QUALITY,
        Permission.WORK_CASES,
        Permission.MANAGE_RULES,
        Permission.MANAGE_PLANS,
        Permission.VIEW_SCORECARDS,
    },
    Role.ANALYST: _EVERYONE
    | {
        Permission.VIEW_RESPONSES,
        Permission.EXPORT_DATA,
        Permission.SUBMIT_DATA,
        Permission.DESIGN_SURVEYS,
        Permission.SEND_INVITATIONS,
        Permission.MANAGE_CONTACTS,
        Permission.REVIEW_QUALITY,
        Permission.MANAGE_PLANS,
        Permission.VIEW_SCORECARDS,
    },
    # Agents call customers back: they see personal data, but only of their department.
    Role.AGENT: _EVERYONE
    | {
        Permission.VIEW_RESPONSES,
        Permission.VIEW_PERSONAL_DATA,
        Permission.SUBMIT_DATA,
        Permission.WORK_CASES,
    },
    Role.VIEWER: _EVERYONE,
}


def has_permission(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def permissions_of(role: Role) -> frozenset[Permission]:
    return ROLE_PERMISSIONS[role]

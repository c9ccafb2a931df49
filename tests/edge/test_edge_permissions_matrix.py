"""Role × route: every route of ``create_app`` is in one table with the permission it
needs, and every role is refused (403) exactly where its role lacks that permission.

A new route fails :func:`test_every_route_is_in_the_table` until it is added to
:data:`ROUTES` (the failure message names it with the permission its dependencies ask
for, ready to paste). Calls are made with a valid bearer token (API) or session (pages),
path parameters that name nothing (so nothing is changed) and empty bodies: a permitted
role may get 404 or 422, never 401 nor the permission gate's 403 ("the role … lacks the
permission …"); users are in a department, so scoped roles are not refused for lacking one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from factories import sign_in
from manyi.accounts.service import create_department, create_token, create_user
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.domain.permissions import Permission, has_permission
from manyi.storage.database import Database

P = Permission
#: No sign-in: the respondent's form, opt-out, the widget, login, health, API docs, static
#: files, and the gateways' webhooks (which check their own shared secret).
PUBLIC = "public"
#: Any signed-in user, whatever the role (their own notifications).
SIGNED_IN = "signed-in"

ROUTES: dict[str, Permission | str] = {
    # --- API: surveys and templates
    "POST /api/v1/surveys": P.DESIGN_SURVEYS,
    "GET /api/v1/surveys": P.VIEW_DASHBOARD,
    "GET /api/v1/surveys/{survey_id}": P.VIEW_DASHBOARD,
    "GET /api/v1/surveys/{survey_id}/definition.json": P.VIEW_DASHBOARD,
    "PUT /api/v1/surveys/{survey_id}/definition": P.DESIGN_SURVEYS,
    "POST /api/v1/surveys/from-template": P.DESIGN_SURVEYS,
    "PUT /api/v1/surveys/{survey_id}/schedule": P.DESIGN_SURVEYS,
    "GET /api/v1/surveys/{survey_id}/quotas": P.VIEW_DASHBOARD,
    "GET /api/v1/survey-templates": P.DESIGN_SURVEYS,
    # --- API: distribution
    "GET /api/v1/surveys/{survey_id}/qr.png": P.SEND_INVITATIONS,
    "GET /api/v1/surveys/{survey_id}/qr.svg": P.SEND_INVITATIONS,
    "POST /api/v1/surveys/{survey_id}/invitations": P.SEND_INVITATIONS,
    "POST /api/v1/surveys/{survey_id}/invitations/email": P.SEND_INVITATIONS,
    "POST /api/v1/surveys/{survey_id}/invitations/sms": P.SEND_INVITATIONS,
    "POST /api/v1/surveys/{survey_id}/invitations/reminders": P.SEND_INVITATIONS,
    "POST /api/v1/surveys/{survey_id}/invitations/campaign": P.SEND_INVITATIONS,
    "GET /api/v1/surveys/{survey_id}/embed": P.SEND_INVITATIONS,
    "POST /api/v1/sms/receipts": PUBLIC,  # the SMS gateway, MANYI_SMS_RECEIPT_SECRET
    "POST /api/v1/email/bounces": P.SEND_INVITATIONS,
    "POST /api/v1/survey-triggers": P.SEND_INVITATIONS,
    "GET /api/v1/survey-triggers": P.SEND_INVITATIONS,
    "PATCH /api/v1/survey-triggers/{trigger_id}": P.SEND_INVITATIONS,
    "POST /api/v1/contact-lists": P.MANAGE_CONTACTS,
    "GET /api/v1/contact-lists": P.MANAGE_CONTACTS,
    "GET /api/v1/contact-lists/{list_id}": P.MANAGE_CONTACTS,
    "GET /api/v1/contact-lists/{list_id}/members": P.MANAGE_CONTACTS,
    # --- API: intake
    "POST /api/v1/surveys/{survey_id}/responses": P.SUBMIT_DATA,
    "POST /api/v1/feedback": P.SUBMIT_DATA,
    "POST /api/v1/imports": P.SUBMIT_DATA,
    "POST /api/v1/events": P.SUBMIT_DATA,
    "GET /api/v1/events/{event_id}": P.SUBMIT_DATA,
    # --- API: read side (department-scoped)
    "GET /api/v1/surveys/{survey_id}/responses": P.VIEW_RESPONSES,
    "GET /api/v1/responses/{response_id}": P.VIEW_RESPONSES,
    "GET /api/v1/feedback": P.VIEW_RESPONSES,
    "GET /api/v1/feedback/{feedback_id}": P.VIEW_RESPONSES,
    "GET /api/v1/customers/{external_id}": P.VIEW_RESPONSES,
    "GET /api/v1/responses": P.REVIEW_QUALITY,
    "POST /api/v1/responses/{response_id}/exclusion": P.REVIEW_QUALITY,
    "GET /api/v1/reports/{kind}": P.VIEW_REPORTS,
    "GET /api/v1/dashboard": P.VIEW_DASHBOARD,
    # --- API: exports
    "POST /api/v1/surveys/{survey_id}/exports": P.EXPORT_DATA,
    "GET /api/v1/exports/{export_id}": P.EXPORT_DATA,
    "GET /api/v1/exports/{export_id}/file": P.EXPORT_DATA,
    "GET /api/v1/surveys/{survey_id}/responses.{fmt}": P.EXPORT_DATA,
    # --- API: privacy and administration
    "GET /api/v1/customers/{external_id}/export": P.HANDLE_PERSONAL_DATA_REQUESTS,
    "DELETE /api/v1/customers/{external_id}": P.HANDLE_PERSONAL_DATA_REQUESTS,
    "GET /api/v1/surveys/{survey_id}/retention": P.VIEW_DASHBOARD,
    "PUT /api/v1/surveys/{survey_id}/retention": P.HANDLE_PERSONAL_DATA_REQUESTS,
    "POST /api/v1/privacy/purge": P.HANDLE_PERSONAL_DATA_REQUESTS,
    "GET /api/v1/audit-log": P.VIEW_AUDIT,
    "GET /api/v1/users": P.MANAGE_USERS,
    "POST /api/v1/users": P.MANAGE_USERS,
    "GET /api/v1/users/{user_id}": P.MANAGE_USERS,
    "PATCH /api/v1/users/{user_id}": P.MANAGE_USERS,
    "POST /api/v1/users/{user_id}/password": P.MANAGE_USERS,
    "GET /api/v1/departments": P.MANAGE_USERS,
    "POST /api/v1/departments": P.MANAGE_USERS,
    "PATCH /api/v1/departments/{code}": P.MANAGE_USERS,
    # --- pages: overview, review, builder, reports, administration
    "GET /": P.VIEW_DASHBOARD,
    "GET /themes/{code}": P.VIEW_DASHBOARD,
    "GET /responses/flagged": P.REVIEW_QUALITY,
    "GET /dashboard": P.VIEW_DASHBOARD,
    "GET /responses": P.VIEW_RESPONSES,
    "POST /responses/flagged/{response_id}": P.REVIEW_QUALITY,
    "GET /surveys": P.DESIGN_SURVEYS,
    "GET /surveys/new": P.DESIGN_SURVEYS,
    "POST /surveys/new": P.DESIGN_SURVEYS,
    "GET /surveys/{survey_id}/edit": P.DESIGN_SURVEYS,
    "POST /surveys/{survey_id}/questions": P.DESIGN_SURVEYS,
    "POST /surveys/{survey_id}/questions/{code}/{action}": P.DESIGN_SURVEYS,
    "POST /surveys/{survey_id}/settings": P.DESIGN_SURVEYS,
    "POST /surveys/{survey_id}/import": P.DESIGN_SURVEYS,
    "GET /surveys/{survey_id}/export": P.DESIGN_SURVEYS,
    "POST /surveys/{survey_id}/status": P.DESIGN_SURVEYS,
    "GET /surveys/{survey_id}/preview": P.DESIGN_SURVEYS,
    "GET /surveys/{survey_id}/preview/form": P.DESIGN_SURVEYS,
    "POST /surveys/{survey_id}/preview/form": P.DESIGN_SURVEYS,
    "GET /reports": P.VIEW_REPORTS,
    "GET /reports/make": P.VIEW_REPORTS,
    "POST /reports/schedules": P.MANAGE_REPORTS,
    "POST /reports/schedules/{schedule_id}/{action}": P.MANAGE_REPORTS,
    "GET /reports/runs/{run_id}.pdf": P.VIEW_REPORTS,
    "GET /admin": P.MANAGE_USERS,
    "GET /admin/users": P.MANAGE_USERS,
    "GET /admin/users/new": P.MANAGE_USERS,
    "POST /admin/users": P.MANAGE_USERS,
    "GET /admin/users/{user_id}": P.MANAGE_USERS,
    "POST /admin/users/{user_id}": P.MANAGE_USERS,
    "POST /admin/users/{user_id}/password": P.MANAGE_USERS,
    "POST /admin/users/{user_id}/sso": P.MANAGE_USERS,
    "GET /admin/departments": P.MANAGE_USERS,
    "POST /admin/departments": P.MANAGE_USERS,
    "GET /admin/departments/{code}": P.MANAGE_USERS,
    "POST /admin/departments/{code}/name": P.MANAGE_USERS,
    "POST /admin/departments/{code}/parent": P.MANAGE_USERS,
    "GET /admin/roles": P.MANAGE_USERS,
    # --- added at the end of the session: dashboard, analysis, cases, plans, alerts,
    # scorecards, webhooks, the inbox (other helpers' routes; permissions as their
    # dependencies ask, checked by the matrix below)
    "DELETE /api/v1/alert-rules/{rule_id}": P.MANAGE_RULES,
    "DELETE /api/v1/routing-rules/{rule_id}": P.MANAGE_RULES,
    "DELETE /api/v1/webhooks/{subscription_id}": P.MANAGE_USERS,
    "GET /api/v1/alert-rules": P.MANAGE_RULES,
    "GET /api/v1/alert-rules/{rule_id}": P.MANAGE_RULES,
    "GET /api/v1/analysis": P.VIEW_ANALYSIS,
    "GET /api/v1/cases": P.VIEW_CASES,
    "GET /api/v1/cases/root-causes": P.VIEW_CASES,
    "GET /api/v1/cases/{case_id}": P.VIEW_CASES,
    "GET /api/v1/inbox": SIGNED_IN,
    "GET /api/v1/plans": P.VIEW_PLANS,
    "GET /api/v1/plans/{plan_id}": P.VIEW_PLANS,
    "GET /api/v1/routing-rules": P.MANAGE_RULES,
    "GET /api/v1/scorecards": P.VIEW_SCORECARDS,
    "GET /api/v1/scorecards/health": P.VIEW_SCORECARDS,
    "GET /api/v1/scorecards/points": P.VIEW_SCORECARDS,
    "GET /api/v1/webhooks": P.MANAGE_USERS,
    "GET /api/v1/webhooks/deliveries": P.MANAGE_USERS,
    "PATCH /api/v1/alert-rules/{rule_id}": P.MANAGE_RULES,
    "PATCH /api/v1/cases/{case_id}": P.WORK_CASES,
    "PATCH /api/v1/webhooks/{subscription_id}": P.MANAGE_USERS,
    "POST /api/v1/alert-rules": P.MANAGE_RULES,
    "POST /api/v1/cases": P.WORK_CASES,
    "POST /api/v1/cases/{case_id}/notes": P.WORK_CASES,
    "POST /api/v1/cases/{case_id}/merge": P.WORK_CASES,
    "POST /api/v1/inbox/read": SIGNED_IN,
    "POST /api/v1/plans": P.MANAGE_PLANS,
    "POST /api/v1/plans/{plan_id}/cases": P.MANAGE_PLANS,
    "POST /api/v1/plans/{plan_id}/milestones": P.MANAGE_PLANS,
    "POST /api/v1/plans/{plan_id}/milestones/{milestone_id}": P.MANAGE_PLANS,
    "POST /api/v1/plans/{plan_id}/publication": P.MANAGE_PLANS,
    "POST /api/v1/plans/{plan_id}/status": P.MANAGE_PLANS,
    "POST /api/v1/routing-rules": P.MANAGE_RULES,
    "POST /api/v1/scorecards/points": P.MANAGE_PLANS,
    "POST /api/v1/webhooks": P.MANAGE_USERS,
    "POST /api/v1/webhooks/deliveries/{delivery_id}/retry": P.MANAGE_USERS,
    "GET /admin/webhooks": P.MANAGE_USERS,
    "GET /alert-rules": P.MANAGE_RULES,
    "GET /alert-rules/{rule_id}": P.MANAGE_RULES,
    "GET /analysis": P.VIEW_ANALYSIS,
    "GET /cases": P.VIEW_CASES,
    "GET /cases/new": P.WORK_CASES,
    "GET /cases/{case_id}": P.VIEW_CASES,
    "GET /health": P.VIEW_SCORECARDS,
    "GET /inbox": SIGNED_IN,
    "GET /plans": P.VIEW_PLANS,
    "GET /plans/new": P.MANAGE_PLANS,
    "GET /plans/shared": P.VIEW_PLANS,
    "GET /plans/{plan_id}": P.VIEW_PLANS,
    "GET /scorecards": P.VIEW_SCORECARDS,
    "POST /admin/webhooks": P.MANAGE_USERS,
    "POST /admin/webhooks/deliveries/{delivery_id}/retry": P.MANAGE_USERS,
    "POST /admin/webhooks/{subscription_id}/active": P.MANAGE_USERS,
    "POST /alert-rules": P.MANAGE_RULES,
    "POST /alert-rules/{rule_id}/enabled": P.MANAGE_RULES,
    "POST /cases/new": P.WORK_CASES,
    "POST /cases/{case_id}/act": P.WORK_CASES,
    "POST /cases/{case_id}/notes": P.WORK_CASES,
    "POST /cases/{case_id}/merge": P.WORK_CASES,
    "POST /inbox/read": SIGNED_IN,
    "POST /plans/new": P.MANAGE_PLANS,
    "POST /plans/{plan_id}/cases": P.MANAGE_PLANS,
    "POST /plans/{plan_id}/milestones/{milestone_id}": P.MANAGE_PLANS,
    "POST /plans/{plan_id}/publication": P.MANAGE_PLANS,
    "POST /plans/{plan_id}/status": P.MANAGE_PLANS,
    # --- public
    "GET /p/plans/{token}": PUBLIC,  # a plan shared by its token
    "GET /login": PUBLIC,
    "POST /login": PUBLIC,
    "POST /logout": PUBLIC,
    "GET /login/oidc": PUBLIC,
    "GET /login/oidc/callback": PUBLIC,
    "GET /s/{survey_id}": PUBLIC,
    "POST /s/{survey_id}": PUBLIC,
    "GET /s/{survey_id}/opt-out": PUBLIC,
    "POST /s/{survey_id}/opt-out": PUBLIC,
    "GET /s/{survey_id}/embed.js": PUBLIC,
    "GET /embed.js": PUBLIC,
    "GET /healthz": PUBLIC,
    "GET /openapi.json": PUBLIC,
    "GET /docs": PUBLIC,
    "GET /docs/oauth2-redirect": PUBLIC,
    "GET /redoc": PUBLIC,
    "MOUNT /docs/assets": PUBLIC,
    "MOUNT /static": PUBLIC,
}

#: Values for path parameters: ids that name nothing, so that a permitted call changes
#: nothing (404), and words the path needs.
PATH_VALUES = {"fmt": "csv", "kind": "executive", "action": "pause", "code": "nothing-here"}


def _app(db: Database, tmp_path: Path) -> FastAPI:
    return create_app(Settings(environment="test", data_dir=tmp_path, secret_key="matrix"), db)


def _routes(app: FastAPI) -> Iterator[tuple[str, Any]]:
    """("METHOD /path", route) for every route, mounts as "MOUNT /path"."""
    for context in iter_route_contexts(app.routes):
        route = context.route
        if isinstance(route, Mount):
            yield f"MOUNT {context.path}", route
            continue
        for method in sorted((context.methods or set()) - {"HEAD"}):
            yield f"{method} {context.path}", route


def _asked_permissions(route: Any) -> set[Permission]:
    """The permissions the route's dependencies ask for (requires/page_requires closures)."""
    found: set[Permission] = set()
    dependant = getattr(route, "dependant", None)
    stack = [dependant] if dependant is not None else []
    while stack:
        current = stack.pop()
        for cell in getattr(current.call, "__closure__", None) or ():
            if isinstance(cell.cell_contents, Permission):
                found.add(cell.cell_contents)
        stack.extend(current.dependencies)
    return found


def test_every_route_is_in_the_table(db: Database, tmp_path: Path) -> None:
    routes = dict(_routes(_app(db, tmp_path)))
    missing = {key: _asked_permissions(r) for key, r in routes.items() if key not in ROUTES}
    suggestions = "\n".join(
        f'    "{key}": {" | ".join(f"P.{p.name}" for p in asked) or "PUBLIC or SIGNED_IN?"},'
        for key, asked in sorted(missing.items())
    )
    assert not missing, f"routes missing from ROUTES (add them):\n{suggestions}"
    stale = set(ROUTES) - set(routes)
    assert not stale, f"ROUTES names routes the app no longer has: {sorted(stale)}"


def test_the_table_agrees_with_the_routes_dependencies(db: Database, tmp_path: Path) -> None:
    """Each permission in the table is the one the route's dependency asks for (a route
    that checks inside its handler asks for none: then the matrix below is the check)."""
    for key, route in _routes(_app(db, tmp_path)):
        if key not in ROUTES:
            continue  # test_every_route_is_in_the_table names it
        asked = _asked_permissions(route)
        wanted = ROUTES[key]
        if wanted in (PUBLIC, SIGNED_IN):
            assert not asked, f"{key} is {wanted} in the table but asks for {asked}"
        elif asked:
            assert asked == {wanted}, f"{key}: the table says {wanted}, the route asks {asked}"


def _url(path: str) -> str:
    def value(match: re.Match[str]) -> str:
        return PATH_VALUES.get(match.group(1), "987654321")

    return re.sub(r"\{(\w+)(?::\w+)?\}", value, path)


def _call(client: TestClient, key: str, headers: dict[str, str]) -> Any:
    method, path = key.split(" ", 1)
    url = _url(path)
    if path.startswith("/api/"):
        body: dict[str, Any] = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
        return client.request(method, url, headers=headers, follow_redirects=False, **body)
    data: dict[str, Any] = {"data": {}} if method == "POST" else {}
    return client.request(method, url, follow_redirects=False, **data)


def _guarded(db: Database, tmp_path: Path) -> list[str]:
    keys = [k for k, _ in _routes(_app(db, tmp_path))]
    return [k for k in keys if ROUTES.get(k, PUBLIC) != PUBLIC]


def test_anonymous_callers_are_sent_to_sign_in(sqlite_db: Database, tmp_path: Path) -> None:
    client = TestClient(_app(sqlite_db, tmp_path), raise_server_exceptions=False)
    for key in _guarded(sqlite_db, tmp_path):
        answer = _call(client, key, {})
        if key.split(" ", 1)[1].startswith("/api/"):
            assert answer.status_code == 401, (key, answer.status_code)
        else:
            assert answer.status_code in (302, 303), (key, answer.status_code)
            assert answer.headers["location"].startswith("/login"), key


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_refused_exactly_without_the_permission(
    sqlite_db: Database, tmp_path: Path, role: Role
) -> None:
    email = f"{role.value}@example.com"
    # In a department, so that a scoped role is not refused for having none (an agent
    # without a department sees nothing; some pages answer that with 403).
    create_department(sqlite_db, "matrix", "矩阵", "Matrix")
    create_user(sqlite_db, email, "correct horse battery", role, department="matrix")
    headers = {"Authorization": f"Bearer {create_token(sqlite_db, email)}"}
    client = TestClient(_app(sqlite_db, tmp_path), raise_server_exceptions=False)
    assert sign_in(client, email).status_code == 200  # the home page, after the redirect
    wrong: list[str] = []
    for key in _guarded(sqlite_db, tmp_path):
        permission = ROUTES[key]
        answer = _call(client, key, headers)
        status = answer.status_code
        # The permission gate's 403 names the permission; a 403 for another reason (a
        # scoped user asking for the company-wide report) is not a permission refusal.
        refused = status == 403 and "lacks the permission" in answer.text
        allowed = permission == SIGNED_IN or (
            isinstance(permission, Permission) and has_permission(role, permission)
        )
        if status == 401 or refused == allowed:
            wrong.append(f"{key} ({permission}): {status}")
    assert not wrong, f"{role.value}: " + "; ".join(wrong)


def test_no_entry_point_or_template_compares_roles() -> None:
    """Pages, API, CLI, jobs and templates ask the permission map (requires, page_requires,
    has_permission, may()); a ``user.role == …`` or ``user.role in …`` check would be a
    second map that drifts."""
    src = Path(__file__).resolve().parents[2] / "src" / "manyi"
    comparison = re.compile(r"\buser\.role(\.value)?\s*(==|!=|\bin\b|\bnot in\b)")
    found = [
        f"{path.relative_to(src)}:{n}"
        for folder in ("api", "web", "cli", "jobs", "edge")
        for path in sorted((src / folder).rglob("*"))
        if path.suffix in (".py", ".html")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if comparison.search(line)
    ]
    assert not found, f"role comparisons (use the permission map): {found}"

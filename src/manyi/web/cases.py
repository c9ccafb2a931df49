"""Case pages (issue #12): ``/cases`` the inbox with filters in the URL, ``/cases/new``
a case by hand (call, letter, walk-in), ``/cases/{id}`` the case with its SLA clocks,
timeline, notes and transitions. Every change is a POST with the session's CSRF token
and the version the page showed: a stale version comes back as the conflict message."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from manyi.accounts.scope import department_scope
from manyi.accounts.service import User
from manyi.domain.cases import PRIORITIES, ROOT_CAUSES, TRANSITIONS, CaseOrigin, CaseState
from manyi.domain.permissions import Permission, has_permission
from manyi.edge.deps import DbDep, QueueDep, SettingsDep, page_requires
from manyi.errors import Conflict, InvalidInput, NotFound
from manyi.web.routes import LangDep, _render
from manyi.web.security import csrf_ok
from manyi.workflow.case_updates import merge_case, update_case
from manyi.workflow.cases import (
    Actor,
    CaseFilter,
    CaseNew,
    add_note,
    get_case,
    list_cases,
    open_case,
)
from manyi.workflow.config import WorkflowConfig, now_or
from manyi.workflow.directory import directory

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
STATES = [s.value for s in CaseState]


def _actor(user: User) -> Actor:
    return Actor(user.id, user.email)


@router.get("/cases", response_class=HTMLResponse)
def inbox(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Annotated[User, page_requires(Permission.VIEW_CASES)],
    state: Annotated[str, Query(max_length=32)] = "open",
    priority: Literal["", "P1", "P2", "P3", "P4"] = "",
    department: Annotated[str, Query(max_length=20)] = "",
    assignee: Annotated[str, Query(max_length=20)] = "",
    overdue: bool = False,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    now = now_or(None)
    department_id = int(department) if department.isdigit() else None
    if state not in ("", "open", *STATES):
        state = "open"
    states = (
        ("new", "acknowledged", "in_progress", "waiting_customer")
        if state == "open"
        else ((state,) if state else ())
    )
    assignee_id = user.id if assignee == "me" else (int(assignee) if assignee.isdigit() else None)
    f = CaseFilter(
        states=states,
        priorities=(priority,) if priority else (),
        department_id=department_id,
        assignee_id=assignee_id,
        unassigned=assignee == "none",
        overdue_at=now if overdue else None,
    )
    items, total = list_cases(
        db, f, department_scope(db, user), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    filters = {
        k: v
        for k, v in {
            "state": state,
            "priority": priority,
            "department": department_id,
            "assignee": assignee,
            "overdue": "true" if overdue else None,
        }.items()
        if v not in (None, "")
    }
    return _render(
        request,
        "cases/inbox.html",
        lang,
        user=user,
        items=items,
        total=total,
        now=now,
        filters=filters,
        states=STATES,
        priorities=PRIORITIES,
        names=directory(db),
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        page_link=lambda n: "?" + urlencode({**filters, "page": n}),
        may_work=has_permission(user.role, Permission.WORK_CASES),
    )


@router.get("/cases/new", response_class=HTMLResponse)
def new_case_form(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Annotated[User, page_requires(Permission.WORK_CASES)],
) -> Response:
    return _render(
        request,
        "cases/new.html",
        lang,
        user=user,
        names=directory(db),
        origins=[o.value for o in CaseOrigin if o != CaseOrigin.RULE],
        error=request.query_params.get("error"),
    )


@router.post("/cases/new")
def new_case(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    user: Annotated[User, page_requires(Permission.WORK_CASES)],
    title: Annotated[str, Form(max_length=300)],
    origin: Annotated[Literal["call", "letter", "walk_in", "email", "other"], Form()],
    description: Annotated[str, Form(max_length=20000)] = "",
    importance: Annotated[int, Form(ge=1, le=3)] = 2,
    urgency: Annotated[int, Form(ge=1, le=3)] = 2,
    department: Annotated[str, Form(max_length=20)] = "",
    csrf: Annotated[str | None, Form(alias="csrf_token")] = None,
) -> Response:
    if not csrf_ok(request, csrf):
        return RedirectResponse("/cases/new?error=csrf", status_code=303)
    department_id = int(department) if department.isdigit() else None
    if department_id is None and user.department_id is not None:
        department_id = user.department_id
    try:
        case = open_case(
            db,
            CaseNew(title, origin, description, importance, urgency, department_id=department_id),
            _actor(user),
            WorkflowConfig.from_settings(settings),
        )
    except InvalidInput:
        return RedirectResponse("/cases/new?error=title", status_code=303)
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Annotated[User, page_requires(Permission.VIEW_CASES)],
    case_id: Annotated[int, Path(ge=1, le=2**62)],
) -> Response:
    case, events = get_case(db, case_id, department_scope(db, user))
    return _render(
        request,
        "cases/case.html",
        lang,
        user=user,
        case=case,
        events=events,
        now=now_or(None),
        names=directory(db),
        root_causes=ROOT_CAUSES,
        moves=sorted(TRANSITIONS[CaseState(case.state)], key=STATES.index),
        may_work=has_permission(user.role, Permission.WORK_CASES),
        error=request.query_params.get("error"),
        message=request.query_params.get("message", ""),
    )


def _back(case_id: int, error: str, message: str = "") -> Response:
    query = urlencode({"error": error, **({"message": message[:300]} if message else {})})
    return RedirectResponse(f"/cases/{case_id}?{query}", status_code=303)


@router.post("/cases/{case_id}/act")
def act(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    queue: QueueDep,
    user: Annotated[User, page_requires(Permission.WORK_CASES)],
    case_id: Annotated[int, Path(ge=1, le=2**62)],
    version: Annotated[int, Form(ge=1)],
    state: Annotated[str, Form(max_length=32)] = "",
    note: Annotated[str, Form(max_length=10000)] = "",
    root_cause_code: Annotated[str, Form(max_length=32)] = "",
    solution: Annotated[str, Form(max_length=10000)] = "",
    assignee: Annotated[str, Form(max_length=20)] = "",
    importance: Annotated[str, Form(max_length=1)] = "",
    urgency: Annotated[str, Form(max_length=1)] = "",
    follow_up_note: Annotated[str, Form(max_length=10000)] = "",
    csrf: Annotated[str | None, Form(alias="csrf_token")] = None,
) -> Response:
    if not csrf_ok(request, csrf):
        return _back(case_id, "csrf")
    fields: dict[str, Any] = {
        "root_cause_code": root_cause_code or None,
        "solution": solution.strip() or None,
        "assignee_id": int(assignee) if assignee.isdigit() else None,
        "importance": int(importance) if importance.isdigit() else None,
        "urgency": int(urgency) if urgency.isdigit() else None,
        "follow_up_note": follow_up_note.strip() or None,
    }
    try:
        case = update_case(
            db,
            case_id,
            version,
            _actor(user),
            WorkflowConfig.from_settings(settings),
            department_scope(db, user),
            state=state or None,
            note=note,
            **fields,
        )
    except Conflict as error:
        return _back(case_id, "conflict", error.message)
    except InvalidInput as error:
        return _back(case_id, "invalid", error.message)
    if state == CaseState.RESOLVED.value and case.state == state:
        queue.enqueue_followup(case.id)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/notes")
def note(
    request: Request,
    db: DbDep,
    user: Annotated[User, page_requires(Permission.WORK_CASES)],
    case_id: Annotated[int, Path(ge=1, le=2**62)],
    body: Annotated[str, Form(max_length=10000)],
    kind: Annotated[Literal["note", "call"], Form()] = "note",
    csrf: Annotated[str | None, Form(alias="csrf_token")] = None,
) -> Response:
    if not csrf_ok(request, csrf):
        return _back(case_id, "csrf")
    try:
        add_note(db, case_id, body, _actor(user), department_scope(db, user), kind=kind)
    except InvalidInput as error:
        return _back(case_id, "invalid", error.message)
    return RedirectResponse(f"/cases/{case_id}#timeline", status_code=303)


@router.post("/cases/{case_id}/merge")
def merge(
    request: Request,
    db: DbDep,
    user: Annotated[User, page_requires(Permission.WORK_CASES)],
    case_id: Annotated[int, Path(ge=1, le=2**62)],
    version: Annotated[int, Form(ge=1)],
    into: Annotated[str, Form(max_length=20)],
    csrf: Annotated[str | None, Form(alias="csrf_token")] = None,
) -> Response:
    if not csrf_ok(request, csrf):
        return _back(case_id, "csrf")
    target = int(into.strip().lstrip("#")) if into.strip().lstrip("#").isdigit() else 0
    try:
        merge_case(db, case_id, target, version, _actor(user), department_scope(db, user))
    except Conflict as error:
        return _back(
            case_id, "conflict" if "someone else" in error.message else "invalid", error.message
        )
    except (InvalidInput, NotFound) as error:
        return _back(case_id, "invalid", error.message)
    return RedirectResponse(f"/cases/{target}", status_code=303)

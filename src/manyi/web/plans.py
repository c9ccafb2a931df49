"""Improvement plan pages: the list, a plan with its effect chart, the form that creates
one from an insight, the "you said, we did" page, and the public read-only view of a
plan marked public. Changes are POSTs with the session's CSRF token, then back."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from manyi.accounts.service import User
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, page_requires, session_user
from manyi.errors import ManyiError
from manyi.web.plan_chart import effect_chart
from manyi.web.routes import LangDep, _render
from manyi.web.security import csrf_ok
from manyi.workflow.plan_choices import plan_choices
from manyi.workflow.plan_effect import METRIC_KINDS, SEGMENT_KEYS, MetricSpec
from manyi.workflow.plans import (
    SOURCE_KINDS,
    STATUSES,
    MilestoneIn,
    Plan,
    PlanIn,
    create_plan,
    get_plan,
    link_plan_cases,
    list_plans,
    plan_effect,
    public_plan,
    set_milestone,
    set_publication,
    set_status,
)

router = APIRouter(include_in_schema=False)
Viewer = Annotated[User, page_requires(Permission.VIEW_PLANS)]
Manager = Annotated[User, page_requires(Permission.MANAGE_PLANS)]
Csrf = Annotated[str | None, Form(alias="csrf_token")]


def _back(plan_id: int, error: str | None = None) -> RedirectResponse:
    suffix = f"?error={error}" if error else ""
    return RedirectResponse(f"/plans/{plan_id}{suffix}", status_code=303)


@router.get("/plans", response_class=HTMLResponse)
def plans_page(
    request: Request, db: DbDep, lang: LangDep, user: Viewer, status: str | None = None
) -> Response:
    chosen = status if status in STATUSES else None
    return _render(
        request, "plans/list.html", lang, user=user,
        plans=list_plans(db, user, status=chosen), chosen=chosen, statuses=STATUSES,
    )  # fmt: skip


@router.get("/plans/shared", response_class=HTMLResponse)
def you_said_we_did(request: Request, db: DbDep, lang: LangDep, user: Viewer) -> Response:
    shared = [(p, *plan_effect(db, p)) for p in list_plans(db, user, published_only=True)]
    return _render(
        request, "plans/shared.html", lang, user=user, shared=shared, public=False,
        effect_svg=effect_chart,
    )  # fmt: skip


@router.get("/p/plans/{token}", response_class=HTMLResponse)
def public_page(request: Request, db: DbDep, lang: LangDep, token: str) -> Response:
    plan = public_plan(db, token)
    effect, why = plan_effect(db, plan)
    return _render(
        request, "plans/shared.html", lang, user=session_user(request, db),
        shared=[(plan, effect, why)], public=True, effect_svg=effect_chart,
    )  # fmt: skip


@router.get("/plans/new", response_class=HTMLResponse)
def new_plan_page(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Manager,
    source: Annotated[str, Query()] = "manual",
    ref: Annotated[str, Query(max_length=200)] = "",
    survey: Annotated[int | None, Query()] = None,
    question: Annotated[str, Query(max_length=64)] = "",
    aspect: Annotated[str, Query(max_length=64)] = "",
    segment: Annotated[str, Query(max_length=32)] = "",
    treated: Annotated[str, Query(max_length=200)] = "",
    title: Annotated[str, Query(max_length=300)] = "",
) -> Response:
    # An insight page links here with what it found filled in (source, ref, metric).
    prefill: dict[str, object] = {
        "source_kind": source if source in SOURCE_KINDS else "manual", "source_ref": ref,
        "survey_id": survey, "question": question or ref if source == "driver" else question,
        "aspect": aspect or (ref if source in ("topic", "cases") else ""),
        "metric_kind": "negative_share" if source in ("topic", "cases") else "mean",
        "segment_key": segment, "treated": treated, "title": title,
    }  # fmt: skip
    return _form(request, db, lang, user, prefill, None)


def _form(
    request: Request, db: DbDep, lang: str, user: User, values: dict[str, object], error: str | None
) -> Response:
    return _render(
        request, "plans/new.html", lang, status=422 if error else 200, user=user,
        values=values, error=error, choices=plan_choices(db), sources=SOURCE_KINDS,
        metric_kinds=METRIC_KINDS, segment_keys=SEGMENT_KEYS,
    )  # fmt: skip


def _split(text: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in text.replace("，", ",").split(",") if v.strip())


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text.strip() else None


@router.post("/plans/new", response_class=HTMLResponse)
def create_plan_form(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Manager,
    csrf: Csrf = None,
    title: Annotated[str, Form()] = "",
    problem: Annotated[str, Form()] = "",
    root_cause: Annotated[str, Form()] = "",
    source_kind: Annotated[str, Form()] = "manual",
    source_ref: Annotated[str, Form()] = "",
    metric_kind: Annotated[str, Form()] = "mean",
    survey_id: Annotated[str, Form()] = "",
    question: Annotated[str, Form()] = "",
    aspect: Annotated[str, Form()] = "",
    threshold: Annotated[str, Form()] = "",
    target_value: Annotated[str, Form()] = "",
    segment_key: Annotated[str, Form()] = "",
    treated: Annotated[str, Form()] = "",
    control: Annotated[str, Form()] = "",
    change_at: Annotated[str, Form()] = "",
    deadline: Annotated[str, Form()] = "",
    owner_id: Annotated[str, Form()] = "",
    department_ids: Annotated[list[int] | None, Form()] = None,
    milestones: Annotated[str, Form()] = "",
    case_ids: Annotated[str, Form()] = "",
) -> Response:
    values: dict[str, object] = dict(_submitted(locals()))
    if not csrf_ok(request, csrf):
        return _form(request, db, lang, user, values, "csrf")
    try:
        spec = MetricSpec(
            metric_kind=metric_kind, survey_id=int(survey_id) if survey_id else None,
            question=question.strip() or None, item="", aspect=aspect.strip() or None,
            threshold=float(threshold) if threshold.strip() else None,
            segment_key=segment_key or None, treated=_split(treated), control=_split(control),
            change_at=_day(change_at), before_days=28, after_days=28,
            target_value=float(target_value) if target_value.strip() else None,
        )  # fmt: skip
        due = _day(deadline)
        data = PlanIn(
            title=title, metric=spec, problem=problem, root_cause=root_cause,
            source_kind=source_kind, source_ref=source_ref,
            deadline=datetime(due.year, due.month, due.day) if due else None,
            owner_id=int(owner_id) if owner_id else None,
            department_ids=tuple(department_ids or ()),
            milestones=tuple(MilestoneIn(line.strip()) for line in milestones.splitlines()
                             if line.strip()),
            case_ids=tuple(int(c) for c in _split(case_ids)),
        )  # fmt: skip
        plan = create_plan(db, data, actor=user)
    except ValueError as error:
        return _form(request, db, lang, user, values, str(error))
    except ManyiError as error:
        return _form(request, db, lang, user, values, error.message)
    return RedirectResponse(f"/plans/{plan.id}", status_code=303)


def _submitted(local: dict[str, object]) -> dict[str, object]:
    """The submitted fields, to show the form again with them after an error."""
    skip = {"request", "db", "lang", "user", "csrf"}
    return {k: v for k, v in local.items() if k not in skip}


@router.get("/plans/{plan_id}", response_class=HTMLResponse)
def plan_page(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Viewer,
    plan_id: int,
    error: str | None = None,
) -> Response:
    plan = get_plan(db, plan_id, user=user)
    effect, why = plan_effect(db, plan)
    return _render(
        request, "plans/plan.html", lang, user=user, plan=plan, effect=effect, why=why,
        effect_svg=effect_chart, statuses=STATUSES, error=error,
        owner=_owner_name(db, plan),
    )  # fmt: skip


def _owner_name(db: DbDep, plan: Plan) -> str:
    choices = dict(plan_choices(db).users)
    return choices.get(plan.owner_id, "") if plan.owner_id is not None else ""


@router.post("/plans/{plan_id}/status")
def status_form(
    request: Request,
    db: DbDep,
    user: Manager,
    plan_id: int,
    version: Annotated[int, Form()],
    status: Annotated[str, Form()],
    csrf: Csrf = None,
) -> Response:
    if not csrf_ok(request, csrf):
        return _back(plan_id, "csrf")
    try:
        set_status(db, plan_id, version, status, actor=user)
    except ManyiError as error:
        return _back(plan_id, "conflict" if error.status == 409 else "invalid")
    return _back(plan_id)


@router.post("/plans/{plan_id}/publication")
def publication_form(
    request: Request,
    db: DbDep,
    user: Manager,
    plan_id: int,
    version: Annotated[int, Form()],
    published: Annotated[bool, Form()] = False,
    public: Annotated[bool, Form()] = False,
    csrf: Csrf = None,
) -> Response:
    if not csrf_ok(request, csrf):
        return _back(plan_id, "csrf")
    try:
        set_publication(db, plan_id, version, published=published, public=public, actor=user)
    except ManyiError as error:
        return _back(plan_id, "conflict" if error.status == 409 else "invalid")
    return _back(plan_id)


@router.post("/plans/{plan_id}/milestones/{milestone_id}")
def milestone_form(
    request: Request,
    db: DbDep,
    user: Manager,
    plan_id: int,
    milestone_id: int,
    done: Annotated[bool, Form()] = False,
    csrf: Csrf = None,
) -> Response:
    if not csrf_ok(request, csrf):
        return _back(plan_id, "csrf")
    set_milestone(db, plan_id, milestone_id, done, actor=user)
    return _back(plan_id)


@router.post("/plans/{plan_id}/cases")
def cases_form(
    request: Request,
    db: DbDep,
    user: Manager,
    plan_id: int,
    case_ids: Annotated[str, Form()] = "",
    csrf: Csrf = None,
) -> Response:
    if not csrf_ok(request, csrf):
        return _back(plan_id, "csrf")
    try:
        ids = [int(c) for c in _split(case_ids)]
    except ValueError:
        return _back(plan_id, "invalid")
    if ids:
        link_plan_cases(db, plan_id, ids, actor=user)
    return _back(plan_id)

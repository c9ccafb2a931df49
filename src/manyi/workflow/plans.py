"""Improvement plans (整改计划): from an insight to a measured effect.

A plan is created from an insight (a key driver, a SERVQUAL gap, a topic or aspect, a
cluster of cases, or by hand) with the problem, its root cause, a target on one metric,
a deadline, an owner and departments, and milestones; cases are linked to it. Its effect
is measured by :mod:`manyi.workflow.plan_effect`. Published plans make the "you said,
we did" page; a plan marked public also gets a read-only page at ``/p/plans/{token}``.

Who sees a plan: users whose department scope covers one of the plan's departments, its
owner, and unscoped users (a plan without departments is visible only to them).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from manyi.accounts.scope import department_scope
from manyi.accounts.service import User
from manyi.errors import Conflict, InvalidInput, NotFound
from manyi.storage.audit import add_audit_entry
from manyi.storage.database import Database
from manyi.storage.plans import (
    add_milestones,
    case_ids_with_aspect,
    insert_plan,
    link_cases,
    linked_case_rows,
    milestone_counts,
    milestone_row,
    milestone_rows,
    plan_by_token,
    plan_row,
    plan_rows,
    survey_titles,
    update_plan_versioned,
)
from manyi.storage.tables import ImprovementPlanRow
from manyi.storage.types import utcnow
from manyi.workflow.notifications import queue_notification
from manyi.workflow.plan_effect import MetricSpec, PlanEffect, check_metric, measure_effect

STATUSES = ("draft", "active", "done", "cancelled")
SOURCE_KINDS = ("driver", "servqual_gap", "topic", "cases", "manual")


@dataclass(frozen=True)
class MilestoneIn:
    title: str
    due_at: datetime | None = None


@dataclass(frozen=True)
class PlanIn:
    title: str
    metric: MetricSpec
    problem: str = ""
    root_cause: str = ""
    source_kind: str = "manual"
    source_ref: str = ""
    deadline: datetime | None = None
    owner_id: int | None = None
    department_ids: tuple[int, ...] = ()
    milestones: tuple[MilestoneIn, ...] = ()
    case_ids: tuple[int, ...] = ()
    status: str = "active"


@dataclass(frozen=True)
class Milestone:
    id: int
    title: str
    due_at: datetime | None
    done_at: datetime | None


@dataclass(frozen=True)
class LinkedCase:
    id: int
    title: str
    state: str
    department_id: int | None
    opened_at: datetime


@dataclass(frozen=True)
class Plan:
    id: int
    version: int
    title: str
    problem: str
    root_cause: str
    source_kind: str
    source_ref: str
    metric: MetricSpec
    survey_title: str | None
    deadline: datetime | None
    owner_id: int | None
    department_ids: tuple[int, ...]
    status: str
    published: bool
    public: bool
    public_token: str | None
    created_at: datetime
    updated_at: datetime
    milestones_done: int = 0
    milestones_total: int = 0
    milestones: list[Milestone] = field(default_factory=list)
    cases: list[LinkedCase] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return (
            self.deadline is not None
            and self.status in ("draft", "active")
            and self.deadline < utcnow()
        )


def _metric_of(row: ImprovementPlanRow) -> MetricSpec:
    return MetricSpec(
        metric_kind=row.metric_kind,
        survey_id=row.survey_id,
        question=row.question,
        item=row.item,
        aspect=row.aspect,
        threshold=row.threshold,
        segment_key=row.segment_key,
        treated=tuple(str(v) for v in row.treated),
        control=tuple(str(v) for v in row.control),
        change_at=row.change_at.date() if row.change_at else None,
        before_days=row.before_days,
        after_days=row.after_days,
        target_value=row.target_value,
    )


def _plan_of(row: ImprovementPlanRow, titles: dict[int, str], counts: tuple[int, int]) -> Plan:
    return Plan(
        id=row.id, version=row.version, title=row.title, problem=row.problem,
        root_cause=row.root_cause, source_kind=row.source_kind, source_ref=row.source_ref,
        metric=_metric_of(row), survey_title=titles.get(row.survey_id) if row.survey_id else None,
        deadline=row.deadline, owner_id=row.owner_id,
        department_ids=tuple(int(d) for d in row.department_ids), status=row.status,
        published=row.published, public=row.public, public_token=row.public_token,
        created_at=row.created_at, updated_at=row.updated_at,
        milestones_done=counts[0], milestones_total=counts[1],
    )  # fmt: skip


def visible_to(plan: Plan, user: User, db: Database) -> bool:
    scope = department_scope(db, user)
    if scope.department_ids is None or plan.owner_id == user.id:
        return True
    return bool(set(plan.department_ids) & scope.department_ids)


def _check(data: PlanIn) -> None:
    if not data.title.strip():
        raise InvalidInput("a plan needs a title")
    if data.source_kind not in SOURCE_KINDS:
        raise InvalidInput(f"the source must be one of {', '.join(SOURCE_KINDS)}")
    if data.status not in STATUSES:
        raise InvalidInput(f"the status must be one of {', '.join(STATUSES)}")
    check_metric(data.metric)
    for m in data.milestones:
        if not m.title.strip():
            raise InvalidInput("a milestone needs a title")


def create_plan(db: Database, data: PlanIn, *, actor: User) -> Plan:
    """Store a new plan with its milestones and linked cases; notify its owner."""
    _check(data)
    metric = data.metric
    now = utcnow()
    with db.session() as s:
        row = insert_plan(
            s,
            {
                "title": data.title.strip()[:300], "problem": data.problem.strip(),
                "root_cause": data.root_cause.strip(), "source_kind": data.source_kind,
                "source_ref": data.source_ref.strip()[:200], "survey_id": metric.survey_id,
                "question": metric.question, "item": metric.item, "aspect": metric.aspect,
                "metric_kind": metric.metric_kind, "threshold": metric.threshold,
                "target_value": metric.target_value, "segment_key": metric.segment_key,
                "treated": list(metric.treated), "control": list(metric.control),
                "change_at": _as_datetime(metric.change_at), "before_days": metric.before_days,
                "after_days": metric.after_days, "deadline": data.deadline,
                "owner_id": data.owner_id, "department_ids": sorted(set(data.department_ids)),
                "status": data.status, "created_by": actor.id, "created_at": now,
                "updated_at": now,
            },
        )  # fmt: skip
        add_milestones(
            s,
            row.id,
            [{"title": m.title.strip()[:300], "due_at": m.due_at} for m in data.milestones],
        )
        case_ids = list(data.case_ids)
        if data.source_kind == "cases" and metric.aspect and not case_ids:
            case_ids = case_ids_with_aspect(s, metric.aspect, now - timedelta(days=90))
        linked = link_cases(s, row.id, case_ids) if case_ids else []
        add_audit_entry(
            s, action="plan.create", subject_kind="plan", subject_id=row.id,
            detail={"title": row.title, "cases": linked}, actor=actor.email, actor_user_id=actor.id,
        )  # fmt: skip
        if data.owner_id is not None:
            queue_notification(
                s, event="plan-created", subject_kind="plan", subject_id=row.id,
                user_ids=[data.owner_id], title=f"整改计划 Improvement plan: {row.title}"[:300],
                body=f"{row.problem}\n\n{row.root_cause}".strip(),
                payload={"plan_id": row.id, "deadline": str(data.deadline or "")},
            )  # fmt: skip
        plan_id = row.id
    return get_plan(db, plan_id)


def _as_datetime(day: date | None) -> datetime | None:
    return None if day is None else datetime(day.year, day.month, day.day)


def get_plan(db: Database, plan_id: int, *, user: User | None = None) -> Plan:
    """The plan with milestones and linked cases (NotFound also when out of scope)."""
    with db.session() as s:
        row = plan_row(s, plan_id)
        if row is None:
            raise NotFound(f"improvement plan {plan_id} does not exist")
        milestones = [
            Milestone(m.id, m.title, m.due_at, m.done_at) for m in milestone_rows(s, plan_id)
        ]
        cases = [
            LinkedCase(c.id, c.title, c.state, c.department_id, c.opened_at)
            for c in linked_case_rows(s, plan_id)
        ]
        done = sum(1 for m in milestones if m.done_at)
        plan = replace(
            _plan_of(row, survey_titles(s), (done, len(milestones))),
            milestones=milestones,
            cases=cases,
        )
    if user is not None and not visible_to(plan, user, db):
        raise NotFound(f"improvement plan {plan_id} does not exist")
    return plan


def list_plans(
    db: Database, user: User | None, *, status: str | None = None, published_only: bool = False
) -> list[Plan]:
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"the status must be one of {', '.join(STATUSES)}")
    with db.session() as s:
        titles, counts = survey_titles(s), milestone_counts(s)
        plans = [
            _plan_of(r, titles, counts.get(r.id, (0, 0)))
            for r in plan_rows(s, status=status, published_only=published_only)
        ]
    if user is None:
        return plans
    return [p for p in plans if visible_to(p, user, db)]


def _change(
    db: Database, plan_id: int, version: int, values: dict[str, Any], actor: User, action: str
) -> Plan:
    plan = get_plan(db, plan_id, user=actor)
    with db.session() as s:
        if not update_plan_versioned(s, plan_id, version, values):
            raise Conflict(
                f"plan {plan_id} was changed by someone else since you opened it "
                f"(version {version}, now {plan.version}); reload it and apply your change again"
            )
        detail = {k: (str(v) if isinstance(v, datetime) else v) for k, v in values.items()}
        add_audit_entry(
            s, action=action, subject_kind="plan", subject_id=plan_id, detail=detail,
            actor=actor.email, actor_user_id=actor.id,
        )  # fmt: skip
        if "status" in values and plan.owner_id is not None and plan.owner_id != actor.id:
            queue_notification(
                s, event="plan-status-changed", subject_kind="plan", subject_id=plan_id,
                user_ids=[plan.owner_id], title=f"{plan.title}: {values['status']}"[:300],
                body="", payload={"plan_id": plan_id, "status": values["status"]},
            )  # fmt: skip
    return get_plan(db, plan_id)


def set_status(db: Database, plan_id: int, version: int, status: str, *, actor: User) -> Plan:
    if status not in STATUSES:
        raise InvalidInput(f"the status must be one of {', '.join(STATUSES)}")
    return _change(db, plan_id, version, {"status": status}, actor, "plan.status")


def set_publication(
    db: Database, plan_id: int, version: int, *, published: bool, public: bool, actor: User
) -> Plan:
    """Publish on the "you said, we did" page; ``public`` also opens the read-only link
    (a random token; unpublishing closes it, publishing again keeps the same link)."""
    if public and not published:
        raise InvalidInput("only a published plan can be public")
    plan = get_plan(db, plan_id, user=actor)
    values: dict[str, Any] = {"published": published, "public": public}
    if public and plan.public_token is None:
        values["public_token"] = secrets.token_urlsafe(16)
    return _change(db, plan_id, version, values, actor, "plan.publish")


def set_milestone(
    db: Database, plan_id: int, milestone_id: int, done: bool, *, actor: User
) -> Plan:
    get_plan(db, plan_id, user=actor)
    with db.session() as s:
        row = milestone_row(s, milestone_id)
        if row is None or row.plan_id != plan_id:
            raise NotFound(f"milestone {milestone_id} is not part of plan {plan_id}")
        row.done_at = utcnow() if done else None
        add_audit_entry(
            s, action="plan.milestone", subject_kind="plan", subject_id=plan_id,
            detail={"milestone": milestone_id, "done": done}, actor=actor.email,
            actor_user_id=actor.id,
        )  # fmt: skip
    return get_plan(db, plan_id)


def add_milestone(db: Database, plan_id: int, item: MilestoneIn, *, actor: User) -> Plan:
    get_plan(db, plan_id, user=actor)
    if not item.title.strip():
        raise InvalidInput("a milestone needs a title")
    with db.session() as s:
        add_milestones(s, plan_id, [{"title": item.title.strip()[:300], "due_at": item.due_at}])
    return get_plan(db, plan_id)


def link_plan_cases(db: Database, plan_id: int, case_ids: list[int], *, actor: User) -> Plan:
    get_plan(db, plan_id, user=actor)
    with db.session() as s:
        linked = link_cases(s, plan_id, case_ids)
        missing = sorted(set(case_ids) - set(linked))
        add_audit_entry(
            s, action="plan.link_cases", subject_kind="plan", subject_id=plan_id,
            detail={"linked": linked, "not_linked": missing}, actor=actor.email,
            actor_user_id=actor.id,
        )  # fmt: skip
    return get_plan(db, plan_id)


def public_plan(db: Database, token: str) -> Plan:
    with db.session() as s:
        row = plan_by_token(s, token)
        if row is None or not (row.public and row.published):
            raise NotFound("this plan is not shared")
        plan_id = row.id
    return get_plan(db, plan_id)


def plan_effect(
    db: Database, plan: Plan, *, today: date | None = None
) -> tuple[PlanEffect | None, str | None]:
    """(effect, None) or (None, why it cannot be measured yet)."""
    try:
        return measure_effect(db, plan.metric, today=today), None
    except InvalidInput as reason:
        return None, reason.message

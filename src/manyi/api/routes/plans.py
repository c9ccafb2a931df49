"""Improvement plans in the API: list, create (from an insight), read with the measured
effect, change status, milestones, linked cases and publication (issue #12)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from manyi.accounts.service import User
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, requires
from manyi.workflow.plan_effect import MetricSpec, PlanEffect
from manyi.workflow.plans import (
    MilestoneIn,
    Plan,
    PlanIn,
    add_milestone,
    create_plan,
    get_plan,
    link_plan_cases,
    list_plans,
    plan_effect,
    set_milestone,
    set_publication,
    set_status,
)

router = APIRouter(tags=["plans"])
Status = Literal["draft", "active", "done", "cancelled"]


class MetricBody(BaseModel):
    metric_kind: Literal["mean", "nps", "top_box", "negative_share"] = "mean"
    survey_id: int | None = None
    question: str | None = None
    item: str = ""
    aspect: str | None = None
    threshold: float | None = None
    segment_key: Literal["touchpoint", "channel", "region", "tier", "product"] | None = None
    treated: list[str] = Field(default_factory=list)
    control: list[str] = Field(default_factory=list, description="empty: every other value")
    change_at: date | None = Field(None, description="first day of the changed process")
    before_days: int = Field(28, ge=7, le=365)
    after_days: int = Field(28, ge=7, le=365)
    target_value: float | None = Field(None, description="in the shown unit: points, NPS, %")

    def spec(self) -> MetricSpec:
        return MetricSpec(
            metric_kind=self.metric_kind, survey_id=self.survey_id, question=self.question,
            item=self.item, aspect=self.aspect, threshold=self.threshold,
            segment_key=self.segment_key, treated=tuple(self.treated),
            control=tuple(self.control), change_at=self.change_at,
            before_days=self.before_days, after_days=self.after_days,
            target_value=self.target_value,
        )  # fmt: skip


class MilestoneBody(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    due_at: datetime | None = None


class PlanCreate(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    metric: MetricBody
    problem: str = ""
    root_cause: str = ""
    source_kind: Literal["driver", "servqual_gap", "topic", "cases", "manual"] = "manual"
    source_ref: str = ""
    deadline: datetime | None = None
    owner_id: int | None = None
    department_ids: list[int] = Field(default_factory=list)
    milestones: list[MilestoneBody] = Field(default_factory=list)
    case_ids: list[int] = Field(default_factory=list)
    status: Status = "active"


class StatusUpdate(BaseModel):
    version: int
    status: Status


class PublicationUpdate(BaseModel):
    version: int
    published: bool
    public: bool = False


class MilestoneUpdate(BaseModel):
    done: bool


class CaseLinks(BaseModel):
    case_ids: list[int] = Field(min_length=1)


def _public(plan: Plan) -> dict[str, Any]:
    return asdict(plan)


@router.get("/plans", summary="List improvement plans in your scope")
def plans(
    db: DbDep,
    user: Annotated[User, requires(Permission.VIEW_PLANS)],
    status: Annotated[Status | None, Query()] = None,
    published: Annotated[bool, Query(description="only published plans")] = False,
) -> dict[str, Any]:
    found = list_plans(db, user, status=status, published_only=published)
    return {"data": [_public(p) for p in found], "count": len(found)}


@router.post("/plans", status_code=201, summary="Create an improvement plan (整改计划)")
def create(
    body: PlanCreate, db: DbDep, user: Annotated[User, requires(Permission.MANAGE_PLANS)]
) -> dict[str, Any]:
    data = PlanIn(
        title=body.title, metric=body.metric.spec(), problem=body.problem,
        root_cause=body.root_cause, source_kind=body.source_kind, source_ref=body.source_ref,
        deadline=body.deadline, owner_id=body.owner_id,
        department_ids=tuple(body.department_ids),
        milestones=tuple(MilestoneIn(m.title, m.due_at) for m in body.milestones),
        case_ids=tuple(body.case_ids), status=body.status,
    )  # fmt: skip
    return _public(create_plan(db, data, actor=user))


@router.get(
    "/plans/{plan_id}",
    summary="One plan with milestones, linked cases and its measured effect",
    description="``effect`` is null with ``effect_unavailable`` saying why (no data yet, too few answers).",
)
def plan(
    plan_id: int, db: DbDep, user: Annotated[User, requires(Permission.VIEW_PLANS)]
) -> dict[str, Any]:
    found = get_plan(db, plan_id, user=user)
    effect, why = plan_effect(db, found)
    return {**_public(found), "effect": _effect(effect), "effect_unavailable": why}


def _effect(effect: PlanEffect | None) -> dict[str, Any] | None:
    return None if effect is None else asdict(effect)


@router.post("/plans/{plan_id}/status", summary="Change a plan's status (optimistic version)")
def status_update(
    plan_id: int,
    body: StatusUpdate,
    db: DbDep,
    user: Annotated[User, requires(Permission.MANAGE_PLANS)],
) -> dict[str, Any]:
    return _public(set_status(db, plan_id, body.version, body.status, actor=user))


@router.post("/plans/{plan_id}/publication", summary="Publish on “you said, we did”")
def publication(
    plan_id: int,
    body: PublicationUpdate,
    db: DbDep,
    user: Annotated[User, requires(Permission.MANAGE_PLANS)],
) -> dict[str, Any]:
    changed = set_publication(
        db, plan_id, body.version, published=body.published, public=body.public, actor=user
    )
    return _public(changed)


@router.post("/plans/{plan_id}/milestones", status_code=201, summary="Add a milestone")
def milestone_add(
    plan_id: int,
    body: MilestoneBody,
    db: DbDep,
    user: Annotated[User, requires(Permission.MANAGE_PLANS)],
) -> dict[str, Any]:
    return _public(add_milestone(db, plan_id, MilestoneIn(body.title, body.due_at), actor=user))


@router.post("/plans/{plan_id}/milestones/{milestone_id}", summary="Mark a milestone done or not")
def milestone_done(
    plan_id: int,
    milestone_id: int,
    body: MilestoneUpdate,
    db: DbDep,
    user: Annotated[User, requires(Permission.MANAGE_PLANS)],
) -> dict[str, Any]:
    return _public(set_milestone(db, plan_id, milestone_id, body.done, actor=user))


@router.post("/plans/{plan_id}/cases", summary="Link cases to the plan")
def cases_link(
    plan_id: int,
    body: CaseLinks,
    db: DbDep,
    user: Annotated[User, requires(Permission.MANAGE_PLANS)],
) -> dict[str, Any]:
    return _public(link_plan_cases(db, plan_id, body.case_ids, actor=user))

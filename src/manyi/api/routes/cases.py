"""Cases and alert rules in the API (issue #12): the case list (each case with the
``response_id`` or ``feedback_id`` it came from), one case with its timeline, opening a
case by hand, changes and transitions with the version seen (409 on a stale one), notes;
alert rules with their hit log; routing rules."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from manyi.accounts.scope import department_scope
from manyi.accounts.service import User
from manyi.domain.cases import PRIORITIES, ROOT_CAUSES, CaseState
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, QueueDep, SettingsDep, requires
from manyi.errors import InvalidInput
from manyi.workflow.alerts import create_rule, get_rule, list_rules, remove_rule, update_rule
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
from manyi.workflow.routing import add_routing_rule, list_routing_rules, remove_routing_rule

router = APIRouter(tags=["cases"])
State = Literal["new", "acknowledged", "in_progress", "waiting_customer", "resolved", "closed"]
Origin = Literal["call", "letter", "walk_in", "email", "other"]


def _actor(user: User) -> Actor:
    return Actor(user.id, user.email)


class CaseCreate(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    origin: Origin = "call"
    description: str = Field("", max_length=20000)
    importance: int = Field(2, ge=1, le=3, description="1 low, 2 medium, 3 high")
    urgency: int = Field(2, ge=1, le=3, description="1 low, 2 medium, 3 high")
    customer_id: int | None = None
    response_id: int | None = None
    feedback_id: int | None = None
    touchpoint_id: int | None = None
    channel_id: int | None = None
    department_id: int | None = Field(None, description="none: routed by the routing rules")
    assignee_id: int | None = None
    aspect: str | None = Field(None, max_length=64)
    region: str | None = Field(None, max_length=64)


class CaseUpdate(BaseModel):
    version: int = Field(description="the version you saw; a stale one is refused with 409")
    state: State | None = None
    note: str = Field("", max_length=10000, description="why, shown on the timeline")
    title: str | None = Field(None, max_length=300)
    description: str | None = None
    importance: int | None = Field(None, ge=1, le=3)
    urgency: int | None = Field(None, ge=1, le=3)
    assignee_id: int | None = None
    department_id: int | None = None
    root_cause_code: str | None = None
    solution: str | None = Field(None, max_length=10000)
    aspect: str | None = None
    follow_up_note: str | None = Field(None, max_length=10000, description="the 回访 record")


class NoteCreate(BaseModel):
    body: str = Field(min_length=1, max_length=10000)
    kind: Literal["note", "call"] = "note"


class CaseMerge(BaseModel):
    into: int = Field(description="the case that stays")
    version: int = Field(description="the version of this (duplicate) case you saw")


class RuleBody(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    enabled: bool = True
    applies_to: Literal["any", "response", "feedback", "metric"] = "any"
    conditions: list[dict[str, Any]] = Field(min_length=1)
    actions: dict[str, Any]


class RulePatch(BaseModel):
    name: str | None = None
    description: str | None = None
    enabled: bool | None = None
    applies_to: Literal["any", "response", "feedback", "metric"] | None = None
    conditions: list[dict[str, Any]] | None = None
    actions: dict[str, Any] | None = None


class RoutingBody(BaseModel):
    department_id: int
    name: str = ""
    position: int = 0
    touchpoint_id: int | None = None
    aspect: str | None = None
    region: str | None = None
    round_robin: bool = True


def _case_json(case: Any, now: datetime) -> dict[str, Any]:
    out = asdict(case)
    out["overdue"] = case.overdue(now)
    return out


@router.get("/cases", summary="List cases (scoped to the caller's departments)")
def cases_list(
    db: DbDep,
    user: Annotated[User, requires(Permission.VIEW_CASES)],
    state: Annotated[list[State] | None, Query()] = None,
    priority: Annotated[list[str] | None, Query()] = None,
    department_id: int | None = None,
    assignee_id: int | None = None,
    overdue: bool = False,
    customer_id: int | None = None,
    response_id: int | None = None,
    feedback_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    now = now_or(None)
    bad = [p for p in priority or [] if p not in PRIORITIES]
    if bad:
        raise InvalidInput(f"priorities are {', '.join(PRIORITIES)}, not {', '.join(bad)}")
    f = CaseFilter(
        states=state or (),
        priorities=priority or (),
        department_id=department_id,
        assignee_id=assignee_id,
        overdue_at=now if overdue else None,
        customer_id=customer_id,
        response_id=response_id,
        feedback_id=feedback_id,
    )
    items, total = list_cases(db, f, department_scope(db, user), limit=limit, offset=offset)
    return {"items": [_case_json(c, now) for c in items], "total": total}


@router.post("/cases", status_code=201, summary="Open a case by hand (call, letter, walk-in)")
def cases_create(
    body: CaseCreate,
    db: DbDep,
    settings: SettingsDep,
    user: Annotated[User, requires(Permission.WORK_CASES)],
) -> dict[str, Any]:
    case = open_case(
        db, CaseNew(**body.model_dump()), _actor(user), WorkflowConfig.from_settings(settings)
    )
    return _case_json(case, now_or(None))


@router.get("/cases/root-causes", summary="The root-cause code book")
def root_causes(user: Annotated[User, requires(Permission.VIEW_CASES)]) -> list[dict[str, str]]:
    return [asdict(c) for c in ROOT_CAUSES]


@router.get("/cases/{case_id}", summary="One case with its timeline")
def cases_get(
    case_id: int, db: DbDep, user: Annotated[User, requires(Permission.VIEW_CASES)]
) -> dict[str, Any]:
    case, events = get_case(db, case_id, department_scope(db, user))
    return {**_case_json(case, now_or(None)), "events": [asdict(e) for e in events]}


@router.patch("/cases/{case_id}", summary="Change a case or move it (with the version seen)")
def cases_update(
    case_id: int,
    body: CaseUpdate,
    db: DbDep,
    settings: SettingsDep,
    queue: QueueDep,
    user: Annotated[User, requires(Permission.WORK_CASES)],
) -> dict[str, Any]:
    fields = body.model_dump(exclude={"version", "state", "note"}, exclude_none=True)
    case = update_case(
        db,
        case_id,
        body.version,
        _actor(user),
        WorkflowConfig.from_settings(settings),
        department_scope(db, user),
        state=body.state,
        note=body.note,
        **fields,
    )
    if body.state == CaseState.RESOLVED.value and case.state == CaseState.RESOLVED.value:
        queue.enqueue_followup(case.id)
    return _case_json(case, now_or(None))


@router.post("/cases/{case_id}/notes", status_code=201, summary="Add a note or call record")
def cases_note(
    case_id: int,
    body: NoteCreate,
    db: DbDep,
    user: Annotated[User, requires(Permission.WORK_CASES)],
) -> dict[str, Any]:
    event = add_note(
        db, case_id, body.body, _actor(user), department_scope(db, user), kind=body.kind
    )
    return asdict(event)


@router.post("/cases/{case_id}/merge", summary="Merge this duplicate into another case")
def cases_merge(
    case_id: int,
    body: CaseMerge,
    db: DbDep,
    user: Annotated[User, requires(Permission.WORK_CASES)],
) -> dict[str, Any]:
    case = merge_case(
        db, case_id, body.into, body.version, _actor(user), department_scope(db, user)
    )
    return _case_json(case, now_or(None))


@router.get("/alert-rules", summary="Alert rules with their hit counts")
def rules_list(
    db: DbDep, user: Annotated[User, requires(Permission.MANAGE_RULES)]
) -> list[dict[str, Any]]:
    return [asdict(r) for r in list_rules(db)]


@router.post("/alert-rules", status_code=201, summary="Create an alert rule")
def rules_create(
    body: RuleBody, db: DbDep, user: Annotated[User, requires(Permission.MANAGE_RULES)]
) -> dict[str, Any]:
    rule = create_rule(db, **body.model_dump(), actor=_actor(user))
    return asdict(rule)


@router.get("/alert-rules/{rule_id}", summary="One alert rule with its hit log")
def rules_get(
    rule_id: int, db: DbDep, user: Annotated[User, requires(Permission.MANAGE_RULES)]
) -> dict[str, Any]:
    rule, hits = get_rule(db, rule_id)
    return {**asdict(rule), "hit_log": [asdict(h) for h in hits]}


@router.patch("/alert-rules/{rule_id}", summary="Change an alert rule")
def rules_update(
    rule_id: int,
    body: RulePatch,
    db: DbDep,
    user: Annotated[User, requires(Permission.MANAGE_RULES)],
) -> dict[str, Any]:
    return asdict(update_rule(db, rule_id, _actor(user), **body.model_dump()))


@router.delete("/alert-rules/{rule_id}", status_code=204, summary="Delete an alert rule")
def rules_delete(
    rule_id: int, db: DbDep, user: Annotated[User, requires(Permission.MANAGE_RULES)]
) -> Response:
    remove_rule(db, rule_id, _actor(user))
    return Response(status_code=204)


@router.get("/routing-rules", summary="Routing rules, in order")
def routing_list(
    db: DbDep, user: Annotated[User, requires(Permission.MANAGE_RULES)]
) -> list[dict[str, Any]]:
    return [asdict(r) for r in list_routing_rules(db)]


@router.post("/routing-rules", status_code=201, summary="Add a routing rule")
def routing_create(
    body: RoutingBody, db: DbDep, user: Annotated[User, requires(Permission.MANAGE_RULES)]
) -> dict[str, Any]:
    return asdict(add_routing_rule(db, **body.model_dump()))


@router.delete("/routing-rules/{rule_id}", status_code=204, summary="Delete a routing rule")
def routing_delete(
    rule_id: int, db: DbDep, user: Annotated[User, requires(Permission.MANAGE_RULES)]
) -> Response:
    remove_routing_rule(db, rule_id)
    return Response(status_code=204)

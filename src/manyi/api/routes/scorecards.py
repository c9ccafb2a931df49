"""Scorecards, the points ledger and mechanism health in the API (issue #12)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from manyi.accounts.service import User
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, requires
from manyi.workflow.health import mechanism_health
from manyi.workflow.scorecards import award_points, points_ledger, scorecards

router = APIRouter(tags=["scorecards"])
Holder = Literal["customer", "department", "user"]


class PointsAward(BaseModel):
    holder_kind: Holder
    holder_id: int
    points: int = Field(description="non-zero; negative corrects an earlier entry")
    reason: str = Field(min_length=1, max_length=300)
    subject_kind: str | None = None
    subject_id: int | None = None


@router.get(
    "/scorecards",
    summary="Scorecards per department and staff member",
    description="Shares are null below the minimum n (``min_n``): not enough data.",
)
def cards(
    db: DbDep,
    user: Annotated[User, requires(Permission.VIEW_SCORECARDS)],
    since: Annotated[datetime | None, Query(description="default: 90 days before until")] = None,
    until: Annotated[datetime | None, Query(description="default: now (UTC)")] = None,
) -> dict[str, Any]:
    return asdict(scorecards(db, user, since=since, until=until))


@router.get("/scorecards/health", summary="Mechanism health: the periodic review")
def health(
    db: DbDep,
    user: Annotated[User, requires(Permission.VIEW_SCORECARDS)],
    days: Annotated[int, Query(ge=7, le=366)] = 30,
) -> dict[str, Any]:
    return asdict(mechanism_health(db, user, days=days))


@router.get("/scorecards/points", summary="The incentive points ledger, newest first")
def points(
    db: DbDep,
    user: Annotated[User, requires(Permission.VIEW_SCORECARDS)],
    holder_kind: Annotated[Holder | None, Query()] = None,
    holder_id: Annotated[int | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    entries = points_ledger(db, holder_kind=holder_kind, holder_id=holder_id, limit=limit)
    return {"data": [asdict(e) for e in entries], "count": len(entries)}


@router.post("/scorecards/points", status_code=201, summary="Record incentive points")
def award(
    body: PointsAward, db: DbDep, user: Annotated[User, requires(Permission.MANAGE_PLANS)]
) -> dict[str, Any]:
    entry = award_points(
        db, holder_kind=body.holder_kind, holder_id=body.holder_id, points=body.points,
        reason=body.reason, subject_kind=body.subject_kind, subject_id=body.subject_id,
        actor=user,
    )  # fmt: skip
    return asdict(entry)

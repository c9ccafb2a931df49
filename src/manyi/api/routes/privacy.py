"""Retention per survey, the retention purge, and the audit log (administrators only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from manyi.accounts.service import User
from manyi.api.schemas import Strict
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, requires
from manyi.privacy.audit import Actor, audit_log
from manyi.privacy.retention import MAX_RETENTION_DAYS, get_retention, purge, set_retention

router = APIRouter(tags=["privacy"])


def _actor(user: User) -> Actor:
    return Actor(user.email, user.id)


class RetentionSet(Strict):
    days: int | None = Field(
        ge=1,
        le=MAX_RETENTION_DAYS,
        description="responses older than this many days are purged; null keeps them",
    )


class RetentionPublic(BaseModel):
    survey_id: int
    days: int | None


@router.get(
    "/surveys/{survey_id}/retention",
    response_model=RetentionPublic,
    summary="How long a survey's responses are kept",
)
def retention(
    survey_id: int, db: DbDep, user: Annotated[User, requires(Permission.VIEW_DASHBOARD)]
) -> RetentionPublic:
    return RetentionPublic(survey_id=survey_id, days=get_retention(db, survey_id))


@router.put(
    "/surveys/{survey_id}/retention",
    response_model=RetentionPublic,
    summary="Set how long a survey's responses are kept (administrators; audited)",
)
def put_retention(
    survey_id: int,
    body: RetentionSet,
    db: DbDep,
    user: Annotated[User, requires(Permission.HANDLE_PERSONAL_DATA_REQUESTS)],
) -> RetentionPublic:
    actor = _actor(user)
    return RetentionPublic(survey_id=survey_id, days=set_retention(db, survey_id, body.days, actor))


class PurgedSurvey(BaseModel):
    survey_id: int
    retention_days: int
    cutoff: datetime
    deleted: dict[str, int]


class PurgePublic(BaseModel):
    dry_run: bool
    surveys: list[PurgedSurvey]
    total: dict[str, int]


@router.post(
    "/privacy/purge",
    response_model=PurgePublic,
    summary="Purge what the surveys' retention has expired (administrators; audited)",
    description="The daily job does the same; dry_run=true only counts.",
)
def purge_now(
    db: DbDep,
    user: Annotated[User, requires(Permission.HANDLE_PERSONAL_DATA_REQUESTS)],
    dry_run: Annotated[bool, Query(description="count only, delete nothing")] = False,
) -> PurgePublic:
    actor = _actor(user)
    run = purge(db, actor, dry_run=dry_run)
    return PurgePublic(
        dry_run=run.dry_run,
        surveys=[
            PurgedSurvey(
                survey_id=s.survey_id,
                retention_days=s.retention_days,
                cutoff=s.cutoff,
                deleted=s.deleted.as_dict(),
            )
            for s in run.surveys
        ],
        total=run.total.as_dict(),
    )


class AuditEntryPublic(BaseModel):
    id: int
    at: datetime
    actor_user_id: int | None
    actor: str
    action: str
    subject_kind: str
    subject_id: str
    detail: dict[str, Any]


class AuditLogPublic(BaseModel):
    data: list[AuditEntryPublic]
    count: int
    limit: int
    offset: int


@router.get(
    "/audit-log",
    response_model=AuditLogPublic,
    summary="The audit log, newest first (administrators)",
)
def audit(
    db: DbDep,
    user: Annotated[User, requires(Permission.VIEW_AUDIT)],
    subject_kind: Annotated[str | None, Query(max_length=32)] = None,
    subject_id: Annotated[str | None, Query(max_length=200)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> AuditLogPublic:
    page = audit_log(
        db,
        subject_kind=subject_kind,
        subject_id=subject_id,
        action=action,
        limit=limit,
        offset=offset,
    )
    return AuditLogPublic(
        data=[AuditEntryPublic(**e.__dict__) for e in page.items],
        count=page.count,
        limit=page.limit,
        offset=page.offset,
    )

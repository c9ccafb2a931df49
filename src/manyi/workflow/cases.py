"""Cases: open (from a rule or by hand), route, read, list, and act on them.

Every change is one transaction that (1) checks the case is still at the version the
caller saw (Conflict 409 otherwise: another agent changed it), (2) applies the change
with ``version = version + 1``, (3) writes the timeline event and the audit entry, and
(4) queues the notifications (``manyi.workflow.notifications``) — all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from manyi.domain.cases import (
    SLA_TARGETS,
    CaseOrigin,
    CaseState,
    priority_of,
)
from manyi.domain.scope import DepartmentScope
from manyi.errors import Conflict, InvalidInput, NotFound
from manyi.storage.audit import add_audit_entry
from manyi.storage.cases import (
    CaseFilter,
    add_case_event,
    case_events,
    case_row,
    department_users,
    earlier_case_for,
    insert_case,
    list_case_rows,
    update_case_versioned,
)
from manyi.storage.database import Database
from manyi.storage.tables import CaseEventRow, CaseRow
from manyi.workflow.config import WorkflowConfig, now_or
from manyi.workflow.notifications import queue_notification
from manyi.workflow.routing import route

__all__ = [
    "Actor",
    "Case",
    "CaseEvent",
    "CaseFilter",
    "CaseNew",
    "add_note",
    "get_case",
    "list_cases",
    "open_case",
    "open_case_in",
]


@dataclass(frozen=True)
class Actor:
    """Who acts: a user (id and label) or a job (``user_id`` None, label ``job:…``)."""

    user_id: int | None
    label: str


@dataclass(frozen=True)
class CaseNew:
    title: str
    origin: str = CaseOrigin.OTHER
    description: str = ""
    importance: int = 2
    urgency: int = 2
    customer_id: int | None = None
    response_id: int | None = None
    feedback_id: int | None = None
    rule_id: int | None = None
    touchpoint_id: int | None = None
    channel_id: int | None = None
    department_id: int | None = None
    assignee_id: int | None = None
    aspect: str | None = None
    region: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class CaseEvent:
    id: int
    at: datetime
    kind: str
    actor: str
    from_state: str | None
    to_state: str | None
    body: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class Case:
    id: int
    version: int
    title: str
    description: str
    origin: str
    state: str
    importance: int
    urgency: int
    priority: str
    response_id: int | None
    feedback_id: int | None
    rule_id: int | None
    customer_id: int | None
    touchpoint_id: int | None
    channel_id: int | None
    department_id: int | None
    assignee_id: int | None
    aspect: str | None
    region: str | None
    tags: list[str]
    opened_at: datetime
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None
    first_responded_at: datetime | None
    waiting_since: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    escalated_at: datetime | None
    reopen_count: int
    root_cause_code: str | None
    solution: str | None
    follow_up_at: datetime | None
    follow_up_note: str | None
    followup_invitation_id: int | None
    followup_response_id: int | None
    post_csat: float | None
    merged_into_id: int | None
    repeat_of_id: int | None
    updated_at: datetime

    @classmethod
    def from_row(cls, row: CaseRow) -> Case:
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})

    def overdue(self, now: datetime) -> bool:
        if self.waiting_since is not None or self.state in ("resolved", "closed"):
            return False
        due = [
            d
            for d, done in (
                (self.first_response_due_at, self.first_responded_at),
                (self.resolution_due_at, self.resolved_at),
            )
            if d is not None and done is None
        ]
        return any(d < now for d in due)


def _event(row: CaseEventRow) -> CaseEvent:
    return CaseEvent(
        row.id,
        row.at,
        row.kind,
        row.actor,
        row.from_state,
        row.to_state,
        row.body,
        dict(row.detail),
    )


def _notify(
    s: Session, event: str, case: CaseRow, user_ids: list[int], title: str, at: datetime
) -> None:
    queue_notification(
        s,
        event=event,
        subject_kind="case",
        subject_id=case.id,
        user_ids=sorted(set(user_ids)),
        title=title,
        body=case.title,
        payload={
            "case_id": case.id,
            "state": case.state,
            "priority": case.priority,
            "department_id": case.department_id,
            "assignee_id": case.assignee_id,
            "response_id": case.response_id,
            "feedback_id": case.feedback_id,
        },
        at=at,
    )


def managers_of(s: Session, department_id: int | None) -> list[int]:
    if department_id is None:
        return []
    return [u.id for u in department_users(s, department_id, ["manager"])]


def open_case_in(
    s: Session, new: CaseNew, actor: Actor, config: WorkflowConfig, at: datetime | None = None
) -> CaseRow:
    """Open a case in the caller's transaction: route it, set its SLA due times on the
    business calendar, link a repeat complaint, audit and notify."""
    now = now_or(at)
    title = " ".join(new.title.split())
    if not title:
        raise InvalidInput("a case needs a title")
    if new.origin not in set(CaseOrigin):
        raise InvalidInput(f"unknown origin {new.origin!r}; origins: {', '.join(CaseOrigin)}")
    try:
        priority = priority_of(new.importance, new.urgency)
    except ValueError as error:
        raise InvalidInput(str(error)) from error
    department_id, assignee_id = new.department_id, new.assignee_id
    if department_id is None:
        department_id, routed = route(s, new.touchpoint_id, new.aspect, new.region)
        assignee_id = assignee_id or routed
    elif assignee_id is None:
        _, assignee_id = route(s, None, None, None, department_id=department_id)
    target = SLA_TARGETS[priority]
    repeat = None
    if new.customer_id is not None:
        repeat = earlier_case_for(
            s, new.customer_id, new.aspect, now - timedelta(days=config.repeat_days), None
        )
    tags = list(dict.fromkeys([*new.tags, *(["repeat"] if repeat else [])]))
    row = insert_case(
        s,
        {
            "title": title[:300],
            "description": new.description,
            "origin": str(new.origin),
            "state": CaseState.NEW.value,
            "importance": new.importance,
            "urgency": new.urgency,
            "priority": priority,
            "response_id": new.response_id,
            "feedback_id": new.feedback_id,
            "rule_id": new.rule_id,
            "customer_id": new.customer_id,
            "touchpoint_id": new.touchpoint_id,
            "channel_id": new.channel_id,
            "department_id": department_id,
            "assignee_id": assignee_id,
            "assigned_at": now if assignee_id else None,
            "aspect": new.aspect,
            "region": new.region,
            "tags": tags,
            "opened_at": now,
            "first_response_due_at": config.calendar.add_working_minutes(
                now, target.first_response_minutes
            ),
            "resolution_due_at": config.calendar.add_working_minutes(
                now, target.resolution_minutes
            ),
            "repeat_of_id": repeat.id if repeat else None,
            "created_by": actor.user_id,
            "updated_at": now,
            "version": 1,
            "reopen_count": 0,
        },
    )
    detail = {"priority": priority, "department_id": department_id, "assignee_id": assignee_id}
    if repeat is not None:
        detail["repeat_of"] = repeat.id
    add_case_event(
        s,
        case_id=row.id,
        at=now,
        kind="opened",
        actor_user_id=actor.user_id,
        actor=actor.label,
        to_state="new",
        body=new.description[:2000],
        detail=detail,
    )
    add_audit_entry(
        s,
        action="case-opened",
        subject_kind="case",
        subject_id=row.id,
        detail=detail,
        actor=actor.label,
        actor_user_id=actor.user_id,
        at=now,
    )
    recipients = [assignee_id] if assignee_id else managers_of(s, department_id)
    _notify(s, "case-opened", row, recipients, f"Case #{row.id} opened ({priority})", now)
    return row


def open_case(
    db: Database, new: CaseNew, actor: Actor, config: WorkflowConfig, at: datetime | None = None
) -> Case:
    with db.session() as s:
        row = open_case_in(s, new, actor, config, at)
        return Case.from_row(row)


def _visible(s: Session, case_id: int, scope: DepartmentScope | None) -> CaseRow:
    row = case_row(s, case_id)
    if row is None or (scope is not None and not scope.allows(row.department_id)):
        raise NotFound(f"no case with id {case_id}")
    return row


def get_case(
    db: Database, case_id: int, scope: DepartmentScope | None = None
) -> tuple[Case, list[CaseEvent]]:
    with db.session() as s:
        row = _visible(s, case_id, scope)
        return Case.from_row(row), [_event(e) for e in case_events(s, case_id)]


def list_cases(
    db: Database,
    f: CaseFilter,
    scope: DepartmentScope | None = None,
    *,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Case], int]:
    with db.session() as s:
        rows, total = list_case_rows(s, f, scope, limit=limit, offset=offset)
        return [Case.from_row(r) for r in rows], total


def add_note(
    db: Database,
    case_id: int,
    body: str,
    actor: Actor,
    scope: DepartmentScope | None = None,
    *,
    kind: str = "note",
    at: datetime | None = None,
) -> CaseEvent:
    """A note (or a call record) on the timeline. Notes do not change the case, so they
    need no version: two agents may write notes at once."""
    text = body.strip()
    if not text:
        raise InvalidInput("a note needs some text")
    if kind not in ("note", "call"):
        raise InvalidInput("a note is of kind note or call")
    with db.session() as s:
        _visible(s, case_id, scope)
        row = add_case_event(
            s,
            case_id=case_id,
            at=now_or(at),
            kind=kind,
            actor_user_id=actor.user_id,
            actor=actor.label,
            body=text[:10000],
            detail={},
        )
        return _event(row)


def apply_change(
    s: Session,
    row: CaseRow,
    version: int,
    values: dict[str, Any],
    actor: Actor,
    *,
    kind: str,
    body: str = "",
    at: datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    """Write ``values`` if the case is still at ``version``; Conflict otherwise."""
    before = row.state
    if not update_case_versioned(s, row.id, version, {**values, "updated_at": at}):
        raise Conflict(
            f"case {row.id} was changed by someone else since you opened it (you had version "
            f"{version}); reload it to see the change, then try again"
        )
    after = values.get("state", before)
    info = dict(detail or {})
    add_case_event(
        s,
        case_id=row.id,
        at=at,
        kind=kind,
        actor_user_id=actor.user_id,
        actor=actor.label,
        from_state=before,
        to_state=after,
        body=body[:10000],
        detail=info,
    )
    add_audit_entry(
        s,
        action=f"case-{kind}",
        subject_kind="case",
        subject_id=row.id,
        detail={"from": before, "to": after, "version": version + 1, **info},
        actor=actor.label,
        actor_user_id=actor.user_id,
        at=at,
    )

"""Changing a case: fields and state (with the version seen, 409 on a stale one), the
transition rules (first response, SLA pause while waiting, root cause to resolve,
reopen), and merging a duplicate."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from manyi.domain.cases import SLA_TARGETS, CaseState, check_transition, priority_of, root_cause
from manyi.domain.scope import DepartmentScope
from manyi.errors import Conflict, InvalidInput, NotFound
from manyi.storage.cases import add_case_event, case_row
from manyi.storage.database import Database
from manyi.storage.tables import CaseRow
from manyi.workflow.cases import (
    Actor,
    Case,
    _notify,
    _visible,
    apply_change,
    managers_of,
)
from manyi.workflow.config import WorkflowConfig, now_or

__all__ = ["EDITABLE", "merge_case", "update_case"]


def _transition_values(
    row: CaseRow, target: CaseState, config: WorkflowConfig, now: datetime, fields: dict[str, Any]
) -> dict[str, Any]:
    current = CaseState(row.state)
    try:
        check_transition(current, target)
    except ValueError as error:
        raise Conflict(str(error)) from error
    values: dict[str, Any] = {"state": target.value}
    if row.first_responded_at is None and target != CaseState.CLOSED:
        values["first_responded_at"] = now
    if current == CaseState.WAITING_CUSTOMER and row.waiting_since is not None:
        # The SLA clock was paused: push the open due times back by the working time waited.
        waited = config.calendar.working_minutes_between(row.waiting_since, now)
        values["waiting_since"] = None
        if row.resolution_due_at is not None:
            values["resolution_due_at"] = config.calendar.add_working_minutes(
                row.resolution_due_at, waited
            )
    if target == CaseState.WAITING_CUSTOMER:
        values["waiting_since"] = now
    if target == CaseState.RESOLVED:
        code = fields.get("root_cause_code") or row.root_cause_code
        solution = (fields.get("solution") or row.solution or "").strip()
        if not code:
            raise InvalidInput("choose a root cause before resolving the case")
        try:
            root_cause(code)
        except ValueError as error:
            raise InvalidInput(str(error)) from error
        if not solution:
            raise InvalidInput("write the solution agreed with the customer before resolving")
        values.update(resolved_at=now, root_cause_code=code, solution=solution)
    if target == CaseState.CLOSED:
        values["closed_at"] = now
    if target == CaseState.IN_PROGRESS and current in (CaseState.RESOLVED, CaseState.CLOSED):
        values.update(
            reopen_count=row.reopen_count + 1,
            resolved_at=None,
            closed_at=None,
            resolution_due_at=config.calendar.add_working_minutes(
                now, SLA_TARGETS[row.priority].resolution_minutes
            ),
            escalated_at=None,
        )
    return values


EDITABLE = (
    "title",
    "description",
    "importance",
    "urgency",
    "assignee_id",
    "department_id",
    "root_cause_code",
    "solution",
    "aspect",
    "tags",
    "follow_up_note",
)


def update_case(
    db: Database,
    case_id: int,
    version: int,
    actor: Actor,
    config: WorkflowConfig,
    scope: DepartmentScope | None = None,
    *,
    state: str | None = None,
    note: str = "",
    at: datetime | None = None,
    **fields: Any,
) -> Case:
    """Change a case seen at ``version``: fields (``EDITABLE``) and/or its state.

    Raises Conflict (409) when someone changed the case since ``version`` or the move
    is not allowed, InvalidInput for a bad field (a missing root cause when resolving)."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"these case fields cannot be changed: {', '.join(sorted(unknown))}")
    now = now_or(at)
    with db.session() as s:
        row = _visible(s, case_id, scope)
        if row.version != version:
            raise Conflict(
                f"case {case_id} was changed by someone else since you opened it (you had "
                f"version {version}, it is now at {row.version}); reload it and try again"
            )
        values: dict[str, Any] = {}
        for name, value in fields.items():
            if value is not None and getattr(row, name) != value:
                values[name] = value
        if "root_cause_code" in values:
            try:
                root_cause(values["root_cause_code"])
            except ValueError as error:
                raise InvalidInput(str(error)) from error
        if "importance" in values or "urgency" in values:
            try:
                values["priority"] = priority_of(
                    values.get("importance", row.importance), values.get("urgency", row.urgency)
                )
            except ValueError as error:
                raise InvalidInput(str(error)) from error
        if "assignee_id" in values:
            values["assigned_at"] = now
        if "follow_up_note" in values:
            values.update(follow_up_at=now, follow_up_by=actor.user_id)
        target = CaseState(state) if state else None
        if state and state not in set(CaseState):
            raise InvalidInput(f"unknown state {state!r}")
        if target is not None and target.value != row.state:
            values.update(_transition_values(row, target, config, now, {**fields, **values}))
        if not values and not note.strip():
            return Case.from_row(row)
        kind = (
            "transition"
            if "state" in values
            else ("assigned" if "assignee_id" in values else "updated")
        )
        changed = {
            k: v
            for k, v in values.items()
            if k in EDITABLE and k not in ("description", "solution")
        }
        apply_change(
            s, row, version, values, actor, kind=kind, body=note.strip(), at=now, detail=changed
        )
        fresh = case_row(s, case_id)
        if fresh is None:  # deleted in between: cannot happen inside this transaction
            raise NotFound(f"no case with id {case_id}")
        if kind == "assigned" and fresh.assignee_id:
            _notify(
                s,
                "case-assigned",
                fresh,
                [fresh.assignee_id],
                f"Case #{fresh.id} assigned to you",
                now,
            )
        if values.get("state") == CaseState.RESOLVED.value:
            _notify(
                s,
                "case-resolved",
                fresh,
                managers_of(s, fresh.department_id),
                f"Case #{fresh.id} resolved",
                now,
            )
        return Case.from_row(fresh)


def merge_case(
    db: Database,
    case_id: int,
    into_id: int,
    version: int,
    actor: Actor,
    scope: DepartmentScope | None = None,
    *,
    at: datetime | None = None,
) -> Case:
    """Merge duplicate ``case_id`` (seen at ``version``) into ``into_id``: the duplicate is
    closed with ``merged_into_id`` set, both timelines say so; the kept case is unchanged
    (its version too, so an agent working on it is not interrupted)."""
    if case_id == into_id:
        raise InvalidInput("a case cannot be merged into itself")
    now = now_or(at)
    with db.session() as s:
        row = _visible(s, case_id, scope)
        target = _visible(s, into_id, scope)
        if target.merged_into_id is not None:
            raise Conflict(f"case {into_id} was itself merged into case {target.merged_into_id}")
        if row.merged_into_id is not None:
            raise Conflict(f"case {case_id} is already merged into case {row.merged_into_id}")
        values: dict[str, Any] = {
            "merged_into_id": into_id,
            "state": CaseState.CLOSED.value,
            "closed_at": now,
            "waiting_since": None,
        }
        apply_change(
            s,
            row,
            version,
            values,
            actor,
            kind="merged",
            at=now,
            body=f"merged into case #{into_id}",
            detail={"into": into_id},
        )
        add_case_event(
            s,
            case_id=into_id,
            at=now,
            kind="merged-in",
            actor_user_id=actor.user_id,
            actor=actor.label,
            body=f"case #{case_id} merged into this one",
            detail={"from": case_id},
        )
        fresh = case_row(s, case_id)
        if fresh is None:  # deleted in between: cannot happen inside this transaction
            raise NotFound(f"no case with id {case_id}")
        return Case.from_row(fresh)

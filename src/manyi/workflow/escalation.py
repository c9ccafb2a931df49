"""Escalation: a periodic job finds open cases past a due time (computed on the business
calendar when the case opened, pushed back while waiting for the customer) and escalates
each once: raised to urgency 3, handed to the department's manager, who is notified."""

from __future__ import annotations

from datetime import datetime

from manyi.domain.cases import priority_of
from manyi.storage.cases import breached_cases
from manyi.storage.database import Database
from manyi.workflow.cases import Actor, _notify, apply_change, managers_of
from manyi.workflow.config import now_or

ESCALATION_JOB = Actor(None, "job:escalation")


def escalate_breached(db: Database, now: datetime | None = None) -> list[int]:
    """Escalate every open case past its due time; the ids escalated. ``now`` is the
    injected clock (tests); a case is escalated once (``escalated_at``)."""
    at = now_or(now)
    done: list[int] = []
    with db.session() as s:
        for row in breached_cases(s, at):
            which = (
                "first response"
                if row.first_responded_at is None
                and row.first_response_due_at is not None
                and row.first_response_due_at <= at
                else "resolution"
            )
            managers = managers_of(s, row.department_id)
            values = {
                "escalated_at": at,
                "urgency": 3,
                "priority": priority_of(row.importance, 3),
            }
            if managers:
                values.update(assignee_id=managers[0], assigned_at=at)
            previous = row.assignee_id
            due = row.first_response_due_at if which == "first response" else row.resolution_due_at
            apply_change(
                s,
                row,
                row.version,
                values,
                ESCALATION_JOB,
                kind="escalated",
                at=at,
                body=f"{which} due {due:%Y-%m-%d %H:%M} UTC was missed",
                detail={"breached": which, "previous_assignee_id": row.assignee_id},
            )
            s.refresh(row)
            # The manager who takes it over, and the agent who had it, both hear of it.
            recipients = managers + ([previous] if previous else [])
            _notify(
                s,
                "case-escalated",
                row,
                recipients,
                f"Case #{row.id} escalated: {which} overdue",
                at,
            )
            done.append(row.id)
    return done

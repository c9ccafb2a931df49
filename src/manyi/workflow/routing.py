"""Routing: which department a new case goes to, and which agent in it.

The routing rules are read in order (``position``); the first whose set criteria
(touchpoint, aspect, region) all match names the department. Without a matching rule the
touchpoint's own department takes the case. Within the department, round-robin: the
active agent who waited longest since their last assignment (never assigned first, then
by id), so work spreads evenly and a new agent gets the next case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from manyi.errors import InvalidInput, NotFound
from manyi.storage.cases import (
    delete_routing_rule,
    department_row,
    department_users,
    insert_routing_rule,
    last_assignment_times,
    routing_rule_rows,
)
from manyi.storage.database import Database
from manyi.storage.tables import TouchpointRow


@dataclass(frozen=True)
class RoutingRule:
    id: int
    position: int
    name: str
    touchpoint_id: int | None
    aspect: str | None
    region: str | None
    department_id: int
    round_robin: bool


def next_agent(s: Session, department_id: int) -> int | None:
    agents = [u.id for u in department_users(s, department_id, ["agent"])]
    if not agents:
        return None
    last = last_assignment_times(s, agents)
    return min(agents, key=lambda uid: (last.get(uid, datetime.min), uid))


def route(
    s: Session,
    touchpoint_id: int | None,
    aspect: str | None,
    region: str | None,
    *,
    department_id: int | None = None,
) -> tuple[int | None, int | None]:
    """(department id, assignee id) for a new case; None where nothing applies."""
    round_robin = True
    if department_id is None:
        for rule in routing_rule_rows(s):
            if (
                (rule.touchpoint_id is None or rule.touchpoint_id == touchpoint_id)
                and (rule.aspect is None or rule.aspect == aspect)
                and (rule.region is None or rule.region == region)
            ):
                department_id, round_robin = rule.department_id, rule.round_robin
                break
    if department_id is None and touchpoint_id is not None:
        touchpoint = s.get(TouchpointRow, touchpoint_id)
        department_id = touchpoint.department_id if touchpoint else None
    if department_id is None:
        return None, None
    return department_id, next_agent(s, department_id) if round_robin else None


def list_routing_rules(db: Database) -> list[RoutingRule]:
    with db.session() as s:
        return [
            RoutingRule(
                r.id,
                r.position,
                r.name,
                r.touchpoint_id,
                r.aspect,
                r.region,
                r.department_id,
                r.round_robin,
            )
            for r in routing_rule_rows(s)
        ]


def add_routing_rule(
    db: Database,
    department_id: int,
    *,
    name: str = "",
    position: int = 0,
    touchpoint_id: int | None = None,
    aspect: str | None = None,
    region: str | None = None,
    round_robin: bool = True,
) -> RoutingRule:
    with db.session() as s:
        if department_row(s, department_id) is None:
            raise InvalidInput(f"no department with id {department_id}")
        row = insert_routing_rule(
            s,
            {
                "department_id": department_id,
                "name": name,
                "position": position,
                "touchpoint_id": touchpoint_id,
                "aspect": aspect or None,
                "region": region or None,
                "round_robin": round_robin,
            },
        )
        return RoutingRule(
            row.id,
            row.position,
            row.name,
            row.touchpoint_id,
            row.aspect,
            row.region,
            row.department_id,
            row.round_robin,
        )


def remove_routing_rule(db: Database, rule_id: int) -> None:
    with db.session() as s:
        if not delete_routing_rule(s, rule_id):
            raise NotFound(f"no routing rule with id {rule_id}")

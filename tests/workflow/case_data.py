"""Shared data for the case tests: a logistics department with two agents and a
manager, a delivery touchpoint, a customer, and a detractor alert rule."""

from __future__ import annotations

from dataclasses import dataclass

from manyi.accounts.service import create_department, create_user
from manyi.domain.enums import Role
from manyi.storage.database import Database
from manyi.storage.tables import ChannelRow, CustomerRow, TouchpointRow
from manyi.workflow.alerts import create_rule
from manyi.workflow.cases import Actor

PASSWORD = "correct horse battery"
SYSTEM = Actor(None, "test")


@dataclass(frozen=True)
class CaseWorld:
    logistics: int
    care: int
    agent_a: int
    agent_b: int
    manager: int
    care_agent: int
    delivery: int
    customer: int


def make_case_world(db: Database) -> CaseWorld:
    log = create_department(db, "LOG", "物流配送部", "Logistics")
    care = create_department(db, "CARE", "客服中心", "Customer care")
    a = create_user(db, "a@example.com", PASSWORD, Role.AGENT, name="Agent A", department="LOG")
    b = create_user(db, "b@example.com", PASSWORD, Role.AGENT, name="Agent B", department="LOG")
    m = create_user(db, "m@example.com", PASSWORD, Role.MANAGER, name="Manager", department="LOG")
    c = create_user(db, "c@example.com", PASSWORD, Role.AGENT, name="Care", department="CARE")
    with db.session() as s:
        s.add(ChannelRow(code="web", kind="web", name_zh="网页", name_en="Web"))
        tp = TouchpointRow(
            code="delivery", stage="usage", name_zh="配送", name_en="Delivery", department_id=log
        )
        customer = CustomerRow(
            external_id="C-1",
            email="wang@example.com",
            name="王芳",
            consent_contact=True,
            segments={"tier": "gold", "region": "east"},
        )
        s.add_all([tp, customer])
        s.flush()
        tp_id, customer_id = tp.id, customer.id
    return CaseWorld(log, care, a.id, b.id, m.id, c.id, tp_id, customer_id)


def detractor_rule(db: Database) -> int:
    return create_rule(
        db,
        name="Detractor",
        conditions=[{"kind": "nps_at_most", "value": 6}],
        actions={"open_case": True, "importance": 3, "urgency": 2, "tag": "detractor"},
        actor=SYSTEM,
    ).id

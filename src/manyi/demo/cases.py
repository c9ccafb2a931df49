"""Demo data of the closed loop's near end: alert rules, agents per department, and the
cases the rules opened on the demo's recent detractors and complaints (evaluated at the
time each item arrived, so due times, overdue cases and escalations are realistic);
the older ones resolved with a root cause and an agreed solution, a few closed after a
回访 note; and a metric rule (a significant drop of the company's NPS over 30 days, the
case to logistics), evaluated on the day the improvement plan took effect, whose case
for the delivery incident was resolved with the new partner. Idempotent: a second run finds
the rules by name and adds nothing."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from manyi.accounts.service import create_user
from manyi.demo.timeline import demo_window
from manyi.domain.enums import Role
from manyi.errors import Conflict, InvalidInput
from manyi.storage.alert_rules import rule_rows
from manyi.storage.database import Database
from manyi.storage.tables import FeedbackItemRow, ResponseRow
from manyi.workflow.alerts import create_rule, evaluate_items
from manyi.workflow.case_updates import update_case
from manyi.workflow.cases import Actor, get_case
from manyi.workflow.config import WorkflowConfig
from manyi.workflow.escalation import escalate_breached
from manyi.workflow.metric_alerts import evaluate_metric_rules

DEMO_ACTOR = Actor(None, "demo")
#: (e-mail, department code, name): two agents per department for round-robin.
AGENTS = [
    ("care1@example.com", "CS", "客服 张敏 Zhang Min"),
    ("care2@example.com", "CS", "客服 李娜 Li Na"),
    ("delivery2@example.com", "LOG", "配送 王强 Wang Qiang"),
    ("repair1@example.com", "INS", "维修 赵磊 Zhao Lei"),
    ("store1@example.com", "STO", "门店 陈静 Chen Jing"),
    ("app1@example.com", "ECO", "电商 刘洋 Liu Yang"),
    ("billing1@example.com", "FIN", "财务 周婷 Zhou Ting"),
]
MANAGERS = [
    ("log.manager@example.com", "LOG", "配送经理 Delivery manager"),
    ("cs.manager@example.com", "CS", "客服经理 Care manager"),
]
RULES: list[tuple[str, str, list[dict[str, Any]], dict[str, Any]]] = [
    (
        "贬损者开单 Detractors open a case",
        "response",
        [{"kind": "nps_at_most", "value": 4}],
        {"open_case": True, "importance": 2, "urgency": 2, "tag": "detractor"},
    ),
    (
        "金卡客户不满 Unhappy gold customers",
        "response",
        [{"kind": "nps_at_most", "value": 6}, {"kind": "tier", "in": ["金卡"]}],
        {
            "open_case": True,
            "importance": 3,
            "urgency": 3,
            "notify_department": True,
            "tag": "gold",
        },
    ),
    (
        "低分投诉 Complaints rated 1",
        "feedback",
        [{"kind": "rating_at_most", "value": 1}],
        {"open_case": True, "importance": 2, "urgency": 3},
    ),
    (
        "提到退款或投诉 Mentions refund or complaint",
        "feedback",
        [{"kind": "keywords", "any": ["退款", "投诉", "refund"]}],
        {"open_case": False, "tag": "escalation-words"},
    ),
    (
        "NPS 显著下降 NPS drops",
        "metric",
        [{"kind": "metric_drop", "metric": "nps", "days": 30, "route_to": "LOG"}],
        {"open_case": True, "importance": 3, "urgency": 2, "notify_department": True},
    ),
]
#: How the delivery incident's metric case was resolved (demo/timeline.py: the plan).
INCIDENT_RESOLUTION = (
    "LOGI-DELAY",
    "更换配送合作方并签订服务水平协议 New delivery partner with a service-level agreement",
)
#: Root causes the demo's resolved cases draw from, with the solution agreed.
RESOLUTIONS = [
    ("LOGI-DELAY", "重新安排配送并补偿 20 元优惠券 Re-delivered, 20 yuan coupon"),
    ("STAFF-ATTITUDE", "主管致电道歉，已对员工进行服务培训 Apology call, staff coached"),
    ("SYS-FAILURE", "修复应用支付故障并退还手续费 App payment bug fixed, fee refunded"),
    ("PRICE-BILLING", "核对账单，退还多收费用 Bill checked, overcharge refunded"),
    ("PROD-DEFECT", "上门更换零件 Part replaced on site"),
    ("CUSTOMER-EXPECT", "解释服务承诺，客户接受 Explained the promise; customer accepted"),
]


def _people(db: Database, password: str) -> None:
    for email, dep, name in AGENTS:
        try:
            create_user(db, email, password, Role.AGENT, name=name, department=dep)
        except (Conflict, InvalidInput):
            continue
    for email, dep, name in MANAGERS:
        try:
            create_user(db, email, password, Role.MANAGER, name=name, department=dep)
        except (Conflict, InvalidInput):
            continue


def _recent(
    db: Database, since: datetime
) -> tuple[list[tuple[int, datetime]], list[tuple[int, datetime]]]:
    with db.session() as s:
        responses = s.execute(
            select(ResponseRow.id, ResponseRow.submitted_at)
            .where(ResponseRow.source == "demo", ResponseRow.submitted_at >= since)
            .order_by(ResponseRow.submitted_at)
        ).all()
        feedback = s.execute(
            select(FeedbackItemRow.id, FeedbackItemRow.occurred_at)
            .where(FeedbackItemRow.source == "demo", FeedbackItemRow.occurred_at >= since)
            .order_by(FeedbackItemRow.occurred_at)
        ).all()
    return [(i, t) for i, t in responses], [(i, t) for i, t in feedback]


def load_cases_demo(
    db: Database, *, end: date, password: str, days: int = 21, seed: int = 7
) -> int:
    """Store the demo rules and people, and open and work the cases of the last ``days``
    days; returns the number of cases opened (0 on a second run)."""
    with db.session() as s:
        if any(r.name == RULES[0][0] for r in rule_rows(s)):
            return 0
    _people(db, password)
    for name, applies_to, conditions, actions in RULES:
        create_rule(
            db,
            name=name,
            applies_to=applies_to,
            conditions=conditions,
            actions=actions,
            actor=DEMO_ACTOR,
        )
    config = WorkflowConfig()
    now = datetime(end.year, end.month, end.day, 9)
    responses, feedback = _recent(db, now - timedelta(days=days))
    opened: list[int] = []
    # Each item evaluated at the moment it arrived: cases carry their true opening time.
    for kind, items in (("response", responses), ("feedback", feedback)):
        for item_id, at in items:
            opened += evaluate_items(db, kind, [item_id], config, at=at)  # type: ignore[arg-type]
    rng = random.Random(seed)
    for case_id in opened:
        case, _ = get_case(db, case_id)
        age = now - case.opened_at
        if age < timedelta(days=2) or rng.random() < 0.2:
            continue  # recent ones (and a few old ones, now overdue) are still open
        agent = Actor(case.assignee_id, "demo-agent")
        start = case.opened_at + timedelta(hours=rng.choice([1, 2, 3, 20]))
        case = update_case(db, case_id, case.version, agent, config, state="acknowledged", at=start)
        code, solution = RESOLUTIONS[rng.randrange(len(RESOLUTIONS))]
        if case.aspect and "deliver" in case.aspect:
            code, solution = RESOLUTIONS[0]
        done = start + timedelta(hours=rng.choice([4, 8, 30, 60]))
        case = update_case(
            db,
            case_id,
            case.version,
            agent,
            config,
            state="resolved",
            root_cause_code=code,
            solution=solution,
            at=done,
        )
        if rng.random() < 0.6:
            update_case(
                db,
                case_id,
                case.version,
                agent,
                config,
                state="closed",
                follow_up_note="回访：客户确认问题已解决 Follow-up: customer confirms it is solved",
                at=done + timedelta(days=1),
            )
    opened += _metric_case(db, end, config)
    escalate_breached(db, now)
    return len(opened)


def _metric_case(db: Database, end: date, config: WorkflowConfig) -> list[int]:
    """The metric rule as the hourly job ran it on the day the plan took effect: the
    NPS of the incident's first weeks against the month before (the relationship NPS
    survey is asked at follow-up, so the company's NPS, not the delivery touchpoint's);
    its case, in logistics, is resolved when the incident ends."""
    window = demo_window(end)
    at = datetime.combine(window.plan_effective, time(9))
    run = evaluate_metric_rules(db, config, at)
    for case_id in run.cases:
        case, _ = get_case(db, case_id)
        manager = Actor(case.assignee_id, "demo-manager")
        case = update_case(db, case_id, case.version, manager, config, state="acknowledged", at=at)
        code, solution = INCIDENT_RESOLUTION
        update_case(
            db,
            case_id,
            case.version,
            manager,
            config,
            state="resolved",
            root_cause_code=code,
            solution=solution,
            at=datetime.combine(window.incident_end, time(10)),
        )
    return run.cases

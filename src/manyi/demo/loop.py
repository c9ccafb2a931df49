"""Demo data of the closed loop's far end: improvement plans (one on delivery after the
incident, with its measured effect), incentive points and a webhook subscription.

The delivery plan is the one the story of the demo tells (:mod:`manyi.demo.timeline`):
the delivery partner failed, the plan (a new partner with a service-level agreement)
took effect on ``plan_effective``, and the CSAT of delivery episodes recovered against
the other touchpoints; its page shows that effect measured. The webhook subscription
points at localhost and is disabled, so the demo never sends anything anywhere.
Idempotent: a second run finds the plans by title and adds nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from manyi.accounts.service import User
from manyi.demo.timeline import demo_window
from manyi.errors import NotFound
from manyi.storage.accounts import user_by_email
from manyi.storage.database import Database
from manyi.storage.organisation import department_ids
from manyi.storage.plans import plan_rows
from manyi.storage.scorecards import points_entries
from manyi.storage.surveys import survey_id_by_code
from manyi.workflow.plan_effect import MetricSpec
from manyi.workflow.plans import (
    MilestoneIn,
    PlanIn,
    create_plan,
    set_milestone,
    set_publication,
    set_status,
)
from manyi.workflow.scorecards import award_points
from manyi.workflow.webhooks import create_subscription, list_subscriptions

DELIVERY_PLAN = "更换配送承运商并签订服务水平协议 New delivery partner with an SLA"
HOTLINE_PLAN = "高峰时段热线增加坐席 More hotline agents at peak hours"
DEMO_WEBHOOK = "http://127.0.0.1:9/manyi-demo-webhook"


def _day(value: date) -> datetime:
    return datetime(value.year, value.month, value.day)


def load_loop_demo(
    db: Database,
    *,
    admin: User,
    manager_id: int | None,
    incident_start: date,
    plan_effective: date,
) -> int:
    """Store the demo plans, points and webhook; returns the number of plans added."""
    with db.session() as s:
        existing = {row.title for row in plan_rows(s)}
        csat_survey = survey_id_by_code(s, "demo-csat")
        deps = department_ids(s)
    added = 0
    owner = manager_id or admin.id
    if DELIVERY_PLAN not in existing and csat_survey is not None:
        plan = create_plan(
            db,
            PlanIn(
                title=DELIVERY_PLAN,
                problem="配送延误和货损投诉在事故后激增；客户说“等了一周还没到”。"
                " Late and damaged deliveries after the partner failed.",
                root_cause="原承运商运力不足且无服务水平协议；更换承运商，约定 48 小时送达。"
                " The partner lacked capacity and had no SLA; a new partner with a 48-hour SLA.",
                source_kind="driver",
                source_ref="drv_delivery",
                metric=MetricSpec(
                    metric_kind="mean",
                    survey_id=csat_survey,
                    question="csat",
                    item="",
                    aspect=None,
                    threshold=None,
                    segment_key="touchpoint",
                    treated=("delivery",),
                    control=(),
                    change_at=plan_effective,
                    before_days=28,
                    after_days=28,
                    target_value=3.8,
                ),
                deadline=_day(plan_effective + timedelta(days=14)),
                owner_id=owner,
                department_ids=tuple(d for code, d in deps.items() if code == "LOG"),
                milestones=(
                    MilestoneIn(
                        "评估替代承运商 Assess partners", _day(incident_start + timedelta(days=10))
                    ),
                    MilestoneIn("签订服务水平协议 Sign the SLA", _day(plan_effective)),
                    MilestoneIn(
                        "司机培训 Driver training", _day(plan_effective + timedelta(days=7))
                    ),
                ),
            ),
            actor=admin,
        )
        for milestone in plan.milestones:
            set_milestone(db, plan.id, milestone.id, True, actor=admin)
        plan = set_status(db, plan.id, plan.version, "done", actor=admin)
        set_publication(db, plan.id, plan.version, published=True, public=True, actor=admin)
        added += 1
    if HOTLINE_PLAN not in existing:
        create_plan(
            db,
            PlanIn(
                title=HOTLINE_PLAN,
                problem="热线高峰等待时间长。Long waits on the hotline at peak hours.",
                root_cause="晚间排班不足。Too few agents on the evening shift.",
                source_kind="topic",
                source_ref="waiting_time",
                metric=MetricSpec(
                    metric_kind="negative_share",
                    survey_id=None,
                    question=None,
                    item="",
                    aspect="waiting_time",
                    threshold=None,
                    segment_key=None,
                    treated=(),
                    control=(),
                    change_at=None,
                    before_days=28,
                    after_days=28,
                    target_value=20.0,
                ),
                deadline=_day(plan_effective + timedelta(days=150)),
                owner_id=owner,
                department_ids=tuple(d for code, d in deps.items() if code == "CS"),
                milestones=(MilestoneIn("调整排班 New shift plan"), MilestoneIn("招聘 Hiring")),
            ),
            actor=admin,
        )
        added += 1
    if added:
        _points(db, admin, deps)
    if not any(s.url == DEMO_WEBHOOK for s in list_subscriptions(db)):
        create_subscription(
            db, url=DEMO_WEBHOOK, events=["case-opened", "case-escalated", "plan-created"],
            description="演示：本地接收端（已停用） Demo: local receiver (disabled)",
            active=False, actor_user_id=admin.id,
        )  # fmt: skip
    return added


def _points(db: Database, admin: User, deps: dict[str, int]) -> None:
    with db.session() as s:
        if points_entries(s, limit=1):
            return
    for code, points, reason in (
        ("LOG", 200, "配送整改按期完成 Delivery plan done on time"),
        ("CS", 80, "回访率达标 Follow-up rate on target"),
    ):
        if code in deps:
            award_points(db, holder_kind="department", holder_id=deps[code], points=points,
                         reason=reason, subject_kind="plan", actor=admin)  # fmt: skip
    for customer_id in range(1, 6):  # thanks for feedback: 10 points each (coupon value)
        try:
            award_points(db, holder_kind="customer", holder_id=customer_id, points=10,
                         reason="反馈奖励 Thanks for your feedback", actor=admin)  # fmt: skip
        except NotFound:  # a smaller demo company: fewer customers
            break


def load_loop_for(db: Database, *, admin_email: str, end: date) -> int:
    """:func:`load_loop_demo` for the demo loader: the users it made, the incident dates."""
    window = demo_window(end)
    with db.session() as s:
        admin_row = user_by_email(s, admin_email)
        manager_row = user_by_email(s, "manager@example.com")
        admin = User.from_row(admin_row) if admin_row else None
        manager_id = manager_row.id if manager_row else None
    if admin is None:
        return 0
    return load_loop_demo(
        db,
        admin=admin,
        manager_id=manager_id,
        incident_start=window.incident_start,
        plan_effective=window.plan_effective,
    )

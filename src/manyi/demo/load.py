"""Persisting the demo data set (``manyi demo``) through the ordinary intake pipeline.

The generator in this package is pure; this module stores its output with the same
validation, cleaning and quality flags that real responses get, so the demo shows
what the product really does. Loading is idempotent: every generated row has a stable
key, and a second run adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from manyi.accounts.service import create_user
from manyi.demo.cases import load_cases_demo
from manyi.demo.company import generate_company
from manyi.demo.feedback import generate_feedback
from manyi.demo.loop import load_loop_for
from manyi.demo.responses import generate_responses
from manyi.demo.surveys import SURVEY_KEYS, survey_definition
from manyi.domain.enums import Role
from manyi.errors import Conflict
from manyi.ingestion.feedback import FeedbackIn
from manyi.ingestion.pipeline import Enqueue, FeedbackBatch, IntakeOptions, ResponseBatch, record
from manyi.ingestion.responses import ResponseIn
from manyi.storage.database import Database
from manyi.storage.feedback import count_feedback
from manyi.storage.organisation import (
    department_ids,
    insert_channels,
    insert_departments,
    insert_touchpoints,
)
from manyi.storage.references import count_customers, insert_customers
from manyi.storage.responses import count_responses
from manyi.storage.surveys import survey_id_by_code
from manyi.storage.types import utcnow
from manyi.surveys.service import create_survey

BATCH = 2000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoSummary:
    surveys: dict[str, int]
    responses: int
    flagged: int
    feedback_items: int
    customers: int
    admin_email: str
    admin_created: bool

    def describe(self) -> str:
        ids = ", ".join(f"{k}={v}" for k, v in self.surveys.items())
        return (
            f"demo data: surveys {ids}; {self.responses:,} responses ({self.flagged:,} flagged for quality), "
            f"{self.feedback_items:,} feedback items, {self.customers:,} customers; admin login {self.admin_email}"
            + ("" if self.admin_created else " (already existed)")
        )


def _reference_data(db: Database, seed: int) -> Any:
    company = generate_company(seed)
    with db.session() as s:
        insert_departments(
            s,
            [
                {"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en, "created_at": utcnow()}
                for d in company.departments
            ],
        )
        deps = department_ids(s)
        insert_channels(
            s,
            [
                {"code": c.code, "kind": c.kind.value, "name_zh": c.name_zh, "name_en": c.name_en}
                for c in company.channels
            ],
        )
        insert_touchpoints(
            s,
            [
                {
                    "code": t.code,
                    "stage": t.stage.value,
                    "name_zh": t.name_zh,
                    "name_en": t.name_en,
                    "department_id": deps.get(t.department),
                }
                for t in company.touchpoints
            ],
        )
        rows = [
            {
                "external_id": c.external_id,
                "name": c.name,
                "phone": c.phone,
                "email": c.email,
                "segments": {
                    "region": c.region,
                    "tier": c.tier,
                    "product": c.product,
                    "language": c.language,
                    "incentivised": c.incentivised,
                },
                "consent_contact": c.consent_contact,
                "consent_research": c.consent_research,
                "created_at": utcnow(),
            }
            for c in company.customers
        ]
        for start in range(0, len(rows), BATCH):
            insert_customers(s, rows[start : start + BATCH])
    return company


def _surveys(db: Database) -> dict[str, int]:
    ids: dict[str, int] = {}
    for key in SURVEY_KEYS:
        code = f"demo-{key}"
        with db.session() as s:
            existing = survey_id_by_code(s, code)
        ids[key] = (
            existing
            if existing is not None
            else create_survey(db, survey_definition(key), code=code, status="active").id
        )
    return ids


def _users(db: Database, email: str, password: str) -> bool:
    created = False
    people = [
        (email, Role.ADMIN, None, "演示管理员 Demo admin"),
        ("manager@example.com", Role.MANAGER, None, "质量经理 Quality manager"),
        ("analyst@example.com", Role.ANALYST, None, "分析师 Analyst"),
        ("delivery@example.com", Role.AGENT, "LOG", "配送主管 Delivery lead"),
    ]
    for who, role, department, name in people:
        try:
            create_user(db, who, password, role, name=name, department=department)
            created = created or who == email
        except Conflict:
            continue
    return created


def load_demo(
    db: Database,
    *,
    seed: int = 42,
    n_responses: int = 20_000,
    n_feedback: int = 10_000,
    end: date | None = None,
    admin_email: str = "admin@example.com",
    admin_password: str = "manyi-demo",
    progress: Progress | None = None,
    enqueue: Enqueue | None = None,
) -> DemoSummary:
    """Store the demo company, surveys, responses and feedback; a second run adds nothing.

    Everything goes through the intake pipeline; ``enqueue`` asks the job queue to enrich
    the stored text (``manyi demo`` passes the queue, so a running worker starts at once).

    ``end`` (default: today) is the last day of the 18 months of generated history, so
    the home page's "last 30 days" always has data.
    """
    end = end or utcnow().date()
    company = _reference_data(db, seed)
    survey_ids = _surveys(db)
    customers = company.customers
    responses = generate_responses(seed=seed, n=n_responses, end=end, company=company)
    feedback = generate_feedback(seed=seed, n=n_feedback, end=end, company=company)
    total = len(responses) + len(feedback)
    done = 0
    # The demo is history: its surveys may be closed, and it stores no raw personal data.
    options = IntakeOptions(source="demo", require_active=False, keep_raw_text=False)
    for start in range(0, len(responses), BATCH):
        chunk = responses[start : start + BATCH]
        by_survey: dict[str, list[ResponseIn]] = {}
        for offset, r in enumerate(chunk):
            by_survey.setdefault(r.survey_key, []).append(
                ResponseIn(
                    answers=r.answers,
                    customer=customers[r.customer_index].external_id
                    if r.customer_index is not None
                    else None,
                    channel=r.channel,
                    touchpoint=r.touchpoint,
                    started_at=r.started_at,
                    submitted_at=r.submitted_at,
                    language=r.language,
                    metadata=dict(r.metadata),
                    consent=True,
                    external_key=f"demo:{seed}:{start + offset}",
                )
            )
        for key, items in by_survey.items():
            record(db, ResponseBatch(survey_ids[key], items), options, enqueue=enqueue)
        done += len(chunk)
        if progress:
            progress(done, total)
    for start in range(0, len(feedback), BATCH):
        chunk_f = feedback[start : start + BATCH]
        items_f = [
            FeedbackIn(
                text=f.text,
                kind=f.kind,
                rating=f.rating,
                customer=customers[f.customer_index].external_id
                if f.customer_index is not None
                else None,
                channel=f.channel,
                touchpoint=f.touchpoint,
                department=f.department,
                occurred_at=f.occurred_at,
                external_id=f"demo:{seed}:{start + offset}",
                metadata={"language": f.language},
            )
            for offset, f in enumerate(chunk_f)
        ]
        record(db, FeedbackBatch(items_f), options, enqueue=enqueue)
        done += len(chunk_f)
        if progress:
            progress(done, total)
    admin_created = _users(db, admin_email, admin_password)
    # Plans (one on delivery after the incident), points, a disabled webhook (demo/loop.py).
    load_loop_for(db, admin_email=admin_email, end=end)
    # Alert rules, agents, and the cases they opened on recent detractors (demo/cases.py).
    load_cases_demo(db, end=end, password=admin_password)
    with db.session() as s:
        n_resp = count_responses(s, source="demo")
        flagged = count_responses(s, source="demo", flagged_only=True)
        n_fb = count_feedback(s, source="demo")
        n_cust = count_customers(s)
    return DemoSummary(survey_ids, n_resp, flagged, n_fb, n_cust, admin_email, admin_created)

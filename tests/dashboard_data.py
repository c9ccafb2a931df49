"""A small data set for the overview dashboard's tests (service, API, browser).

Two departments (LOG with touchpoint ``delivery``, CARE with ``hotline``), one survey
asking NPS, CSAT (1–5), CES (1–7), two indicator ratings and a comment, answered from
March to August 2026; in June the NPS drops sharply (a planted incident, like the demo's
delivery incident). Every generated answer is returned, so tests compute the expected
numbers with ``manyi.stats`` on these raw rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from factories import make_survey, survey_definition
from manyi.accounts.service import create_department
from manyi.ingestion.pipeline import IntakeOptions, ResponseBatch, record
from manyi.ingestion.responses import ResponseIn
from manyi.storage.database import Database
from manyi.storage.tables import ChannelRow, CustomerRow, TouchpointRow

MONTHS = (3, 4, 5, 6, 7, 8)
INCIDENT_MONTH = 6
PER_MONTH = 40  # per touchpoint


@dataclass(frozen=True)
class Row:
    submitted_at: datetime
    touchpoint: str
    region: str
    nps: int
    csat: int
    ces: int
    speed: int
    staff: int
    comment: str


@dataclass(frozen=True)
class DashboardData:
    survey_id: int
    departments: dict[str, int]
    rows: list[Row]


def dashboard_questions() -> list[dict[str, object]]:
    base = {q["code"]: q for q in survey_definition()["questions"]}
    return [
        base["nps"],
        base["csat"],
        {
            "code": "ces",
            "kind": "ces",
            "text": {"zh-CN": "办事容易吗？", "en": "Was it easy?"},
            "scale": {"min": 1, "max": 7},
        },
        {**base["speed"], "indicator": "SPEED"},
        {**base["staff"], "indicator": "STAFF", "scale": {"min": 1, "max": 10}},
        base["comment"],
    ]


def make_dashboard_data(db: Database, seed: int = 11) -> DashboardData:
    departments = {
        "LOG": create_department(db, "LOG", "物流配送", "Logistics"),
        "CARE": create_department(db, "CARE", "客服中心", "Customer care"),
    }
    with db.session() as s:
        s.add(ChannelRow(code="app", kind="app", name_zh="App", name_en="App"))
        s.add(
            TouchpointRow(
                code="delivery",
                stage="delivery",
                name_zh="配送",
                name_en="Delivery",
                department_id=departments["LOG"],
            )
        )
        s.add(
            TouchpointRow(
                code="hotline",
                stage="service",
                name_zh="热线",
                name_en="Hotline",
                department_id=departments["CARE"],
            )
        )
    survey = make_survey(db, questions=dashboard_questions())
    rng = np.random.default_rng(seed)
    rows: list[Row] = []
    items: list[ResponseIn] = []
    k = 0
    for month in MONTHS:
        for touchpoint in ("delivery", "hotline"):
            bad = month == INCIDENT_MONTH and touchpoint == "delivery"
            nps_p = (
                [0.25, 0.05, 0.05, 0.05, 0.05, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1]
                if bad
                else [0.01, 0.01, 0.01, 0.02, 0.02, 0.03, 0.05, 0.1, 0.15, 0.3, 0.3]
            )
            for i in range(PER_MONTH):
                k += 1
                when = datetime(2026, month, 1 + (i % 27), 8 + i % 12, i % 60)
                nps = int(rng.choice(11, p=nps_p))
                row = Row(
                    submitted_at=when,
                    touchpoint=touchpoint,
                    region=("华东", "华南")[k % 2],
                    nps=nps,
                    csat=int(rng.integers(1 if bad else 2, 6)),
                    ces=int(rng.integers(1 if bad else 3, 8)),
                    speed=int(rng.integers(1 if bad else 2, 6)),
                    staff=int(rng.integers(3, 11)),
                    comment=("送货太慢了，等了好几天" if bad else "服务不错") + f"（第{k}单）",
                )
                rows.append(row)
                items.append(
                    ResponseIn(
                        answers={
                            "nps": row.nps,
                            "csat": row.csat,
                            "ces": row.ces,
                            "speed": row.speed,
                            "staff": row.staff,
                            "comment": row.comment,
                        },
                        customer=f"C{k:04d}",
                        customer_segments={"region": row.region},
                        channel="app",
                        touchpoint=touchpoint,
                        started_at=when - timedelta(minutes=3),
                        submitted_at=when,
                        language="zh-CN",
                        external_key=f"dash-{k}",
                    )
                )
    # Customers first, with their segments and names (intake keeps an existing customer).
    with db.session() as s:
        for n, item in enumerate(items, start=1):
            s.add(
                CustomerRow(
                    external_id=item.customer, name=f"顾客{n}号", segments=item.customer_segments
                )
            )
    record(
        db, ResponseBatch(survey.id, items), IntakeOptions(source="import", require_active=False)
    )
    return DashboardData(survey.id, departments, rows)

"""A small organisation with data in several departments, for scoping tests.

    hq ─┬─ east ── east_a
        └─ west

Touchpoints ``tp_east``, ``tp_east_a``, ``tp_west`` belong to those departments and
``tp_none`` to none. One response per touchpoint and one feedback item per department
(plus one without a department); every text carries a phone number, so the stored text
is redacted and the original kept for roles with personal-data access.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from factories import good_answers, make_survey
from manyi.accounts.scope import set_department_parent
from manyi.accounts.service import create_department, create_token, create_user
from manyi.domain.enums import Role
from manyi.ingestion.feedback import FeedbackIn
from manyi.ingestion.pipeline import FeedbackBatch, ResponseBatch, record
from manyi.ingestion.responses import ResponseIn
from manyi.storage.database import Database
from manyi.storage.tables import TouchpointRow
from manyi.storage.types import utcnow

PASSWORD = "correct horse battery"
PHONE = "13812345678"
DEPARTMENTS = ("hq", "east", "east_a", "west")
TOUCHPOINTS = {"tp_east": "east", "tp_east_a": "east_a", "tp_west": "west", "tp_none": None}


@dataclass(frozen=True)
class ScopedData:
    survey_id: int
    department_ids: dict[str, int]
    #: touchpoint code -> response id
    responses: dict[str, int]
    #: department code ("" for none) -> feedback id
    feedback: dict[str, int]


def make_scoped_data(db: Database) -> ScopedData:
    ids = {code: create_department(db, code, code.upper(), code.upper()) for code in DEPARTMENTS}
    set_department_parent(db, "east", "hq")
    set_department_parent(db, "west", "hq")
    set_department_parent(db, "east_a", "east")
    with db.session() as s:
        for code, department in TOUCHPOINTS.items():
            s.add(
                TouchpointRow(
                    code=code,
                    stage="after_sales",
                    name_zh=code,
                    name_en=code,
                    department_id=ids[department] if department else None,
                )
            )
    survey = make_survey(db)
    when = utcnow() - timedelta(days=1)
    items = [
        ResponseIn(
            answers=good_answers(comment=f"{tp} 师傅来晚了，请回电 {PHONE}"),
            touchpoint=tp,
            submitted_at=when,
            external_key=tp,
        )
        for tp in TOUCHPOINTS
    ]
    stored = record(db, ResponseBatch(survey.id, items)).stored
    responses = {tp: r.id for tp, r in zip(TOUCHPOINTS, stored, strict=True)}
    feedback_items = [
        FeedbackIn(
            text=f"{code or 'none'} 送货太慢，请回电 {PHONE}",
            kind="complaint",
            department=code or None,
            occurred_at=when,
            external_id=f"fb-{code or 'none'}",
        )
        for code in (*DEPARTMENTS, "")
    ]
    recorded = record(db, FeedbackBatch(feedback_items)).stored
    feedback = {code: r.id for code, r in zip((*DEPARTMENTS, ""), recorded, strict=True)}
    return ScopedData(survey.id, ids, responses, feedback)


def make_scoped_user(
    db: Database, role: Role, department: str | None, email: str | None = None
) -> tuple[str, str]:
    """A user of ``role`` in ``department``: (e-mail, API token)."""
    email = email or f"{role.value}.{department or 'all'}@example.com"
    create_user(db, email, PASSWORD, role, department=department)
    return email, create_token(db, email)

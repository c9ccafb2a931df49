"""Factory functions for tests: small valid surveys, users and tokens."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from manyi.accounts.service import create_department, create_token, create_user
from manyi.domain.enums import Role
from manyi.storage.database import Database
from manyi.storage.tables import ChannelRow, TouchpointRow
from manyi.surveys.service import Survey, create_survey


def survey_definition(**overrides: Any) -> dict[str, Any]:
    definition: dict[str, Any] = {
        "title": {"zh-CN": "服务满意度调查", "en": "Service satisfaction survey"},
        "expected_seconds": 60,
        "questions": [
            {
                "code": "nps",
                "kind": "nps",
                "text": {
                    "zh-CN": "您向朋友推荐我们的可能性有多大？",
                    "en": "How likely are you to recommend us?",
                },
                "required": True,
            },
            {
                "code": "csat",
                "kind": "csat",
                "text": {"zh-CN": "您对本次服务满意吗？", "en": "How satisfied are you?"},
            },
            {
                "code": "speed",
                "kind": "rating",
                "text": {"zh-CN": "响应速度", "en": "Speed"},
                "dimension": "responsiveness",
            },
            {
                "code": "staff",
                "kind": "rating",
                "text": {"zh-CN": "员工态度", "en": "Staff attitude"},
            },
            {
                "code": "price",
                "kind": "rating",
                "text": {"zh-CN": "价格透明", "en": "Price transparency"},
            },
            {
                "code": "app",
                "kind": "rating",
                "text": {"zh-CN": "App 易用", "en": "App ease of use"},
            },
            {
                "code": "grid",
                "kind": "matrix",
                "text": "各项评价",
                "rows": [{"code": "a", "text": "准时"}, {"code": "b", "text": "专业"}],
            },
            {
                "code": "type",
                "kind": "single",
                "text": "服务类型",
                "options": [
                    {"code": "install", "text": {"zh-CN": "安装", "en": "Installation"}},
                    {"code": "repair", "text": {"zh-CN": "维修", "en": "Repair"}},
                ],
            },
            {
                "code": "good",
                "kind": "multiple",
                "text": "做得好的方面",
                "options": [
                    {"code": "fast", "text": "快"},
                    {"code": "clean", "text": "干净"},
                    {"code": "polite", "text": "礼貌"},
                ],
            },
            {
                "code": "rank",
                "kind": "ranking",
                "text": "重要性排序",
                "options": [{"code": "price", "text": "价格"}, {"code": "speed", "text": "速度"}],
            },
            {
                "code": "sq1",
                "kind": "servqual",
                "text": "设备现代化",
                "dimension": "tangibles",
                "importance": True,
            },
            {"code": "k1", "kind": "kano", "text": "上门前短信提醒"},
            {
                "code": "comment",
                "kind": "open",
                "text": {"zh-CN": "还有什么建议？", "en": "Anything else?"},
            },
        ],
    }
    definition.update(overrides)
    return definition


def good_answers(**overrides: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "nps": 9,
        "csat": 4,
        "speed": 4,
        "staff": 5,
        "price": 3,
        "app": 4,
        "grid": {"a": 4, "b": 5},
        "type": "repair",
        "good": ["fast", "polite"],
        "rank": ["speed", "price"],
        "sq1": {"expectation": 6, "perception": 5, "importance": 7},
        "k1": {"functional": "like", "dysfunctional": "能忍受"},
        "comment": "师傅很专业，就是来晚了半小时。",
    }
    answers.update(overrides)
    return answers


def make_survey(db: Database, status: str = "active", **overrides: Any) -> Survey:
    return create_survey(db, survey_definition(**overrides), status=status)


def make_reference_data(db: Database) -> None:
    dep = create_department(db, "care", "客服中心", "Customer care")
    with db.session() as s:
        s.add(ChannelRow(code="web", kind="web", name_zh="网页", name_en="Web"))
        s.add(ChannelRow(code="sms", kind="sms", name_zh="短信", name_en="SMS"))
        s.add(
            TouchpointRow(
                code="repair",
                stage="after_sales",
                name_zh="报修",
                name_en="Repair",
                department_id=dep,
            )
        )


def make_user_token(db: Database, role: Role = Role.ADMIN, email: str = "admin@example.com") -> str:
    create_user(db, email, "correct horse battery", role)
    return create_token(db, email)


def sign_in(
    client: Any, email: str = "admin@example.com", password: str = "correct horse battery"
) -> Any:
    """Sign ``client`` (a TestClient) in through the login form, CSRF token included."""
    import re

    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    if token is None:
        raise AssertionError("the login page has no CSRF token")
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token.group(1)}
    )


def signed_in_client(db: Database, data_dir: Any) -> Any:
    """An app client on ``db`` with the factory admin (make_user_token) signed in."""
    from fastapi.testclient import TestClient

    from manyi.app import create_app
    from manyi.config import Settings

    make_user_token(db)
    client = TestClient(create_app(Settings(environment="test", data_dir=data_dir), db))
    sign_in(client)
    return client


class Outbox:
    """A mail transport that keeps what it is given (the SMTP path has its own tests)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        self.messages.append(message)


#: A department name that is markup: every report and page must show it as text.
HOSTILE_DEPARTMENT = '<script>alert("x")</script>恶意部'


def make_report_data(db: Database) -> int:
    """Departments LOG (物流配送部) and EVIL (a name that is markup), a delivery touchpoint
    in each, and an NPS/CSAT/comment survey answered in October and November 2026 (fewer
    promoters in November). Returns the survey id."""
    from datetime import datetime

    from manyi.ingestion.responses import ResponseIn, record_response

    log = create_department(db, "LOG", "物流配送部", "Logistics")
    evil = create_department(db, "EVIL", HOSTILE_DEPARTMENT, HOSTILE_DEPARTMENT)
    with db.session() as s:
        s.add(ChannelRow(code="portal", kind="web", name_zh="门户", name_en="Portal"))
        for code, dep in (("delivery", log), ("evil_desk", evil)):
            s.add(
                TouchpointRow(
                    code=code, stage="delivery", name_zh=code, name_en=code, department_id=dep
                )
            )
    questions = survey_definition()["questions"]
    survey = make_survey(
        db, questions=[q for q in questions if q["code"] in ("nps", "csat", "comment")]
    )
    comments = ["送货太慢了，等了三天。", "师傅很专业，安装很快。", "客服电话打不通。"]
    months = {10: [10, 9, 9, 8, 7, 10, 9, 6, 9, 10, 3, 9], 11: [9, 6, 5, 3, 10, 7, 2, 8, 9, 4]}
    for month, scores in months.items():
        for i, score in enumerate(scores):
            for touchpoint in ("delivery", "evil_desk"):
                record_response(
                    db,
                    survey.id,
                    ResponseIn(
                        answers={
                            "nps": score,
                            "csat": 1 + score // 2.5,
                            "comment": f"{comments[i % 3]}（订单 {month}-{i}-{touchpoint[0]}）",
                        },
                        channel="portal",
                        touchpoint=touchpoint,
                        submitted_at=datetime(2026, month, 3 + i, 10, 0),
                        external_key=f"{touchpoint}-{month}-{i}",
                    ),
                )
    return survey.id

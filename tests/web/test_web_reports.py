"""/reports (issue #11): one-click executive reports as PDF or page, a report of any
period, schedules created and paused by report managers only, each user held to the
departments they see, stored names escaped."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from factories import HOSTILE_DEPARTMENT, make_report_data, sign_in
from manyi.accounts.service import create_user
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.storage.database import Database

PASSWORD = "correct horse battery"


def client_for(
    db: Database, tmp_path: Path, role: Role, department: str | None = None
) -> TestClient:
    email = f"{role.value}-{department or 'all'}@example.com"
    create_user(db, email, PASSWORD, role, department=department)
    client = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    sign_in(client, email)
    return client


def csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_an_admin_downloads_the_company_executive_report(db: Database, tmp_path: Path) -> None:
    make_report_data(db)
    client = client_for(db, tmp_path, Role.ADMIN)
    page = client.get("/reports?lang=zh-CN")
    assert page.status_code == 200
    assert "一键" in page.text or "One-click" in page.text
    assert 'href="/reports/make?kind=executive&amp;period=month&amp;format=pdf"' in page.text
    made = client.get("/reports/make?kind=executive&period=2026-11&format=pdf&report_lang=zh-CN")
    assert made.status_code == 200
    assert made.headers["content-type"] == "application/pdf"
    assert "manyi-executive-company-2026-11.pdf" in made.headers["content-disposition"]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(made.content)).pages)
    assert "净推荐值" in text
    assert len(PdfReader(io.BytesIO(made.content)).pages) == 1, "the executive report is one page"
    shown = client.get("/reports/make?kind=report&period=2026-11&format=html&report_lang=en")
    assert shown.status_code == 200 and shown.headers["content-type"].startswith("text/html")
    assert "Monthly report: whole company" in shown.text
    assert "<h2>Cases and improvement plans</h2>" in shown.text


def test_a_hostile_department_name_is_text_in_the_page_and_the_report(
    db: Database, tmp_path: Path
) -> None:
    make_report_data(db)
    client = client_for(db, tmp_path, Role.ADMIN)
    page = client.get("/reports")
    assert HOSTILE_DEPARTMENT not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;恶意部" in page.text
    shown = client.get("/reports/make?department=EVIL&period=2026-11&format=html&kind=report")
    assert shown.status_code == 200
    assert "<script>" not in shown.text
    assert "&lt;script&gt;" in shown.text
    pdf = client.get("/reports/make?department=EVIL&period=2026-11&format=pdf&kind=report")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "恶意部" in text and 'alert("x")' in text, "shown as the text it is"


def test_an_agent_makes_reports_of_their_own_department_only(db: Database, tmp_path: Path) -> None:
    make_report_data(db)
    client = client_for(db, tmp_path, Role.AGENT, "LOG")
    page = client.get("/reports?lang=en")
    assert page.status_code == 200
    assert "My department" in page.text and "Logistics" in page.text
    assert "Whole company" not in page.text
    assert "EVIL" not in page.text
    assert "New schedule" not in page.text, "agents do not manage schedules"
    own = client.get("/reports/make?department=LOG&period=2026-11&format=html")
    assert own.status_code == 200
    assert client.get("/reports/make?department=EVIL&period=2026-11").status_code == 404
    assert client.get("/reports/make?department=NOPE&period=2026-11").status_code == 404
    assert client.get("/reports/make?period=2026-11").status_code == 403, "no company report"
    refused = client.post(
        "/reports/schedules",
        data={
            "department": "LOG",
            "frequency": "weekly",
            "kind": "report",
            "report_lang": "en",
            "recipients": "a@example.com",
            "csrf_token": csrf(page.text),
        },
        follow_redirects=False,
    )
    assert refused.status_code == 403


def test_a_manager_creates_and_pauses_a_schedule(db: Database, tmp_path: Path) -> None:
    make_report_data(db)
    client = client_for(db, tmp_path, Role.MANAGER)
    page = client.get("/reports?lang=en")
    form = {
        "department": "LOG",
        "frequency": "monthly",
        "kind": "executive",
        "report_lang": "zh-CN",
        "recipients": "boss@example.com\nops@example.com, cfo@example.com",
    }
    stale = client.post("/reports/schedules", data={**form, "csrf_token": "x"})
    assert "expired" in stale.text, "no CSRF token, nothing saved"
    assert "boss@example.com" not in stale.text
    saved = client.post("/reports/schedules", data={**form, "csrf_token": csrf(page.text)})
    assert saved.status_code == 200 and "The schedule was saved." in saved.text
    assert "boss@example.com, ops@example.com, cfo@example.com" in saved.text
    bad = client.post(
        "/reports/schedules",
        data={**form, "recipients": "boss at example", "csrf_token": csrf(page.text)},
    )
    assert "not an e-mail address" in bad.text
    action = re.search(r'action="(/reports/schedules/\d+/pause)"', saved.text)
    assert action
    paused = client.post(action.group(1), data={"csrf_token": csrf(page.text)})
    assert paused.status_code == 200 and ">paused<" in paused.text


@pytest.mark.parametrize("query", ["period=yesterday", "format=docx", "kind=poster"])
def test_bad_report_requests_are_refused(db: Database, tmp_path: Path, query: str) -> None:
    make_report_data(db)
    client = client_for(db, tmp_path, Role.ADMIN)
    assert client.get(f"/reports/make?{query}").status_code == 400

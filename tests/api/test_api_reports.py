"""GET /api/v1/reports/{executive,report} (issue #11): PDF or HTML of the company or one
department the token's user sees; others' departments are 404, the company 403."""

from __future__ import annotations

import io
from pathlib import Path

from fastapi.testclient import TestClient
from pypdf import PdfReader

from factories import make_report_data, make_user_token
from manyi.accounts.service import create_token, create_user
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.storage.database import Database


def test_the_executive_report_as_pdf_and_html(db: Database, tmp_path: Path) -> None:
    make_report_data(db)
    client = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    auth = {"Authorization": f"Bearer {make_user_token(db)}"}
    pdf = client.get(
        "/api/v1/reports/executive?format=pdf&department=LOG&period=2026-11", headers=auth
    )
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "物流配送部" in text and "净推荐值" in text
    html = client.get("/api/v1/reports/report?format=html&period=2026-11&lang=en", headers=auth)
    assert html.status_code == 200
    assert "Monthly report: whole company" in html.text
    # The closed loop is handed in: its section is there (this data has no cases).
    assert "<h2>Cases and improvement plans</h2>" in html.text
    assert "No cases in this period." in html.text
    assert client.get("/api/v1/reports/executive").status_code == 401
    bad = client.get("/api/v1/reports/executive?period=2026-13", headers=auth)
    assert bad.status_code == 422 and bad.json()["ok"] is False


def test_a_scoped_token_reaches_its_department_only(db: Database, tmp_path: Path) -> None:
    make_report_data(db)
    create_user(db, "agent@example.com", "correct horse battery", Role.AGENT, department="LOG")
    auth = {"Authorization": f"Bearer {create_token(db, 'agent@example.com')}"}
    client = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    base = "/api/v1/reports/executive?format=html&period=2026-11"
    assert client.get(f"{base}&department=LOG", headers=auth).status_code == 200
    assert client.get(f"{base}&department=EVIL", headers=auth).status_code == 404
    assert client.get(base, headers=auth).status_code == 403

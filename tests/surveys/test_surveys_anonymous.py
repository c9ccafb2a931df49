"""Anonymous surveys (issue #10, privacy): the web channel stores no customer, no
invitation, no IP, no user agent and no resume identifier beyond the draft's hash;
personal invitations are refused; the API may not name a customer and loses identifying
metadata."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from factories import make_reference_data, make_survey, make_user_token, survey_definition
from manyi.app import create_app
from manyi.config import Settings
from manyi.errors import Conflict
from manyi.storage.database import Database
from manyi.storage.tables import Base, ResponseRow, SurveyDraftRow
from manyi.surveys.links import create_invitation
from manyi.surveys.service import revise_survey

QUESTIONS = [
    {"code": "nps", "kind": "nps", "text": {"zh-CN": "推荐意愿", "en": "Recommend?"}},
    {"code": "comment", "kind": "open", "text": {"zh-CN": "建议", "en": "Anything else?"}},
]
AGENT = "Mozilla/5.0 (Linux; Android 14) manyi-anonymity-probe/9.9"
ADDRESS = "203.0.113.77"


def _client(db: Database, tmp_path: Path) -> TestClient:
    settings = Settings(environment="test", data_dir=tmp_path, secret_key="test-secret")
    return TestClient(create_app(settings, db), headers={"User-Agent": AGENT})


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, "the form carries its CSRF token"
    return found.group(1)


def _every_stored_value(db: Database) -> list[tuple[str, str, Any]]:
    """(table, column, value) of every cell of every table."""
    cells: list[tuple[str, str, Any]] = []
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(table.select()).mappings():
                cells += [(table.name, column, value) for column, value in row.items()]
    return cells


def test_the_web_channel_stores_no_identifier_of_an_anonymous_respondent(
    db: Database, tmp_path: Path
) -> None:
    make_reference_data(db)
    survey = make_survey(db, questions=QUESTIONS, anonymous=True)
    client = _client(db, tmp_path)
    url = f"/s/{survey.id}?ch=web&lang=en"
    page = client.get(url, headers={"X-Forwarded-For": ADDRESS, "X-Real-IP": ADDRESS})
    assert "This survey is anonymous" in page.text
    cookie = client.cookies.get(f"manyi_resume_{survey.id}")
    assert cookie
    done = client.post(
        url,
        data={"csrf": _csrf(page.text), "q.nps": "4", "q.comment": "slow"},
        headers={"X-Forwarded-For": ADDRESS, "X-Real-IP": ADDRESS},
    )
    assert done.status_code == 200 and "Thank you" in done.text, done.text

    with db.session() as s:
        response = s.scalars(select(ResponseRow)).one()
        draft = s.scalars(select(SurveyDraftRow)).one()
        response_cells = {c.key: getattr(response, c.key) for c in ResponseRow.__mapper__.attrs}
        draft_cells = {c.key: getattr(draft, c.key) for c in SurveyDraftRow.__mapper__.attrs}
    assert response_cells["customer_id"] is None
    assert response_cells["external_key"] is None
    assert response_cells["answers"] == {"nps": 4, "comment": "slow"}
    assert draft_cells["invitation_id"] is None
    assert draft_cells["resume_hash"] == hashlib.sha256(cookie.encode()).hexdigest()
    # Every column of both rows, and every cell of every table, is free of the address,
    # the user agent (or a piece of it), the test client's host name and the cookie.
    probes = (ADDRESS, "manyi-anonymity-probe", "Android 14", "testclient", cookie)
    for column, value in [*response_cells.items(), *draft_cells.items()]:
        for probe in probes:
            assert probe not in repr(value), f"{column} holds {probe!r}"
    for table, column, value in _every_stored_value(db):
        for probe in probes:
            assert probe not in repr(value), f"{table}.{column} holds {probe!r}"
    for key in response_cells["meta"]:
        assert not re.search(r"ip|agent|addr|customer|cookie", key, re.I), key


def test_personal_invitations_to_an_anonymous_survey_are_refused(
    db: Database, tmp_path: Path
) -> None:
    survey = make_survey(db, questions=QUESTIONS, anonymous=True)
    client = _client(db, tmp_path)
    headers = {"Authorization": f"Bearer {make_user_token(db)}"}
    refused = client.post(
        f"/api/v1/surveys/{survey.id}/invitations", json={"customer": "C-1"}, headers=headers
    )
    assert refused.status_code == 409
    assert "anonymous" in refused.json()["error"]
    assert "public link" in refused.json()["error"]
    by_mail = client.post(
        f"/api/v1/surveys/{survey.id}/invitations/email",
        json={"customers": ["C-1"]},
        headers=headers,
    )
    assert by_mail.status_code == 409
    assert "anonymous" in by_mail.json()["error"]


def test_an_invitation_made_before_the_survey_became_anonymous_no_longer_opens(
    db: Database, tmp_path: Path
) -> None:
    survey = make_survey(db, questions=QUESTIONS)
    invitation = create_invitation(db, survey.id, secret="test-secret", customer="C-9")
    revise_survey(db, survey.id, survey_definition(questions=QUESTIONS, anonymous=True))
    client = _client(db, tmp_path)
    page = client.get(f"/s/{survey.id}?invite={invitation.token}")
    assert page.status_code == 400
    assert 'name="csrf"' not in page.text
    try:
        create_invitation(db, survey.id, secret="test-secret", customer="C-9")
    except Conflict as refused:
        assert "anonymous" in refused.message
    else:
        raise AssertionError("a personal invitation to an anonymous survey was made")


def test_the_api_may_not_name_a_customer_and_loses_identifying_metadata(
    db: Database, tmp_path: Path
) -> None:
    survey = make_survey(db, questions=QUESTIONS, anonymous=True)
    client = _client(db, tmp_path)
    headers = {"Authorization": f"Bearer {make_user_token(db)}"}
    url = f"/api/v1/surveys/{survey.id}/responses"
    named = client.post(url, json={"answers": {"nps": 9}, "customer": "C-1"}, headers=headers)
    assert named.status_code == 422
    assert named.json()["errors"][0]["loc"] == ["customer"]
    assert "anonymous" in named.json()["errors"][0]["msg"]
    metadata = {
        "client_ip": ADDRESS,
        "userAgent": AGENT,
        "device": {"id": "d-1"},
        "context": {"ip_hash": "ab12", "page": "checkout"},
        "campaign": "spring",
    }
    stored = client.post(url, json={"answers": {"nps": 9}, "metadata": metadata}, headers=headers)
    assert stored.status_code == 201, stored.text
    with db.session() as s:
        row = s.scalars(select(ResponseRow)).one()
        assert row.meta == {"context": {"page": "checkout"}, "campaign": "spring"}
        assert row.customer_id is None

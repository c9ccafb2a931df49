"""The opt-out page of e-mail invitations, /s/{id}/opt-out?invite=TOKEN: asking records
nothing, the button (or an RFC 8058 one-click POST) records it, in zh-CN and en; a link
that is not ours changes nothing (issue #10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from factories import make_survey, survey_definition
from manyi.app import create_app
from manyi.config import Settings
from manyi.storage.database import Database
from manyi.storage.tables import CustomerRow
from manyi.surveys.links import create_invitation


def consent(db: Database) -> bool:
    with db.session() as s:
        return bool(s.scalars(select(CustomerRow)).one().consent_contact)


def setup(db: Database, tmp_path: Path) -> tuple[TestClient, str]:
    survey = make_survey(db, questions=survey_definition()["questions"][:1])
    with db.session() as s:
        s.add(CustomerRow(external_id="C-7", email="c7@example.com", consent_contact=True))
    settings = Settings(environment="test", data_dir=tmp_path)
    made = create_invitation(db, survey.id, secret=settings.secret_key, customer="C-7")
    client = TestClient(create_app(settings, db))
    return client, f"/s/{survey.id}/opt-out?invite={made.token}"


@pytest.mark.parametrize(
    ("lang", "ask", "done"),
    [
        ("en", "Stop survey invitations?", "You will receive no more survey invitations"),
        ("zh-CN", "停止接收调查邀请？", "您将不再收到调查邀请"),
    ],
)
def test_ask_then_record(db: Database, tmp_path: Path, lang: str, ask: str, done: str) -> None:
    client, url = setup(db, tmp_path)
    page = client.get(f"{url}&lang={lang}")
    assert page.status_code == 200
    assert ask in page.text and 'method="post"' in page.text
    assert page.headers["cache-control"] == "no-store"
    assert consent(db) is True  # a mail filter opening the link opts nobody out
    recorded = client.post(f"{url}&lang={lang}")
    assert recorded.status_code == 200
    assert done in recorded.text
    assert consent(db) is False
    # Twice is fine and keeps it so.
    assert client.post(f"{url}&lang={lang}").status_code == 200
    assert consent(db) is False


def test_one_click_post(sqlite_db: Database, tmp_path: Path) -> None:
    client, url = setup(sqlite_db, tmp_path)
    answer = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert consent(sqlite_db) is False


def test_a_link_that_is_not_ours_changes_nothing(sqlite_db: Database, tmp_path: Path) -> None:
    client, url = setup(sqlite_db, tmp_path)
    for bad in (url[:-4] + "abcd", url.replace("invite=", "x="), url.replace("/s/", "/s/9")):
        page = client.get(bad + "&lang=en")
        assert page.status_code == 400 and "This link is not valid" in page.text
        posted = client.post(bad + "&lang=en")
        assert posted.status_code == 400 and "This link is not valid" in posted.text
    assert consent(sqlite_db) is True

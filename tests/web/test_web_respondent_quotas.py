"""The respondent form /s/{id} with quotas and a schedule: the screen-out page, concurrent
respondents into a nearly full quota, the not-yet-open page, a survey whose closing time
passes while a respondent answers (issue #10)."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from factories import make_survey
from manyi.app import create_app
from manyi.config import Settings
from manyi.storage.database import Database
from manyi.storage.tables import ResponseRow, SurveyDraftRow, SurveyRow
from manyi.storage.types import utcnow
from manyi.surveys.quotas import quota_status
from manyi.surveys.schedule import set_schedule

SCREENING = {
    "title": {"zh-CN": "地区调查", "en": "Region survey"},
    "questions": [
        {
            "code": "region",
            "kind": "single",
            "text": {"zh-CN": "您所在的地区", "en": "Your region"},
            "required": True,
            "options": [
                {"code": "north", "text": {"zh-CN": "北方", "en": "North"}},
                {"code": "south", "text": {"zh-CN": "南方", "en": "South"}},
            ],
        },
        {"code": "nps", "kind": "nps", "text": "Recommend?", "required": True, "page_break": True},
    ],
}


def quota(limit: int, message: dict[str, str] | None = None) -> list[dict[str, Any]]:
    found: dict[str, Any] = {"code": "north", "segment": {"region": "north"}, "limit": limit}
    return [{**found, "message": message} if message else found]


def client_for(db: Database, tmp_path: Path) -> TestClient:
    # One test client stands for many respondents: no per-address limit here.
    settings = Settings(environment="test", data_dir=tmp_path, respond_rate_per_ip="")
    return TestClient(create_app(settings, db))


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, "the form carries its CSRF token"
    return found.group(1)


def post(client: TestClient, url: str, fields: dict[str, Any]) -> Any:
    page = client.get(url)
    return client.post(url, data={"csrf": csrf_of(page.text), **fields})


def stored(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(ResponseRow)) or 0)


def test_a_full_quota_shows_the_screen_out_page(sqlite_db: Database, tmp_path: Path) -> None:
    message = {"zh-CN": "北方名额已满，感谢参与！", "en": "The north group is full. Thank you!"}
    survey = make_survey(sqlite_db, **SCREENING, quotas=quota(1, message))
    url = f"/s/{survey.id}?lang=en"
    first = client_for(sqlite_db, tmp_path)
    post(first, url, {"q.region": "north"})
    assert "Thank you!" in post(first, url, {"q.nps": "9"}).text
    second = client_for(sqlite_db, tmp_path)
    page = post(second, url, {"q.region": "north"})
    assert page.status_code == 200
    assert "The north group is full. Thank you!" in page.text
    assert 'name="q.nps"' not in page.text, "no further question is asked"
    # The same link keeps saying so, in the respondent's language.
    zh = second.get(f"/s/{survey.id}?lang=zh-CN")
    assert "北方名额已满，感谢参与！" in zh.text and "感谢您的参与" in zh.text
    assert stored(sqlite_db) == 1


def test_the_stock_screen_out_text_without_a_message(sqlite_db: Database, tmp_path: Path) -> None:
    survey = make_survey(sqlite_db, **SCREENING, quotas=quota(1))
    url = f"/s/{survey.id}?lang=en"
    first = client_for(sqlite_db, tmp_path)
    post(first, url, {"q.region": "north"})
    post(first, url, {"q.nps": "9"})
    page = post(client_for(sqlite_db, tmp_path), url, {"q.region": "north"})
    assert "We already have all the answers we need from respondents like you" in page.text


def test_concurrent_respondents_on_the_last_page(db: Database, tmp_path: Path) -> None:
    """Eight browsers past the screening page submit at once into a quota with three
    places left: three thank-you pages, five screen-out pages, three responses."""
    respondents, places = 8, 3
    survey = make_survey(db, **SCREENING, quotas=quota(places))
    url = f"/s/{survey.id}?lang=en"
    clients = [client_for(db, tmp_path) for _ in range(respondents)]
    last_pages = []
    for client in clients:
        assert post(client, url, {"q.region": "north"}).status_code == 200
        last_pages.append(client.get(url))
    start = threading.Barrier(respondents)

    def submit(pair: tuple[TestClient, Any]) -> str:
        client, page = pair
        start.wait()
        return str(client.post(url, data={"csrf": csrf_of(page.text), "q.nps": "7"}).text)

    with ThreadPoolExecutor(respondents) as pool:
        pages = list(pool.map(submit, zip(clients, last_pages, strict=True)))
    thanked = [p for p in pages if "Your answers have been received." in p]
    screened = [p for p in pages if "We already have all the answers we need" in p]
    assert (len(thanked), len(screened)) == (places, respondents - places)
    assert stored(db) == places
    assert [q.count for q in quota_status(db, survey.id)] == [places]
    with db.session() as s:
        drafts = list(s.scalars(select(SurveyDraftRow)))
        assert sum(d.response_id is not None for d in drafts) == places
        assert sum(d.screened_out == "north" for d in drafts) == respondents - places
        assert all(d.answers == {"region": "north", "nps": 7} for d in drafts)


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        ("en", ["This survey is not open yet", "It opens on", "(UTC)"]),
        ("zh-CN", ["本问卷尚未开放", "开放时间为", "（UTC）"]),
    ],
)
def test_before_the_opening_the_page_says_when(
    sqlite_db: Database, tmp_path: Path, lang: str, texts: list[str]
) -> None:
    survey = make_survey(sqlite_db, **SCREENING)
    opens = (utcnow() + timedelta(days=2)).replace(hour=9, minute=30, second=0, microsecond=0)
    set_schedule(sqlite_db, survey.id, opens, None)
    page = client_for(sqlite_db, tmp_path).get(f"/s/{survey.id}?lang={lang}")
    assert page.status_code == 404
    for text in texts:
        assert text in page.text
    assert "9:30" in page.text
    with sqlite_db.session() as s:
        assert s.scalar(select(func.count()).select_from(SurveyDraftRow)) == 0


def test_closing_time_passing_mid_answer(sqlite_db: Database, tmp_path: Path) -> None:
    survey = make_survey(sqlite_db, **SCREENING)
    set_schedule(sqlite_db, survey.id, None, utcnow() + timedelta(hours=1))
    url = f"/s/{survey.id}?lang=en"
    client = client_for(sqlite_db, tmp_path)
    post(client, url, {"q.region": "south"})
    last = client.get(url)
    # The closing time passes; no job has run, so the stored status is still active.
    with sqlite_db.session() as s:
        s.execute(
            update(SurveyRow)
            .where(SurveyRow.id == survey.id)
            .values(closes_at=utcnow() - timedelta(seconds=1))
        )
    refused = client.post(url, data={"csrf": csrf_of(last.text), "q.nps": "6"})
    assert refused.status_code == 410
    assert "This survey is closed" in refused.text
    assert "The answers you gave so far are kept." in refused.text
    assert stored(sqlite_db) == 0
    with sqlite_db.session() as s:
        draft = s.scalars(select(SurveyDraftRow)).one()
        assert draft.answers == {"region": "south", "nps": 6} and draft.response_id is None

"""The public respondent form /s/{id}: pages, resume, submit, closed surveys, bad input,
escaping, size and no external resource (issue #10)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from test_web_offline import external_urls

from factories import make_survey, survey_definition
from manyi.app import create_app
from manyi.config import Settings
from manyi.storage.database import Database
from manyi.storage.tables import ResponseRow, SurveyDraftRow
from manyi.surveys.service import set_status

PAGED = {
    "pages": [
        {"questions": ["nps", "csat", "speed", "staff", "price", "app"]},
        {"questions": ["grid", "type", "good", "rank"]},
        {"questions": ["sq1", "k1", "comment"]},
    ]
}

PAGE_1 = {"q.nps": "3", "q.csat": "2", "q.speed": "4"}
PAGE_2 = {
    "q.grid.a": "4",
    "q.grid.b": "5",
    "q.type": "repair",
    "q.good": ["fast", "polite"],
    "q.rank.price": "2",
    "q.rank.speed": "1",
}
PAGE_3 = {
    "q.sq1.expectation": "6",
    "q.sq1.perception": "5",
    "q.sq1.importance": "7",
    "q.k1.functional": "like",
    "q.k1.dysfunctional": "live-with",
    "q.comment": "师傅很专业",
}
EXPECTED = {
    "nps": 3,
    "csat": 2,
    "speed": 4,
    "grid": {"a": 4, "b": 5},
    "type": "repair",
    "good": ["fast", "polite"],
    "rank": ["speed", "price"],
    "sq1": {"expectation": 6, "perception": 5, "importance": 7},
    "k1": {"functional": "like", "dysfunctional": "live-with"},
    "comment": "师傅很专业",
}


def client_for(db: Database, tmp_path: Path) -> TestClient:
    return TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, "the form carries its CSRF token"
    return found.group(1)


def post(client: TestClient, url: str, fields: dict[str, Any], **extra: str) -> Any:
    page = client.get(url)
    return client.post(url, data={"csrf": csrf_of(page.text), **fields, **extra})


def responses(db: Database) -> list[ResponseRow]:
    with db.session() as s:
        rows = list(s.scalars(select(ResponseRow)))
        s.expunge_all()
        return rows


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_answer_leave_resume_and_submit(db: Database, tmp_path: Path, lang: str) -> None:
    survey = make_survey(db, **PAGED)
    url = f"/s/{survey.id}?ch=web&lang={lang}"
    client = client_for(db, tmp_path)
    first = client.get(url)
    assert first.status_code == 200
    assert ("第 1 页，共 3 页" if lang == "zh-CN" else "Page 1 of 3") in first.text
    assert ("您向朋友推荐" if lang == "zh-CN" else "How likely are you") in first.text
    cookie = client.cookies.get(f"manyi_resume_{survey.id}")
    assert cookie and len(cookie) >= 40
    moved = client.post(url, data={"csrf": csrf_of(first.text), **PAGE_1}, follow_redirects=False)
    assert moved.status_code == 303

    # Leave: a new browser holding only the resume cookie comes back to page 2.
    again = client_for(db, tmp_path)
    again.cookies.set(f"manyi_resume_{survey.id}", cookie)
    resumed = again.get(url)
    assert ("第 2 页，共 3 页" if lang == "zh-CN" else "Page 2 of 3") in resumed.text
    # Back shows page 1 with the saved answers checked.
    back = again.post(url, data={"csrf": csrf_of(resumed.text), "action": "back"})
    assert re.search(r'name="q.nps" value="3" checked', back.text)
    post(again, url, PAGE_1)
    post(again, url, PAGE_2)
    done = post(again, url, PAGE_3)
    assert done.status_code == 200
    assert ("感谢" if lang == "zh-CN" else "Thank you") in done.text
    stored = responses(db)
    assert len(stored) == 1
    assert stored[0].answers == EXPECTED
    assert stored[0].source == "web"
    assert stored[0].language == lang
    # The same link again shows the thank-you page, not a second form.
    after = again.get(url)
    assert 'name="csrf"' not in after.text
    assert len(responses(db)) == 1
    with db.session() as s:
        draft = s.scalars(select(SurveyDraftRow)).one()
        assert draft.response_id == stored[0].id
        assert draft.resume_hash != cookie  # only the hash is stored


def test_resume_cookie_is_httponly_and_lax(sqlite_db: Database, tmp_path: Path) -> None:
    survey = make_survey(sqlite_db)
    page = client_for(sqlite_db, tmp_path).get(f"/s/{survey.id}")
    header = page.headers["set-cookie"].lower()
    assert f"manyi_resume_{survey.id}=" in header
    assert "httponly" in header and "samesite=lax" in header


def test_every_kind_has_a_labelled_input(sqlite_db: Database, tmp_path: Path) -> None:
    survey = make_survey(sqlite_db)
    html = client_for(sqlite_db, tmp_path).get(f"/s/{survey.id}?lang=en").text
    for name in ("q.nps", "q.grid.a", "q.type", "q.good", "q.rank.price", "q.sq1.importance"):
        assert f'name="{name}"' in html
    assert 'name="q.k1.functional"' in html and 'name="q.k1.dysfunctional"' in html
    assert re.search(r'<textarea id="q.comment" name="q.comment" rows="4" maxlength="5000">', html)
    # every visible input with an id has a <label for=…>, matrix cells are labelled by
    # their row and column
    ids = set(re.findall(r'<(?:input|select|textarea)[^>]* id="([^"]+)"', html)) - {"website"}
    labels = set(re.findall(r'<label for="([^"]+)"', html))
    assert ids and ids <= labels
    assert 'aria-labelledby="q.grid.a-label q.grid.a-4"' in html


def test_closed_survey_says_so_and_keeps_the_draft(sqlite_db: Database, tmp_path: Path) -> None:
    survey = make_survey(sqlite_db, **PAGED)
    url = f"/s/{survey.id}?lang=en"
    client = client_for(sqlite_db, tmp_path)
    post(client, url, PAGE_1)
    page_2 = client.get(url)
    set_status(sqlite_db, survey.id, "closed")
    closed = client.get(url)
    assert closed.status_code == 410
    assert "This survey is closed" in closed.text
    # Closed mid-answer: the submit says so; the draft keeps what was saved and the
    # answers of the page posted after the close.
    refused = client.post(url, data={"csrf": csrf_of(page_2.text), **PAGE_2})
    assert refused.status_code == 410
    assert "The answers you gave so far are kept." in refused.text
    assert responses(sqlite_db) == []
    with sqlite_db.session() as s:
        draft = s.scalars(select(SurveyDraftRow)).one()
        assert draft.answers == {
            "nps": 3,
            "csat": 2,
            "speed": 4,
            **{k: EXPECTED[k] for k in ("grid", "type", "good", "rank")},
        }
        assert draft.page == 1 and draft.response_id is None
    # Reopened, the respondent is where they were.
    set_status(sqlite_db, survey.id, "active")
    assert "Page 2 of 3" in client.get(url).text


def test_submit_closed_between_last_page_and_submit(sqlite_db: Database, tmp_path: Path) -> None:
    survey = make_survey(sqlite_db)
    url = f"/s/{survey.id}?lang=en"
    client = client_for(sqlite_db, tmp_path)
    page = client.get(url)
    set_status(sqlite_db, survey.id, "closed")
    refused = client.post(url, data={"csrf": csrf_of(page.text), **PAGE_1})
    assert refused.status_code == 410
    assert "This survey is closed" in refused.text
    assert responses(sqlite_db) == []


def test_draft_survey_is_not_open(sqlite_db: Database, tmp_path: Path) -> None:
    survey = make_survey(sqlite_db, status="draft")
    page = client_for(sqlite_db, tmp_path).get(f"/s/{survey.id}?lang=en")
    assert page.status_code == 404
    assert "This survey is not open" in page.text


def test_unknown_survey_is_404(sqlite_db: Database, tmp_path: Path) -> None:
    assert client_for(sqlite_db, tmp_path).get("/s/999").status_code == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"q.nps": "11"}, "Please check this answer"),
        ({"q.nps": "8", "q.comment": "x" * 1_000_000}, "longer than 5000 characters"),
        ({"q.csat": "3"}, "Please answer this question"),
    ],
)
def test_bad_answers_are_shown_and_nothing_is_stored(
    sqlite_db: Database, tmp_path: Path, fields: dict[str, str], message: str
) -> None:
    survey = make_survey(sqlite_db)
    url = f"/s/{survey.id}?lang=en"
    client = client_for(sqlite_db, tmp_path)
    page = post(client, url, fields)
    assert page.status_code == 422
    assert message in page.text
    assert 'class="question invalid" id="question-' in page.text
    assert len(page.content) < 100_000  # the long text is not sent back whole
    assert responses(sqlite_db) == []
    with sqlite_db.session() as s:
        assert s.scalars(select(SurveyDraftRow)).one().answers == {}


def test_posted_input_is_kept_after_an_error(sqlite_db: Database, tmp_path: Path) -> None:
    survey = make_survey(sqlite_db)
    client = client_for(sqlite_db, tmp_path)
    page = post(client, f"/s/{survey.id}", {"q.nps": "11", "q.type": "install", "q.good": "clean"})
    assert re.search(r'name="q.type" value="install" checked', page.text)
    assert re.search(r'name="q.good" value="clean" checked', page.text)


def test_script_in_an_open_answer_is_escaped(sqlite_db: Database, tmp_path: Path) -> None:
    survey = make_survey(sqlite_db, **PAGED)
    url = f"/s/{survey.id}?lang=en"
    client = client_for(sqlite_db, tmp_path)
    post(client, url, PAGE_1)
    post(client, url, PAGE_2)
    script = "<script>alert(1)</script>"
    # Shown again after an error on its page (k1 half answered) …
    shown = post(client, url, {"q.comment": script, "q.k1.functional": "like"})
    assert shown.status_code == 422
    assert script not in shown.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown.text
    # … and stored as text, never as markup on the thank-you page.
    done = post(client, url, {**PAGE_3, "q.comment": script})
    assert "<script" not in done.text
    assert responses(sqlite_db)[0].answers["comment"] == script


def test_form_without_csrf_or_cookie_is_not_saved(sqlite_db: Database, tmp_path: Path) -> None:
    survey = make_survey(sqlite_db)
    url = f"/s/{survey.id}"
    client = client_for(sqlite_db, tmp_path)
    client.get(url)
    forged = client.post(url, data={"csrf": "0" * 64, **PAGE_1}, follow_redirects=False)
    assert forged.status_code == 303
    stranger = client_for(sqlite_db, tmp_path)
    assert stranger.post(url, data=PAGE_1, follow_redirects=False).status_code == 303
    assert responses(sqlite_db) == []


def test_honeypot_gets_thanks_and_stores_nothing(
    sqlite_db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    survey = make_survey(sqlite_db)
    client = client_for(sqlite_db, tmp_path)
    page = post(client, f"/s/{survey.id}?lang=en", PAGE_1, website="http://spam.example")
    assert page.status_code == 200
    assert "Thank you" in page.text
    assert responses(sqlite_db) == []
    assert "hidden field was filled" in caplog.text


def test_language_switch_and_larger_text(sqlite_db: Database, tmp_path: Path) -> None:
    survey = make_survey(sqlite_db)
    client = client_for(sqlite_db, tmp_path)
    zh = client.get(f"/s/{survey.id}?ch=web", headers={"accept-language": "zh-CN"})
    assert '<html lang="zh-CN">' in zh.text
    assert f'href="/s/{survey.id}?ch=web&amp;lang=en"' in zh.text
    en = client.get(f"/s/{survey.id}?ch=web&lang=en")
    assert '<html lang="en">' in en.text and "Larger text" in en.text
    large = client.get(f"/s/{survey.id}?lang=en&size=large")
    assert '<body class="large">' in large.text
    # the cookie keeps both choices on the next visit
    later = client.get(f"/s/{survey.id}")
    assert '<html lang="en">' in later.text and '<body class="large">' in later.text


def test_page_is_small_and_loads_nothing_external(sqlite_db: Database, tmp_path: Path) -> None:
    survey = make_survey(sqlite_db)
    client = client_for(sqlite_db, tmp_path)
    for lang in ("zh-CN", "en"):
        page = client.get(f"/s/{survey.id}?lang={lang}")
        css = client.get("/static/respond.css")
        assert css.status_code == 200
        assert len(page.content) + len(css.content) < 100_000
        assert external_urls(page.text) == []
        assert external_urls(css.text) == []
        assert "<script" not in page.text


def test_channel_and_touchpoint_travel_with_the_response(
    sqlite_db: Database, tmp_path: Path
) -> None:
    from factories import make_reference_data

    make_reference_data(sqlite_db)
    survey = make_survey(sqlite_db, questions=survey_definition()["questions"][:1])
    client = client_for(sqlite_db, tmp_path)
    post(client, f"/s/{survey.id}?ch=sms&tp=repair", {"q.nps": "10"})
    with sqlite_db.session() as s:
        assert s.scalar(select(func.count()).select_from(ResponseRow)) == 1
        row = s.scalars(select(ResponseRow)).one()
        assert row.channel_id is not None and row.touchpoint_id is not None


def invite(db: Database, survey_id: int, **kwargs: Any) -> str:
    from manyi.surveys.links import create_invitation

    made = create_invitation(db, survey_id, secret=SECRET, **kwargs)
    return made.token


SECRET = Settings(environment="test").secret_key


def test_personal_link_answers_once(db: Database, tmp_path: Path) -> None:
    from factories import make_reference_data

    make_reference_data(db)
    survey = make_survey(db, **PAGED)
    token = invite(db, survey.id, customer="C-42", channel="sms", touchpoint="repair")
    url = f"/s/{survey.id}?invite={token}&lang=en"
    phone = client_for(db, tmp_path)
    post(phone, url, PAGE_1)
    # the same personal link resumes on another device (no cookie needed)
    laptop = client_for(db, tmp_path)
    assert "Page 2 of 3" in laptop.get(url).text
    post(laptop, url, PAGE_2)
    done = post(laptop, url, PAGE_3)
    assert "Thank you" in done.text
    stored = responses(db)
    assert len(stored) == 1 and stored[0].answers == EXPECTED
    assert stored[0].customer_id is not None and stored[0].channel_id is not None
    # a second visit is told politely, and nothing more is stored
    again = phone.get(url)
    assert again.status_code == 409
    assert "already answered" in again.text
    assert len(responses(db)) == 1


def test_tampered_personal_link(sqlite_db: Database, tmp_path: Path) -> None:
    survey = make_survey(sqlite_db)
    token = invite(sqlite_db, survey.id)
    client = client_for(sqlite_db, tmp_path)
    page = client.get(f"/s/{survey.id}?invite={token[:-3]}xyz&lang=en")
    assert page.status_code == 400
    assert "This link is not valid" in page.text
    forged = client.post(f"/s/{survey.id}?invite={token[:-3]}xyz", data=PAGE_1)
    assert forged.status_code == 400
    assert responses(sqlite_db) == []


def test_last_page_posted_again_stores_one_response(sqlite_db: Database, tmp_path: Path) -> None:
    survey = make_survey(sqlite_db)
    url = f"/s/{survey.id}?lang=en"
    client = client_for(sqlite_db, tmp_path)
    form = client.get(url)
    fields = {"csrf": csrf_of(form.text), **PAGE_1}
    assert "Thank you" in client.post(url, data=fields).text
    replay = client.post(url, data=fields)  # the browser's back button and a second submit
    assert replay.status_code == 200 and "Thank you" in replay.text
    assert len(responses(sqlite_db)) == 1


def test_two_options_with_the_same_rank_are_refused(sqlite_db: Database, tmp_path: Path) -> None:
    survey = make_survey(sqlite_db)
    client = client_for(sqlite_db, tmp_path)
    page = post(
        client, f"/s/{survey.id}?lang=en", {**PAGE_1, "q.rank.price": "1", "q.rank.speed": "1"}
    )
    assert page.status_code == 422
    assert "an option is given twice" in page.text
    assert responses(sqlite_db) == []

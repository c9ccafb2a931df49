"""Quality and abuse on the public respondent form (issue #10): rate limits per address
and per survey (429 page in zh/en with Retry-After), a body limit (413 page), the timing
flags, incentive codes on the thank-you page, and script tags kept as text. In every
refusal the answers saved so far are kept and nothing is stored twice."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from factories import make_survey, make_user_token, sign_in
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.storage.database import Database
from manyi.storage.tables import ResponseRow, SurveyDraftRow

SCRIPT = '<script>alert("x")</script>'
TWO_PAGES = {
    "questions": [
        {"code": "nps", "kind": "nps", "text": "Recommend?", "required": True},
        {"code": "csat", "kind": "csat", "text": "Satisfied?"},
        {"code": "comment", "kind": "open", "text": "Anything else?"},
    ],
    "pages": [{"questions": ["nps", "csat"]}, {"questions": ["comment"]}],
}
INCENTIVE = {
    "kind": "code",
    "prefix": "MY",
    "text": {"zh-CN": "凭此码领取优惠券", "en": "Show this code for a coupon"},
}
CODE = r"MY-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}"


def client_for(
    db: Database, tmp_path: Path, address: str = "198.51.100.7", **settings: Any
) -> TestClient:
    config = Settings(environment="test", data_dir=tmp_path, secret_key="k" * 40, **settings)
    return TestClient(create_app(config, db), client=(address, 50000))


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"the form carries {name}"
    return found.group(1)


def post(client: TestClient, url: str, fields: dict[str, Any], **extra: str) -> Any:
    page = client.get(url)
    data = {"csrf": hidden(page.text, "csrf"), "rendered": hidden(page.text, "rendered")}
    return client.post(url, data={**data, **fields, **extra})


def stored(db: Database) -> list[ResponseRow]:
    with db.session() as s:
        rows = list(s.scalars(select(ResponseRow).order_by(ResponseRow.id)))
        s.expunge_all()
        return rows


def draft_answers(db: Database) -> dict[str, Any]:
    with db.session() as s:
        return dict(s.scalars(select(SurveyDraftRow)).one().answers)


def age_drafts(db: Database, seconds: int = 60) -> None:
    """As if the respondent opened the form ``seconds`` ago."""
    with db.session() as s:
        for draft in s.scalars(select(SurveyDraftRow)):
            draft.started_at -= timedelta(seconds=seconds)


@pytest.mark.parametrize(("lang", "words"), [("en", "Please wait a moment"), ("zh-CN", "请稍候")])
def test_too_many_requests_from_one_address(
    sqlite_db: Database, tmp_path: Path, lang: str, words: str
) -> None:
    survey = make_survey(sqlite_db, **TWO_PAGES)
    url = f"/s/{survey.id}?lang={lang}"
    client = client_for(sqlite_db, tmp_path, respond_rate_per_ip="3/minute")
    # GET, POST and the GET it is redirected to: three requests, all within the limit.
    first = post(client, url, {"q.nps": "8", "q.csat": "4"})
    assert first.status_code == 200 and "q.comment" in first.text  # on to page 2
    assert draft_answers(sqlite_db) == {"nps": 8, "csat": 4}
    refused = client.get(url)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["cache-control"] == "no-store"
    assert words in refused.text
    assert client.post(url, data={"q.comment": "again"}).status_code == 429
    # What was saved before stays; nothing of the refused request was read.
    assert draft_answers(sqlite_db)["nps"] == 8
    assert len(stored(sqlite_db)) <= 1
    # Another address is not affected.
    assert TestClient(client.app, client=("203.0.113.5", 50000)).get(url).status_code == 200


def test_too_many_requests_to_one_survey(sqlite_db: Database, tmp_path: Path) -> None:
    survey = make_survey(sqlite_db)
    client = client_for(sqlite_db, tmp_path, respond_rate_per_link="3/minute")
    app = client.app
    for n in range(3):
        visitor = TestClient(app, client=(f"198.51.100.{n + 1}", 50000))
        assert visitor.get(f"/s/{survey.id}?lang=en").status_code == 200
    refused = TestClient(app, client=("198.51.100.9", 50000)).get(f"/s/{survey.id}?lang=en")
    assert refused.status_code == 429
    assert "very many answers right now" in refused.text
    other = make_survey(sqlite_db)
    assert TestClient(app).get(f"/s/{other.id}").status_code == 200


def test_invitation_links_are_limited_too(sqlite_db: Database, tmp_path: Path) -> None:
    survey = make_survey(sqlite_db)
    client = client_for(sqlite_db, tmp_path, respond_rate_per_ip="2/minute")
    for _ in range(2):
        assert client.get(f"/s/{survey.id}?invite=forged").status_code == 400
    assert client.get(f"/s/{survey.id}?invite=forged").status_code == 429


def test_a_huge_post_gets_413_and_the_draft_keeps_the_rest(
    sqlite_db: Database, tmp_path: Path
) -> None:
    survey = make_survey(sqlite_db, **TWO_PAGES)
    url = f"/s/{survey.id}?lang=en"
    client = client_for(sqlite_db, tmp_path, respond_max_body_kb=64)
    assert post(client, url, {"q.nps": "3", "q.csat": "2"}).status_code == 200
    page = post(client, url, {"q.comment": "x" * 200_000})
    assert page.status_code == 413
    assert "larger than 64 KB" in page.text and "answers you gave so far are kept" in page.text
    assert draft_answers(sqlite_db) == {"nps": 3, "csat": 2}
    assert stored(sqlite_db) == []
    # Without Content-Length (chunked), the body is still read no further than the limit.
    chunks = (b"q.comment=" + b"y" * 40_000 for _ in range(3))
    csrf = hidden(client.get(url).text, "csrf")
    chunked = client.post(
        url,
        content=(b"csrf=" + csrf.encode() + b"&", *chunks),  # type: ignore[arg-type]
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert chunked.status_code == 413
    finished = post(client, url, {"q.comment": "short"})
    assert finished.status_code == 200 and "Thank you" in finished.text
    assert [r.answers["comment"] for r in stored(sqlite_db)] == ["short"]


def test_a_one_megabyte_answer_is_refused_with_its_message(
    sqlite_db: Database, tmp_path: Path
) -> None:
    survey = make_survey(sqlite_db)
    url = f"/s/{survey.id}?lang=en"
    client = client_for(sqlite_db, tmp_path)  # the default limit reads a 1 MB answer
    page = post(client, url, {"q.nps": "8", "q.comment": "x" * 1_000_000})
    assert page.status_code == 422
    assert "longer than 5000 characters" in page.text
    assert re.search(r'value="8"[^>]*checked', page.text)  # the rest of the page is kept
    assert stored(sqlite_db) == []


def test_a_fast_submit_is_flagged_not_dropped(sqlite_db: Database, tmp_path: Path) -> None:
    survey = make_survey(sqlite_db)
    url = f"/s/{survey.id}"
    client = client_for(sqlite_db, tmp_path, respond_min_seconds=3)
    assert post(client, url, {"q.nps": "9"}).status_code == 200
    (fast,) = stored(sqlite_db)
    assert "too_fast" in fast.quality_flags and "bot_suspect" not in fast.quality_flags
    assert fast.quality == 1  # flagged: left out of NPS until an analyst decides


def test_a_person_paced_submit_is_not_flagged(sqlite_db: Database, tmp_path: Path) -> None:
    survey = make_survey(sqlite_db)
    url = f"/s/{survey.id}"
    client = client_for(sqlite_db, tmp_path, respond_min_seconds=3)
    page = client.get(url)
    age_drafts(sqlite_db)
    fields = {"csrf": hidden(page.text, "csrf"), "rendered": hidden(page.text, "rendered")}
    assert client.post(url, data={**fields, "q.nps": "9"}).status_code == 200
    (calm,) = stored(sqlite_db)
    assert not {"too_fast", "bot_suspect"} & set(calm.quality_flags)


@pytest.mark.parametrize("rendered", [None, "", "1700000000.0123456789abcdef0123456789abcdef"])
def test_a_missing_or_forged_render_time_is_flagged(
    sqlite_db: Database, tmp_path: Path, rendered: str | None
) -> None:
    survey = make_survey(sqlite_db)
    url = f"/s/{survey.id}"
    client = client_for(sqlite_db, tmp_path)
    page = client.get(url)
    age_drafts(sqlite_db)
    fields = {"csrf": hidden(page.text, "csrf"), "q.nps": "9"}
    if rendered is not None:
        fields["rendered"] = rendered
    assert client.post(url, data=fields).status_code == 200
    (suspect,) = stored(sqlite_db)
    assert "bot_suspect" in suspect.quality_flags and "too_fast" not in suspect.quality_flags


def test_the_honeypot_still_drops(sqlite_db: Database, tmp_path: Path) -> None:
    survey = make_survey(sqlite_db)
    client = client_for(sqlite_db, tmp_path)
    assert post(client, f"/s/{survey.id}", {"q.nps": "9"}, website="spam").status_code == 200
    assert stored(sqlite_db) == []


def test_thank_you_page_shows_an_incentive_code_again_on_reload(
    db: Database, tmp_path: Path
) -> None:
    survey = make_survey(db, incentive=INCENTIVE)
    url = f"/s/{survey.id}?lang=en"
    client = client_for(db, tmp_path)
    done = post(client, url, {"q.nps": "10"})
    assert done.status_code == 200
    code = re.search(CODE, done.text)
    assert code and "Show this code for a coupon" in done.text
    (row,) = stored(db)
    assert row.incentive_code == code.group(0) and row.incentivised
    again = client.get(url)
    assert code.group(0) in again.text  # the same code, not a new one
    other = client_for(db, tmp_path, address="203.0.113.1")
    second = re.search(CODE, post(other, url, {"q.nps": "10"}).text)
    assert second and second.group(0) != code.group(0)


def test_no_code_without_a_code_incentive(sqlite_db: Database, tmp_path: Path) -> None:
    survey = make_survey(sqlite_db, incentive={"kind": "other"})
    done = post(client_for(sqlite_db, tmp_path), f"/s/{survey.id}?lang=en", {"q.nps": "10"})
    assert done.status_code == 200 and "Your code" not in done.text
    (row,) = stored(sqlite_db)
    assert row.incentivised and row.incentive_code is None


def test_no_code_for_a_screened_out_respondent(sqlite_db: Database, tmp_path: Path) -> None:
    region = {
        "code": "region",
        "kind": "single",
        "text": "Region",
        "required": True,
        "options": [{"code": "north", "text": "North"}, {"code": "south", "text": "South"}],
    }
    nps = {"code": "nps", "kind": "nps", "text": "Recommend?", "required": True}
    survey = make_survey(
        sqlite_db,
        questions=[region, nps],
        incentive=INCENTIVE,
        quotas=[{"code": "north", "segment": {"region": "north"}, "limit": 1}],
    )
    url = f"/s/{survey.id}?lang=en"
    first = post(client_for(sqlite_db, tmp_path), url, {"q.region": "north", "q.nps": "9"})
    assert re.search(CODE, first.text)
    late = client_for(sqlite_db, tmp_path, address="203.0.113.2")
    screened = post(late, url, {"q.region": "north", "q.nps": "9"})
    assert screened.status_code < 500 and not re.search(CODE, screened.text)
    assert not re.search(CODE, late.get(url).text)
    assert len([r for r in stored(sqlite_db) if r.incentive_code]) == 1


def test_script_tags_are_text_everywhere(db: Database, tmp_path: Path) -> None:
    survey = make_survey(db, thank_you={"en": "Thanks!"})
    url = f"/s/{survey.id}?lang=en"
    client = client_for(db, tmp_path)
    done = post(client, url, {"q.nps": "9", "q.comment": SCRIPT})
    assert done.status_code == 200 and "<script" not in done.text.lower()
    (row,) = stored(db)
    assert row.answers["comment"] == SCRIPT  # stored as the text it is
    assert "too_fast" in row.quality_flags  # so the analyst page lists it

    make_user_token(db, Role.ANALYST, "analyst@example.com")
    staff = client_for(db, tmp_path, address="192.0.2.50")
    sign_in(staff, "analyst@example.com")
    page = staff.get("/responses/flagged?lang=en")
    assert page.status_code == 200 and f'data-response="{row.id}"' in page.text
    assert "<script" not in page.text.lower()
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text

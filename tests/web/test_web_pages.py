from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from factories import good_answers, make_survey, make_user_token
from manyi.app import create_app
from manyi.config import Settings
from manyi.ingestion.responses import ResponseIn, record_response
from manyi.storage.database import Database


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _login(client: TestClient, lang: str) -> str:
    page = client.get(f"/login?lang={lang}")
    return client.post(
        "/login",
        data={
            "email": "admin@example.com",
            "password": "correct horse battery",
            "csrf_token": _csrf(page.text),
        },
    ).text


def test_login_and_home_shows_recent_nps(db: Database, tmp_path: Path) -> None:
    make_user_token(db)
    survey = make_survey(db)
    # distinct comments: identical submissions are flagged as duplicates and left out of NPS
    for i, score in enumerate((10, 9, 9, 8, 3)):
        record_response(
            db, survey.id, ResponseIn(answers=good_answers(nps=score, comment=f"第{i}条"))
        )
    client = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    page = client.get("/login?lang=en")
    bad = client.post(
        "/login",
        data={"email": "admin@example.com", "password": "wrong", "csrf_token": _csrf(page.text)},
    )
    assert bad.status_code == 401 and "Wrong e-mail or password" in bad.text
    no_csrf = client.post(
        "/login", data={"email": "admin@example.com", "password": "correct horse battery"}
    )
    assert no_csrf.status_code == 400
    ok = client.post(
        "/login",
        data={
            "email": "admin@example.com",
            "password": "correct horse battery",
            "csrf_token": _csrf(bad.text),
        },
    )
    assert ok.status_code == 200  # followed the redirect to /
    # 3 promoters, 1 passive, 1 detractor of 5 → NPS = 60 − 20 = +40.0
    assert "+40.0" in ok.text and "n=5" in ok.text
    zh = client.get("/?lang=zh-CN")
    assert "服务满意度调查" in zh.text and "近30天" in zh.text


def test_home_distinguishes_not_asked_from_no_data(db: Database, tmp_path: Path) -> None:
    make_user_token(db)
    make_survey(
        db,
        title={"zh-CN": "开放题", "en": "Open only"},
        questions=[{"code": "c", "kind": "open", "text": "意见"}],
    )
    make_survey(db)  # asks NPS and CSAT, but has no responses
    client = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    home = _login(client, "en")
    assert home.count('title="this survey does not ask it"') == 2
    assert home.count("no data") == 2


def test_home_shows_what_customers_talk_about(db: Database, tmp_path: Path) -> None:
    from manyi.enrichment.service import enrich_pending
    from manyi.ingestion.feedback import FeedbackIn, record_feedback

    make_user_token(db)
    client = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    empty = _login(client, "en")
    assert "What customers talk about" in empty and "Run `manyi worker`" in empty
    record_feedback(db, [FeedbackIn(text=t) for t in ("价格太贵了", "价格实惠，服务周到")])
    waiting = client.get("/?lang=en").text
    assert "0 feedback texts and open answers analysed; 2 waiting" in waiting
    enrich_pending(db)
    home = client.get("/?lang=en").text
    row = re.search(r'<tr data-aspect="price">(.*?)</tr>', home, re.S)
    assert row, home
    assert "price and value" in row.group(1) and "50.0%" in row.group(1)
    assert "not mentioned in the 30 days before" in row.group(1)
    assert "2 feedback texts and open answers analysed; 0 waiting" in home
    zh = client.get("/?lang=zh-CN").text
    assert "客户在谈论什么" in zh and "价格与性价比" in zh


def test_theme_page_shows_the_comments_behind_an_aspect(db: Database, tmp_path: Path) -> None:
    from manyi.enrichment.service import enrich_pending
    from manyi.ingestion.feedback import FeedbackIn, record_feedback

    make_user_token(db)
    client = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    assert client.get("/themes/price", follow_redirects=False).status_code == 303  # login first
    _login(client, "en")
    hostile = '<script>alert("x")</script> 价格太贵了'
    record_feedback(db, [FeedbackIn(text=t) for t in (hostile, "价格实惠，服务周到")])
    enrich_pending(db)
    home = client.get("/?lang=en").text
    assert '<a href="/themes/price">price and value</a>' in home
    assert '<a href="/themes/price?label=negative">1</a>' in home
    page = client.get("/themes/price?lang=en")
    assert page.status_code == 200
    assert "price and value: comments of the last 30 days" in page.text
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text
    assert "<mark>" in page.text and "page 1 of 1 (2 in all)" in page.text
    negative = client.get("/themes/price?label=negative").text
    assert "价格太贵了" in negative and "价格实惠" not in negative
    assert 'aria-current="page">Negative 1' in negative
    assert 'href="?label=negative&amp;lang=zh-CN" hreflang="zh-CN"' in negative  # keeps the filter
    assert client.get("/themes/price?label=angry").status_code == 400
    missing = client.get("/themes/nope")
    assert missing.status_code == 404 and "Not found" in missing.text
    assert "no aspect &#39;nope&#39; mentioned in the last 30 days" in missing.text
    for bad in ("0", "-1", "x"):
        wrong = client.get(f"/themes/price?page={bad}&lang=en")
        assert wrong.status_code == 400 and "Bad request" in wrong.text
    zh = client.get("/themes/price?lang=zh-CN").text
    assert "价格与性价比：近30天的评论" in zh and "第 1 / 1 页，共 2 条" in zh

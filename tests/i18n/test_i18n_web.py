"""Pages in the negotiated language: Accept-Language q values, one shared Jinja
environment rendering both languages at once, localised dates on the aspect page."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from factories import make_user_token, sign_in
from manyi.app import create_app
from manyi.config import Settings
from manyi.storage.database import Database


@pytest.fixture
def client(sqlite_db: Database, tmp_path: Path) -> TestClient:
    settings = Settings(environment="test", data_dir=tmp_path, default_language="en")
    return TestClient(create_app(settings, sqlite_db))


def language(html: str) -> str:
    found = re.search(r'<html lang="([^"]+)">', html)
    assert found
    return found.group(1)


@pytest.mark.parametrize(
    ("header", "expected", "text"),
    [
        ("en;q=0.1, zh-TW;q=0.9", "zh-CN", "登录"),  # by weight, not by order
        ("zh-CN;q=0, en;q=0.2", "en", "Sign in"),  # q=0 refuses Chinese
        ("fr, de", "en", "Sign in"),  # nothing offered: the configured default
        ("zh-HK", "zh-CN", "邮箱"),
    ],
)
def test_login_page_follows_accept_language(
    client: TestClient, header: str, expected: str, text: str
) -> None:
    page = client.get("/login", headers={"Accept-Language": header})
    assert page.status_code == 200
    assert language(page.text) == expected and text in page.text


def test_query_and_cookie_win_over_the_header(client: TestClient) -> None:
    chosen = client.get("/login?lang=en", headers={"Accept-Language": "zh-CN"})
    assert language(chosen.text) == "en"
    assert chosen.cookies.get("manyi_lang") == "en"
    again = client.get("/login", headers={"Accept-Language": "zh-CN"})
    assert language(again.text) == "en"  # the cookie set by ?lang=


def test_the_language_switch_names_the_other_language_in_itself(client: TestClient) -> None:
    zh = client.get("/login?lang=zh-CN").text
    assert 'hreflang="en" lang="en">English</a>' in zh and "跳到正文" in zh
    en = client.get("/login?lang=en").text
    assert 'hreflang="zh-CN" lang="zh-CN">中文</a>' in en and "Skip to content" in en


def test_concurrent_requests_each_get_their_own_language(client: TestClient) -> None:
    # The Jinja environment is shared; the language is bound per render, so requests in
    # other threads never see each other's translations.
    def fetch(i: int) -> tuple[str, str]:
        lang = ("zh-CN", "en")[i % 2]
        html = client.get("/login", headers={"Accept-Language": lang}).text
        return lang, html

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(fetch, range(64)))
    for lang, html in results:
        assert language(html) == lang
        assert ("登录" in html) == (lang == "zh-CN")
        assert ("Sign in" in html) == (lang == "en")


def test_aspect_page_dates_and_numbers_follow_the_language(
    sqlite_db: Database, client: TestClient
) -> None:
    from manyi.enrichment.service import enrich_pending
    from manyi.ingestion.feedback import FeedbackIn, record_feedback

    make_user_token(sqlite_db)
    sign_in(client)
    record_feedback(sqlite_db, [FeedbackIn(text="价格太贵了")])
    enrich_pending(sqlite_db)
    zh = client.get("/themes/price?lang=zh-CN").text
    assert re.search(r'<time datetime="[^"]+">\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}</time>', zh)
    assert "第 1 / 1 页，共 1 条" in zh and "负面 1" in zh
    en = client.get("/themes/price?lang=en").text
    assert re.search(r">[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\u202f[AP]M</time>", en)
    assert "page 1 of 1 (1 in all)" in en

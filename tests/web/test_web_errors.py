"""One error edge: an HTML error page for pages, the JSON shape under /api, and the page
login dependency's redirect (issue #9)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from factories import make_user_token
from manyi.app import create_app
from manyi.config import Settings
from manyi.errors import Conflict
from manyi.storage.database import Database


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def _sign_in(client: TestClient, next_url: str | None = None) -> TestClient:
    page = client.get("/login" + (f"?next={next_url}" if next_url else ""))
    form = {
        "email": "admin@example.com",
        "password": "correct horse battery",
        "csrf_token": _csrf(page.text),
    }
    if next_url is not None:
        form["next"] = next_url
    client.post("/login", data=form, follow_redirects=False)
    return client


@pytest.fixture
def app(sqlite_db: Database, tmp_path: Path) -> FastAPI:
    make_user_token(sqlite_db)
    return create_app(Settings(environment="test", data_dir=tmp_path), sqlite_db)


def test_unknown_page_is_an_html_404_in_the_page_language(app: FastAPI) -> None:
    client = TestClient(app)
    en = client.get("/no/such/page?lang=en")
    assert en.status_code == 404
    assert en.headers["content-type"].startswith("text/html")
    assert '<html lang="en">' in en.text and "<h1>Not found</h1>" in en.text
    assert 'data-status="404"' in en.text and 'href="/"' in en.text
    zh = TestClient(app).get("/no/such/page", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert zh.status_code == 404 and "<h1>找不到该页面</h1>" in zh.text


def test_unknown_api_path_is_the_json_shape(app: FastAPI) -> None:
    r = TestClient(app).get("/api/v1/nope")
    assert r.status_code == 404
    assert r.json() == {"ok": False, "error": "Not Found", "errors": [], "status": 404}


def test_a_service_error_in_a_page_renders_the_error_page_with_its_status(
    app: FastAPI,
) -> None:
    client = _sign_in(TestClient(app))
    missing = client.get("/themes/nope?lang=en")
    assert missing.status_code == 404 and 'data-status="404"' in missing.text
    assert "no aspect &#39;nope&#39; mentioned in the last 30 days" in missing.text
    assert "Signed in as: admin@example.com" in missing.text  # the header still knows you
    # the service's InvalidInput (422) is a bad link on a page: 400
    angry = client.get("/themes/price?label=angry&lang=en")
    assert angry.status_code == 400 and "<h1>Bad request</h1>" in angry.text
    assert "label must be one of negative, neutral, positive, not &#39;angry&#39;" in angry.text
    # FastAPI's own validation of a page's query is a page too, not JSON
    letters = client.get("/themes/price?page=x&lang=en")
    assert letters.status_code == 400 and letters.headers["content-type"].startswith("text/html")
    assert "query.page" in letters.text


def test_any_manyi_error_raised_in_a_page_keeps_its_status(app: FastAPI) -> None:
    def clash() -> None:
        raise Conflict("the survey was changed by someone else")

    app.add_api_route("/clash", clash)
    app.add_api_route("/api/v1/clash", clash)
    client = TestClient(app)
    page = client.get("/clash?lang=en")
    assert page.status_code == 409 and "<h1>Conflict</h1>" in page.text
    assert "the survey was changed by someone else" in page.text
    api = client.get("/api/v1/clash")
    assert (
        api.status_code == 409 and api.json()["error"] == "the survey was changed by someone else"
    )


def test_unexpected_errors_show_no_traceback(app: FastAPI) -> None:
    def boom() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/boom", boom)
    app.add_api_route("/api/v1/boom", boom)
    client = TestClient(app, raise_server_exceptions=False)
    page = client.get("/boom?lang=en")
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert "Something went wrong" in page.text and "server log" in page.text
    assert "secret internals" not in page.text and "Traceback" not in page.text
    api = client.get("/api/v1/boom")
    assert api.status_code == 500
    assert api.json() == {
        "ok": False,
        "error": "internal error; the details are in the server log",
        "errors": [],
        "status": 500,
    }


def test_pages_redirect_to_login_and_back(app: FastAPI) -> None:
    client = TestClient(app)
    home = client.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/login"
    theme = client.get("/themes/price?label=negative", follow_redirects=False)
    assert theme.status_code == 303
    assert theme.headers["location"] == "/login?next=%2Fthemes%2Fprice%3Flabel%3Dnegative"
    login = client.get(theme.headers["location"])
    assert 'name="next" value="/themes/price?label=negative"' in login.text
    signed_in = client.post(
        "/login",
        data={
            "email": "admin@example.com",
            "password": "correct horse battery",
            "csrf_token": _csrf(login.text),
            "next": "/themes/price?label=negative",
        },
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/themes/price?label=negative"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
def test_login_does_not_redirect_off_site(app: FastAPI, target: str) -> None:
    client = TestClient(app)
    page = client.get("/login")
    assert 'name="next"' not in client.get("/login", params={"next": target}).text
    r = client.post(
        "/login",
        data={
            "email": "admin@example.com",
            "password": "correct horse battery",
            "csrf_token": _csrf(page.text),
            "next": target,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_unauthenticated_api_is_a_json_401_not_a_redirect(app: FastAPI) -> None:
    r = TestClient(app).get("/api/v1/surveys", follow_redirects=False)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert r.json()["ok"] is False and r.json()["status"] == 401

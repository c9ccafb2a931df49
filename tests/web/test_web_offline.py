"""No page needs the internet: every script, style sheet, icon and link it loads is on this
host (issue #9: /docs loaded Swagger UI from a CDN and was blank offline)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from factories import signed_in_client
from manyi.enrichment.service import enrich_pending
from manyi.ingestion.feedback import FeedbackIn, record_feedback
from manyi.storage.database import Database

# A URL that names a host: http(s)://… or protocol-relative //…, in src=, href=, action=,
# url(…) or a JavaScript string handed to Swagger UI / ReDoc (spec-url, url: "…").
ATTRIBUTE = re.compile(
    r"""(?:\b(?:src|href|action|spec-url|url)\s*[=:]\s*|url\()\s*["']?\s*((?:[a-z][a-z0-9+.-]*:)?//[^"')\s>]*)""",
    re.IGNORECASE,
)


def external_urls(html: str) -> list[str]:
    return [url for url in ATTRIBUTE.findall(html) if not url.startswith("http://testserver/")]


def test_the_pattern_finds_external_urls() -> None:
    # the check itself must be able to fail
    assert external_urls('<script src="https://cdn.jsdelivr.net/npm/x.js"></script>') == [
        "https://cdn.jsdelivr.net/npm/x.js"
    ]
    assert external_urls("<link rel='icon' href='//fastapi.tiangolo.com/f.png'>") == [
        "//fastapi.tiangolo.com/f.png"
    ]
    assert external_urls("body { background: url( https://x.example/a.png ) }") == [
        "https://x.example/a.png"
    ]
    assert external_urls('<redoc spec-url="https://x.example/openapi.json">') == [
        "https://x.example/openapi.json"
    ]
    assert external_urls('<a href="/docs">docs</a><script src="/docs/assets/a.js">') == []


@pytest.fixture
def signed_in(sqlite_db: Database, tmp_path: Path) -> TestClient:
    record_feedback(sqlite_db, [FeedbackIn(text=t) for t in ("价格太贵了", "价格实惠")])
    enrich_pending(sqlite_db)
    client: TestClient = signed_in_client(sqlite_db, tmp_path)
    return client


PAGES = [
    "/docs",
    "/redoc",
    "/docs/oauth2-redirect",
    "/login",
    "/",
    "/?lang=en",
    "/themes/price",
    "/themes/price?page=9",
    "/themes/nope",
    "/no/such/page",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_page_loads_anything_from_another_host(signed_in: TestClient, path: str) -> None:
    r = signed_in.get(path)
    assert r.headers["content-type"].startswith("text/html"), path
    assert external_urls(r.text) == [], path


def test_the_style_sheet_loads_nothing_from_another_host(signed_in: TestClient) -> None:
    css = signed_in.get("/static/manyi.css")
    assert css.status_code == 200 and external_urls(css.text) == []


def test_every_page_header_links_to_docs_that_work_offline(signed_in: TestClient) -> None:
    home = signed_in.get("/?lang=en").text
    assert '<a href="/docs">' in home
    docs = signed_in.get("/docs").text
    scripts = re.findall(r'<script src="([^"]+)"', docs)
    styles = re.findall(r'<link type="text/css" rel="stylesheet" href="([^"]+)"', docs)
    assert scripts and styles
    for url in scripts:
        js = signed_in.get(url)
        assert js.status_code == 200
        assert "javascript" in js.headers["content-type"]
        assert "SwaggerUIBundle" in js.text  # the real Swagger UI, not an empty file
    for url in styles:
        css = signed_in.get(url)
        assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
        assert ".swagger-ui" in css.text
    assert '"validatorUrl": null' in docs  # no badge fetched from validator.swagger.io
    assert "url: '/openapi.json'" in docs
    redoc = signed_in.get("/redoc").text
    (redoc_js,) = re.findall(r'<script src="([^"]+)"', redoc)
    js = signed_in.get(redoc_js)
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert "Redoc" in js.text and 'spec-url="/openapi.json"' in redoc
    assert "fonts.googleapis.com" not in redoc
    # ReDoc's bundle fetches a logo from cdn.redoc.ly: the docs pages allow only this host
    for path in ("/docs", "/redoc"):
        policy = signed_in.get(path).headers["content-security-policy"]
        assert "default-src 'self'" in policy and "img-src 'self' data:;" in policy

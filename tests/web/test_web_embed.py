"""The website widget: the script, the frame-ancestors policy, the form in embed mode
(its cookie, its cookieless fallback, its height messages) and the snippet API (issue #10)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from factories import make_reference_data, make_survey, make_user_token
from manyi.app import create_app
from manyi.config import Settings
from manyi.storage.database import Database
from manyi.storage.tables import ResponseRow
from manyi.web.embed import SCRIPT_MAX_BYTES

SHOP = "https://shop.example.com"
ONE_QUESTION: dict[str, Any] = {
    "questions": [{"code": "nps", "kind": "nps", "text": {"zh-CN": "推荐吗？", "en": "Recommend?"}}]
}
TWO_PAGES: dict[str, Any] = {
    "questions": [
        {"code": "nps", "kind": "nps", "text": {"zh-CN": "推荐吗？", "en": "Recommend?"}},
        {
            "code": "comment",
            "kind": "open",
            "text": {"zh-CN": "建议？", "en": "Anything else?"},
            "page_break": True,
        },
    ]
}


def client_for(db: Database, tmp_path: Path, **settings: Any) -> TestClient:
    made = Settings(environment="test", data_dir=tmp_path, **settings)
    return TestClient(create_app(made, db))


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert found, f"the form carries {name}"
    return found.group(1)


def stored(db: Database) -> list[dict[str, Any]]:
    with db.session() as s:
        return [dict(r.answers) for r in s.scalars(select(ResponseRow))]


# --------------------------------------------------------------------------- frame policy


def test_by_default_no_other_website_may_frame_any_page(db: Database, tmp_path: Path) -> None:
    survey = make_survey(db, **ONE_QUESTION)
    client = client_for(db, tmp_path)
    for url in (f"/s/{survey.id}", f"/s/{survey.id}?embed=1", "/login", "/healthz"):
        r = client.get(url)
        assert r.headers["content-security-policy"] == "frame-ancestors 'self'", url
        assert r.headers["x-frame-options"] == "SAMEORIGIN", url


def test_the_allowed_websites_may_frame_the_form_and_nothing_else(
    db: Database, tmp_path: Path
) -> None:
    survey = make_survey(db, **ONE_QUESTION)
    client = client_for(db, tmp_path, embed_origins=f"{SHOP}, http://127.0.0.1:8123")
    r = client.get(f"/s/{survey.id}?embed=1")
    policy = f"frame-ancestors 'self' {SHOP} http://127.0.0.1:8123"
    assert r.headers["content-security-policy"] == policy
    assert "x-frame-options" not in r.headers  # it cannot name a list of sites
    # a posted page (a redirect or the next page) carries the same policy
    posted = client.post(f"/s/{survey.id}?embed=1", data={})
    assert posted.headers["content-security-policy"] == policy
    for url in (f"/s/{survey.id}/opt-out", "/login", "/", f"/s/{survey.id}/embed.js"):
        r = client.get(url, follow_redirects=False)
        assert r.headers["content-security-policy"] == "frame-ancestors 'self'", url


@pytest.mark.parametrize("bad", ["https://shop.example.com/path", "*", "javascript:alert(1)"])
def test_an_embed_origin_that_is_not_an_origin_is_refused_at_start(bad: str) -> None:
    with pytest.raises(ValueError, match="embed_origins"):
        Settings(environment="test", embed_origins=bad)


# --------------------------------------------------------------------------- the script


def test_the_script_is_small_self_contained_and_cacheable(db: Database, tmp_path: Path) -> None:
    client = client_for(db, tmp_path)
    r = client.get("/s/7/embed.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "max-age" in r.headers["cache-control"]
    assert len(r.content) < SCRIPT_MAX_BYTES
    code = re.sub(r"/\*.*?\*/", "", r.text, flags=re.S)  # the comment names an example URL
    for loader in ('createElement("script")', "fetch(", "XMLHttpRequest", "import(", "http"):
        assert loader not in code, loader
    # the origin check of the height messages
    assert "event.origin !== src.origin" in code and "event.source !== frame.contentWindow" in code
    assert client.get("/embed.js?survey=7").content == r.content
    assert client.get("/embed.js").status_code == 400  # a page, not the API: 400


# --------------------------------------------------------------------------- the form


def test_embed_mode_drops_the_chrome_and_talks_only_to_an_allowed_origin(
    db: Database, tmp_path: Path
) -> None:
    survey = make_survey(db, **ONE_QUESTION)
    client = client_for(db, tmp_path, embed_origins=SHOP)
    plain = client.get(f"/s/{survey.id}")
    assert "<script" not in plain.text and 'class=" embed"' not in plain.text
    allowed = client.get(f"/s/{survey.id}?embed=1&origin={SHOP}")
    assert 'class=" embed"' in allowed.text
    assert f'data-origin="{SHOP}"' in allowed.text and "embed-frame.js" in allowed.text
    other = client.get(f"/s/{survey.id}?embed=1&origin=https://evil.example.net")
    assert "<script" not in other.text  # no height messages to a site not allowed
    frame_script = client.get("/static/embed-frame.js").text
    assert "postMessage(message, host)" in frame_script  # never "*"


def test_an_embedded_form_over_https_sets_a_third_party_resume_cookie(
    db: Database, tmp_path: Path
) -> None:
    survey = make_survey(db, **ONE_QUESTION)
    client = client_for(
        db, tmp_path, embed_origins=SHOP, public_base_url="https://survey.example.com"
    )
    embedded = client.get(f"/s/{survey.id}?embed=1").headers["set-cookie"]
    assert f"manyi_resume_{survey.id}=" in embedded
    for part in ("HttpOnly", "Secure", "SameSite=None", "Partitioned", "Path=/"):
        assert part in embedded, part
    client.cookies.clear()
    direct = client.get(f"/s/{survey.id}").headers["set-cookie"]
    assert "samesite=lax" in direct.lower() and "Partitioned" not in direct


def test_a_frame_without_cookies_answers_page_by_page_and_submits(
    db: Database, tmp_path: Path
) -> None:
    """Where the browser blocks the frame's cookie, the hidden field carries the draft."""
    make_reference_data(db)
    survey = make_survey(db, **TWO_PAGES)
    client = client_for(db, tmp_path, embed_origins=SHOP)
    url = f"/s/{survey.id}?embed=1&ch=web&origin={SHOP}"
    page = client.get(url)
    client.cookies.clear()  # the browser dropped it
    resume = hidden(page.text, "resume")
    fields = {"csrf": hidden(page.text, "csrf"), "resume": resume, "q.nps": "4"}
    second = client.post(url, data=fields, follow_redirects=False)
    assert second.status_code == 200  # the next page at once, no redirect
    assert 'name="q.comment"' in second.text
    assert hidden(second.text, "resume") == resume
    client.cookies.clear()
    fields = {"csrf": hidden(second.text, "csrf"), "resume": resume, "q.comment": "挺好"}
    done = client.post(url, data=fields, follow_redirects=False)
    assert done.status_code == 200 and 'name="csrf"' not in done.text
    assert stored(db) == [{"nps": 4, "comment": "挺好"}]


def test_the_hidden_resume_field_counts_only_in_embed_mode(db: Database, tmp_path: Path) -> None:
    survey = make_survey(db, **ONE_QUESTION)
    client = client_for(db, tmp_path, embed_origins=SHOP)
    page = client.get(f"/s/{survey.id}?embed=1")
    resume, csrf = hidden(page.text, "resume"), hidden(page.text, "csrf")
    client.cookies.clear()
    fields = {"csrf": csrf, "resume": resume, "q.nps": "9"}
    refused = client.post(f"/s/{survey.id}", data=fields, follow_redirects=False)
    assert refused.status_code == 303 and stored(db) == []
    # a made-up token with a CSRF token of another draft is refused too
    forged = {**fields, "resume": "x" * 43}
    assert (
        client.post(f"/s/{survey.id}?embed=1", data=forged, follow_redirects=False).status_code
        == 303
    )
    assert stored(db) == []
    assert 'name="resume"' not in client.get(f"/s/{survey.id}").text


# --------------------------------------------------------------------------- the API


def test_the_api_gives_the_snippet(db: Database, tmp_path: Path) -> None:
    make_reference_data(db)
    survey = make_survey(db, **ONE_QUESTION)
    client = client_for(db, tmp_path, public_base_url="https://survey.example.com/manyi")
    auth = {"Authorization": f"Bearer {make_user_token(db)}"}
    url = f"/api/v1/surveys/{survey.id}/embed"
    assert client.get(url).status_code == 401
    body = client.get(
        url,
        params={"channel": "web", "touchpoint": "repair", "lang": "en", "label": 'Tell "us"<b>'},
        headers=auth,
    ).json()
    script = f"https://survey.example.com/manyi/s/{survey.id}/embed.js"
    assert body["script_url"] == script
    assert body["snippet"] == (
        f'<script src="{script}" data-channel="web" data-touchpoint="repair" data-lang="en" '
        'data-mode="button" data-label="Tell &quot;us&quot;&lt;b&gt;" async></script>'
    )
    assert body["form_url"] == (
        f"https://survey.example.com/manyi/s/{survey.id}?ch=web&tp=repair&lang=en&embed=1"
    )
    assert body["embeddable"] is False and body["allowed_origins"] == []
    inline = client.get(url, params={"mode": "inline", "height": 700}, headers=auth).json()
    assert 'data-mode="inline" data-height="700"' in inline["snippet"]
    assert "data-label" not in inline["snippet"]
    unknown = client.get(url, params={"channel": "fax"}, headers=auth)
    assert unknown.status_code == 422 and "fax" in unknown.text
    assert client.get(url, params={"height": 50}, headers=auth).status_code == 422
    assert client.get("/api/v1/surveys/999/embed", headers=auth).status_code == 404


def test_the_api_names_the_allowed_websites(db: Database, tmp_path: Path) -> None:
    survey = make_survey(db, **ONE_QUESTION)
    client = client_for(db, tmp_path, embed_origins=f"{SHOP} https://WWW.Example.com")
    auth = {"Authorization": f"Bearer {make_user_token(db)}"}
    body = client.get(f"/api/v1/surveys/{survey.id}/embed", headers=auth).json()
    assert body["embeddable"] is True
    assert body["allowed_origins"] == [SHOP, "https://www.example.com"]

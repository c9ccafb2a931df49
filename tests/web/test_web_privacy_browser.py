"""The consent checkbox in a real browser (Debian's Chromium, 390 px): reachable and
ticked with the keyboard, refused without the tick, and no serious or critical axe-core
violation on the consent page, its error page and an anonymous survey's page, in zh-CN
and en (issue #10, privacy)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import select
from test_web_browser import CHROMIUM, CHROMIUM_ARGS, _free_port, _require_browser
from test_web_respondent_browser import PHONE, serious_violations

from factories import make_survey
from manyi.app import create_app
from manyi.config import Settings
from manyi.storage.database import Database
from manyi.storage.tables import ResponseRow

pytestmark = pytest.mark.browser

CONSENT = {
    "version": "2026-02",
    "text": {
        "zh-CN": "我们仅将您的回答用于改进服务，保存 12 个月。",
        "en": "We use your answers only to improve our service and keep them 12 months.",
    },
}
QUESTIONS = [{"code": "nps", "kind": "nps", "text": {"zh-CN": "推荐意愿", "en": "Recommend?"}}]


@pytest.fixture
def server(sqlite_db: Database, tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    app = create_app(Settings(environment="test", data_dir=tmp_path), sqlite_db)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def test_consent_with_the_keyboard_and_no_serious_axe_violation(
    sqlite_db: Database, server: str
) -> None:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with_consent = make_survey(sqlite_db, questions=QUESTIONS, consent=CONSENT)
    anonymous = make_survey(sqlite_db, questions=QUESTIONS, anonymous=True, consent=CONSENT)
    found: dict[str, list[str]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for lang in ("zh-CN", "en"):
            page = browser.new_context(viewport=PHONE, locale=lang).new_page()
            page.goto(f"{server}/s/{with_consent.id}?lang={lang}")
            found[f"consent {lang}"] = serious_violations(page)
            box = page.get_by_role("checkbox")
            # the checkbox is named by its label and described by the consent text
            assert box.get_attribute("aria-describedby") == "consent-text"
            page.locator("label[for='q.nps-8']").click()
            page.get_by_role("button").last.click()
            page.locator("#consent-error").wait_for()
            found[f"consent error {lang}"] = serious_violations(page)
            assert page.get_by_role("checkbox").get_attribute("aria-invalid") == "true"
            page.get_by_role("checkbox").focus()
            page.keyboard.press("Space")
            assert page.get_by_role("checkbox").is_checked()
            page.locator("label[for='q.nps-8']").click()
            page.get_by_role("button").last.click()
            page.locator(".message").wait_for()
            page.goto(f"{server}/s/{anonymous.id}?lang={lang}")
            found[f"anonymous {lang}"] = serious_violations(page)
        browser.close()
    assert {name: v for name, v in found.items() if v} == {}
    assert len(found) == 6
    with sqlite_db.session() as s:
        stored = s.scalars(select(ResponseRow).order_by(ResponseRow.id)).all()
        assert [(r.answers, r.consent_version) for r in stored] == [
            ({"nps": 8}, "2026-02"),
            ({"nps": 8}, "2026-02"),
        ]

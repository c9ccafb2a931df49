"""The survey builder in a real browser (issue #10): a manager signs in, creates a survey
from the NPS template, edits a question's text, reorders, previews it in the phone frame
(390 px), publishes it, and the public link opens the form. Debian's Chromium, launched
as in test_web_browser.py."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import func, select
from test_web_browser import CHROMIUM, CHROMIUM_ARGS, _free_port, _require_browser

from factories import make_user_token
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role, SurveyStatus
from manyi.storage.database import Database
from manyi.storage.tables import ResponseRow, SurveyDraftRow
from manyi.surveys.service import get_survey

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
WORDS = {
    "en": {
        "surveys": "Surveys",
        "new": "New survey",
        "save": "Save the question",
        "saved": "Saved.",
        "preview": "Preview",
        "next": "Next",
        "publish": "Publish",
        "published": "Published",
        "text": "Would you recommend our repair service to a friend?",
        "went_wrong": "What went wrong?",
    },
    "zh-CN": {
        "surveys": "问卷",
        "new": "新建问卷",
        "save": "保存题目",
        "saved": "已保存。",
        "preview": "预览",
        "next": "下一页",
        "publish": "发布",
        "published": "已发布",
        "text": "您会向朋友推荐我们的维修服务吗？",
        "went_wrong": "哪里做得不好",
    },
}


@pytest.fixture
def server(sqlite_db: Database, tmp_path: Path) -> Iterator[str]:
    make_user_token(sqlite_db, Role.MANAGER, "manager@example.com")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(environment="test", data_dir=tmp_path, public_base_url=base)
    app = create_app(settings, sqlite_db)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield base
    srv.should_exit = True
    thread.join(timeout=10)


def _count(db: Database, table: type) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_manager_builds_a_survey_from_the_nps_template_and_publishes_it(
    server: str, sqlite_db: Database, tmp_path: Path, lang: str
) -> None:
    _require_browser()
    from playwright.sync_api import expect, sync_playwright

    words = WORDS[lang]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport=DESKTOP, locale=lang).new_page()
        page.goto(f"{server}/login?lang={lang}")
        page.fill("#email", "manager@example.com")
        page.fill("#password", "correct horse battery")
        page.locator("main form button[type=submit]").click()
        page.get_by_role("link", name=words["surveys"], exact=True).click()
        page.get_by_role("link", name=words["new"]).click()
        page.locator("li[data-template='nps'] button").click()
        page.wait_for_url("**/surveys/*/edit")
        survey_id = int(page.url.rsplit("/", 2)[-2])

        # edit the NPS question's text
        page.locator("#question-nps").get_by_role("link").first.click()
        field = page.locator("#f_text_en" if lang == "en" else "#f_text_zh")
        field.fill(words["text"])
        page.get_by_role("button", name=words["save"]).click()
        expect(page.locator(".notice")).to_contain_text(words["saved"])
        expect(page.locator("#question-nps .q-text")).to_have_text(words["text"])

        # reorder: "liked most" up twice, to the top of page 2
        for _ in range(2):
            with page.expect_navigation():
                page.locator(
                    "#question-liked_most button[aria-label$=': liked_most']"
                ).first.click()
        codes = page.locator("li.question-card").evaluate_all(
            "cards => cards.map(c => c.dataset.code)"
        )
        assert codes == ["nps", "liked_most", "went_wrong", "improve"]

        # preview in the phone frame: 390 px, conditions followed, nothing stored
        page.get_by_role("link", name=words["preview"], exact=True).click()
        frame_box = page.locator(".frame.phone iframe").bounding_box()
        assert frame_box is not None and round(frame_box["width"]) == 390
        phone = page.frame_locator(".frame.phone iframe")
        expect(phone.locator("legend").first).to_have_text(words["text"])
        phone.locator("label[for='q.nps-4']").click()
        phone.get_by_role("button", name=words["next"]).click()
        expect(phone.get_by_text(words["went_wrong"])).to_be_visible()
        frame = page.frame(url=lambda url: "/preview/form" in url)
        assert frame is not None
        assert frame.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(tmp_path / f"builder-preview-{lang}.png"), full_page=True)
        assert _count(sqlite_db, SurveyDraftRow) == 0 and _count(sqlite_db, ResponseRow) == 0

        # publish, then the public link opens the form
        page.goto(f"{server}/surveys/{survey_id}/edit")
        page.get_by_role("button", name=words["publish"]).click()
        expect(page.locator(".notice")).to_contain_text(words["published"])
        public = page.locator(".toolbar .public a").get_attribute("href")
        assert public == f"{server}/s/{survey_id}"
        respondent = browser.new_context(viewport={"width": 390, "height": 844}, locale=lang)
        form = respondent.new_page()
        response = form.goto(f"{public}?lang={lang}")
        assert response is not None and response.status == 200
        expect(form.locator("legend").first).to_have_text(words["text"])
        assert form.locator("input[name='q.nps']").count() == 11
        browser.close()

    survey = get_survey(sqlite_db, survey_id)
    assert survey.status == SurveyStatus.ACTIVE
    assert survey.version == 1  # the draft's edits were saved in place
    assert survey.definition.by_code["nps"].text.get(lang) == words["text"]

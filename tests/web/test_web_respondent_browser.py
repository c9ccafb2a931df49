"""The respondent form in a real browser on a phone-sized viewport (390 px): an NPS survey
down the detractor branch in zh-CN and en, left halfway, resumed from the same link and
submitted; the stored response is what was clicked (issue #10). Debian's Chromium,
launched as in test_web_browser.py."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import select
from test_web_browser import CHROMIUM, CHROMIUM_ARGS, _free_port, _require_browser

from factories import make_survey
from manyi.app import create_app
from manyi.config import Settings
from manyi.storage.database import Database
from manyi.storage.tables import ResponseRow

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

NPS_SURVEY: dict[str, Any] = {
    "title": {"zh-CN": "服务回访", "en": "Service follow-up"},
    "questions": [
        {
            "code": "nps",
            "kind": "nps",
            "text": {
                "zh-CN": "您向朋友推荐我们的可能性有多大？",
                "en": "How likely are you to recommend us?",
            },
            "required": True,
        },
        {
            "code": "wrong",
            "kind": "open",
            "text": {"zh-CN": "哪里做得不好？", "en": "What went wrong?"},
            "page_break": True,
            "show_if": {"question": "nps", "op": "<=", "value": 6},
        },
        {
            "code": "good",
            "kind": "multiple",
            "text": {"zh-CN": "哪些方面还不错？", "en": "What was fine?"},
            "options": [
                {"code": "fast", "text": {"zh-CN": "速度", "en": "Speed"}},
                {"code": "polite", "text": {"zh-CN": "礼貌", "en": "Politeness"}},
            ],
        },
        {
            "code": "csat",
            "kind": "csat",
            "text": {"zh-CN": "您对本次服务满意吗？", "en": "How satisfied are you?"},
            "page_break": True,
        },
    ],
}

TEXTS = {
    "zh-CN": {"page2": "第 2 页，共 3 页", "next": "下一页", "submit": "提交", "thanks": "感谢"},
    "en": {"page2": "Page 2 of 3", "next": "Next", "submit": "Submit", "thanks": "Thank you"},
}


@pytest.fixture
def served(sqlite_db: Database, tmp_path: Path) -> Iterator[tuple[str, int]]:
    survey = make_survey(sqlite_db, **NPS_SURVEY)
    port = _free_port()
    app = create_app(Settings(environment="test", data_dir=tmp_path), sqlite_db)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", survey.id
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_detractor_answers_leaves_resumes_and_submits_on_a_phone(
    served: tuple[str, int], sqlite_db: Database, tmp_path: Path, lang: str
) -> None:
    _require_browser()
    from playwright.sync_api import sync_playwright

    server, survey_id = served
    url = f"{server}/s/{survey_id}?ch=web&lang={lang}"
    words = TEXTS[lang]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        phone = browser.new_context(viewport=PHONE, locale=lang, is_mobile=True, has_touch=True)
        page = phone.new_page()
        page.goto(url)
        # no sideways scrolling on a phone
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.locator("label[for='q.nps-3']").click()
        page.get_by_role("button", name=words["next"]).click()
        page.get_by_text(words["page2"]).wait_for()
        wrong = "等太久了" if lang == "zh-CN" else "I waited too long"
        page.locator("textarea[name='q.wrong']").fill(wrong)
        page.locator("label[for='q.good.polite']").click()
        page.get_by_role("button", name=words["next"]).click()
        page.screenshot(path=str(tmp_path / f"respond-{lang}.png"), full_page=True)
        # leave: close the tab; the cookie jar of the same browser stays
        state = phone.storage_state()
        phone.close()

        back = browser.new_context(viewport=PHONE, locale=lang, storage_state=state)
        page = back.new_page()
        page.goto(url)
        assert page.locator("input[name='q.csat']").count() == 5  # resumed at page 3
        # keyboard: the 5-point scale is reachable and checkable without a pointer
        page.locator("#q\\.csat-2").focus()
        page.keyboard.press("ArrowRight")
        page.get_by_role("button", name=words["submit"]).click()
        page.get_by_text(words["thanks"]).first.wait_for()
        browser.close()

    with sqlite_db.session() as s:
        row = s.scalars(select(ResponseRow)).one()
        assert row.answers == {"nps": 3, "wrong": wrong, "good": ["polite"], "csat": 3}
        assert row.language == lang
        assert row.source == "web"


AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page, as 'rule: target' lines."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']}: {node['target']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
        for node in v["nodes"]
    ]


def test_respondent_pages_have_no_serious_axe_violation(
    sqlite_db: Database, served: tuple[str, int]
) -> None:
    _require_browser()
    from playwright.sync_api import sync_playwright

    from factories import survey_definition

    server, nps_id = served
    every_kind = make_survey(sqlite_db, **survey_definition())
    closed = make_survey(sqlite_db, status="closed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        found: dict[str, list[str]] = {}
        # the check itself must be able to fail: an input without a label is critical
        bare = browser.new_page()
        bare.set_content('<html lang="en"><title>t</title><main><input type="text"></main>')
        assert any(v.startswith("label:") for v in serious_violations(bare))
        for lang in ("zh-CN", "en"):
            page = browser.new_context(viewport=PHONE, locale=lang).new_page()
            for name, path in (
                ("every kind", f"/s/{every_kind.id}?lang={lang}"),
                ("larger text", f"/s/{every_kind.id}?lang={lang}&size=large"),
                ("closed", f"/s/{closed.id}?lang={lang}"),
            ):
                page.goto(server + path)
                found[f"{name} {lang}"] = serious_violations(page)
            # the page with errors next to the fields
            page.goto(f"{server}/s/{every_kind.id}?lang={lang}")
            page.locator("label[for='q.csat-3']").click()
            page.get_by_role("button").last.click()
            page.locator(".summary").wait_for()
            found[f"errors {lang}"] = serious_violations(page)
            # the thank-you page
            page.goto(f"{server}/s/{nps_id}?lang={lang}")
            page.locator("label[for='q.nps-9']").click()
            page.get_by_role("button").last.click()
            page.locator("label[for='q.good.fast']").click()  # a promoter's page 2
            page.get_by_role("button").last.click()
            page.locator("label[for='q.csat-4']").click()
            page.get_by_role("button").last.click()
            page.locator(".message").wait_for()
            found[f"thanks {lang}"] = serious_violations(page)
        browser.close()
    assert {name: v for name, v in found.items() if v} == {}
    assert len(found) == 10

"""The case inbox and the case page in Chromium against a real server: filters in the
URL, a transition, the conflict message when two tabs act on one case, and no sideways
scrolling at 390 px in zh-CN and en (screenshots kept in the test's tmp_path)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from manyi.app import create_app
from manyi.config import Settings
from manyi.storage.database import Database
from manyi.workflow.cases import CaseNew, open_case
from manyi.workflow.config import WorkflowConfig
from web.test_web_browser import CHROMIUM, CHROMIUM_ARGS, _free_port, _require_browser
from workflow.case_data import PASSWORD, SYSTEM, make_case_world

pytestmark = pytest.mark.browser


@pytest.fixture
def case_server(sqlite_db: Database, tmp_path: Path) -> Iterator[tuple[str, int]]:
    w = make_case_world(sqlite_db)
    case = open_case(
        sqlite_db,
        CaseNew("送货晚了三天，客户要求补偿", "call", "客户来电：包裹延误三天。", 3, 2,
                customer_id=w.customer, touchpoint_id=w.delivery),
        SYSTEM, WorkflowConfig(),
    )  # fmt: skip
    open_case(sqlite_db, CaseNew("Wrong size delivered", "letter", touchpoint_id=w.delivery),
              SYSTEM, WorkflowConfig())  # fmt: skip
    port = _free_port()
    app = create_app(Settings(environment="test", data_dir=tmp_path), sqlite_db)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", case.id
    srv.should_exit = True
    thread.join(timeout=10)


def test_inbox_case_page_and_two_tabs(case_server: tuple[str, int], tmp_path: Path) -> None:
    _require_browser()
    from playwright.sync_api import sync_playwright

    server, case_id = case_server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(f"{server}/login")
        page.get_by_label("邮箱").fill("a@example.com")
        page.get_by_label("密码").fill(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{server}/")
        page.get_by_role("link", name="工单").first.click()
        page.wait_for_url(f"{server}/cases")
        assert page.locator("tr[data-case]").count() == 2
        page.get_by_label("优先级").select_option("P2")
        page.get_by_role("button", name="筛选").click()
        assert "priority=P2" in page.url  # the filters live in the URL
        assert page.locator("tr[data-case]").count() == 1
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 390, f"the inbox scrolls sideways at 390 px ({wide} px)"
        page.screenshot(path=str(tmp_path / "inbox-zh-390.png"), full_page=True)

        # Two tabs on the same case: the first acts, the second's change is refused.
        page.goto(f"{server}/cases/{case_id}")
        other = context.new_page()
        other.goto(f"{server}/cases/{case_id}")
        page.get_by_label("转为").select_option("acknowledged")
        page.get_by_role("button", name="保存").click()
        page.wait_for_load_state()
        assert page.locator('[data-state="acknowledged"]').count() == 1
        other.get_by_label("转为").select_option("in_progress")
        other.get_by_role("button", name="保存").click()
        other.wait_for_load_state()
        alert = other.locator("#conflict")
        assert alert.is_visible() and "其他人修改了它" in alert.inner_text()
        assert other.locator('[data-state="acknowledged"]').count() == 1
        wide = other.evaluate("document.documentElement.scrollWidth")
        assert wide <= 390, f"the case page scrolls sideways at 390 px ({wide} px)"
        other.screenshot(path=str(tmp_path / "case-conflict-zh-390.png"), full_page=True)

        # English, desktop width: resolving needs a root cause, then it is resolved.
        desk = browser.new_context(locale="en", viewport={"width": 1280, "height": 900})
        desk.add_cookies(context.cookies())
        tab = desk.new_page()
        tab.goto(f"{server}/cases/{case_id}?lang=en")
        tab.get_by_label("Move to").select_option("resolved")
        tab.get_by_role("button", name="Save").click()
        assert "choose a root cause" in tab.locator(".error").inner_text()
        tab.get_by_label("Move to").select_option("resolved")
        tab.get_by_label("Root cause (required to resolve)").select_option("LOGI-DELAY")
        tab.get_by_label("Solution agreed with the customer").fill("Re-delivered, coupon agreed")
        tab.get_by_role("button", name="Save").click()
        assert tab.locator('[data-state="resolved"]').count() == 1
        assert tab.locator('.timeline li[data-kind="transition"]').count() == 2
        tab.screenshot(path=str(tmp_path / "case-en-desktop.png"), full_page=True)
        browser.close()


def test_rule_editor_at_390_px(case_server: tuple[str, int], tmp_path: Path) -> None:
    _require_browser()
    from playwright.sync_api import sync_playwright

    server, _ = case_server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for lang, email_label, password_label, create, create_metric in (
            ("zh-CN", "邮箱", "密码", "创建规则", "创建指标规则"),
            ("en", "E-mail", "Password", "Create the rule", "Create the metric rule"),
        ):
            context = browser.new_context(locale=lang, viewport={"width": 390, "height": 844})
            page = context.new_page()
            page.goto(f"{server}/login?lang={lang}")
            page.get_by_label(email_label).fill("m@example.com")
            page.get_by_label(password_label).fill(PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url(f"{server}/")
            page.goto(f"{server}/alert-rules")
            page.locator("#r-name").fill(f"Detractors {lang}")
            page.locator("#r-nps").fill("6")
            page.get_by_role("button", name=create).click()
            page.wait_for_load_state()
            assert page.locator(f'tr[data-rule] >> text="Detractors {lang}"').count() == 1
            # The metric form: an NPS drop over 7 days on the delivery touchpoint.
            page.locator("#m-name").fill(f"Delivery NPS {lang}")
            page.locator("#m-days").select_option("7")
            page.locator("#m-touchpoint").fill("delivery")
            page.get_by_role("button", name=create_metric).click()
            page.wait_for_load_state()
            row = page.locator(f'tr[data-rule]:has-text("Delivery NPS {lang}")')
            assert row.locator('[data-kind="metric_drop"]').count() == 1
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= 390, f"the rule editor scrolls sideways at 390 px ({wide} px)"
            page.screenshot(path=str(tmp_path / f"rules-{lang}-390.png"), full_page=True)
            context.close()
        browser.close()

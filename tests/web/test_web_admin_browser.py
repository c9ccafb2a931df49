"""Administration in a real browser (Debian's Chromium, desktop and 390 px): an
administrator creates a department under another, creates an agent in it, and the agent
signs in with the one-time password; the agent's session has no admin link and gets the
403 page at /admin. The admin pages have no serious axe-core violation and no sideways
scroll on a phone, in zh-CN and en."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from test_web_browser import CHROMIUM, CHROMIUM_ARGS, _free_port, _require_browser
from test_web_respondent_browser import PHONE, serious_violations

from manyi.accounts.service import create_user
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.storage.database import Database

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
#: The elements that reach past the viewport's right edge (to name them in a failure).
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


@pytest.fixture
def server(sqlite_db: Database, tmp_path: Path) -> Iterator[str]:
    create_user(sqlite_db, "admin@example.com", PASSWORD, Role.ADMIN)
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


def test_admin_creates_a_department_and_an_agent_who_signs_in(server: str, tmp_path: Path) -> None:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="en-US")
        page.goto(f"{server}/login?lang=en")
        page.get_by_label("E-mail").fill("admin@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{server}/")
        page.get_by_role("link", name="Administration").click()
        page.wait_for_url(f"{server}/admin/users")

        page.get_by_role("link", name="Departments").click()
        for code, zh, en, parent in [
            ("SVC", "服务中心", "Service centre", None),
            ("SVC-N", "北区服务", "North service", "Service centre (SVC)"),
        ]:
            page.get_by_label("Code").fill(code)
            page.get_by_label("Name in Chinese").fill(zh)
            page.get_by_label("Name in English").fill(en)
            if parent:
                page.get_by_label("Under").select_option(label=parent)
            page.get_by_role("button", name="Create department").click()
            page.wait_for_url(f"{server}/admin/departments?saved={code}")
        child = page.locator('li[data-department="SVC-N"]')
        assert child.get_attribute("style") == "--depth: 1"
        page.screenshot(path=str(tmp_path / "departments.png"), full_page=True)

        page.get_by_role("link", name="Users", exact=True).click()
        page.get_by_role("link", name="New user").click()
        page.get_by_label("E-mail", exact=True).fill("wang@example.com")
        page.get_by_label("Name", exact=True).fill("王芳")
        page.get_by_label("Role").select_option("agent")
        page.get_by_label("Department").select_option("SVC-N")
        page.get_by_role("button", name="Create user").click()
        password = page.locator("output#password").inner_text()
        assert len(password) == 16
        page.screenshot(path=str(tmp_path / "created.png"), full_page=True)
        page.get_by_role("link", name="All users").click()
        row = page.locator('tr[data-user="wang@example.com"]')
        assert "North service" in row.inner_text() and "Agent" in row.inner_text()
        page.get_by_role("button", name="Sign out").click()

        # the agent signs in with the one-time password
        page.wait_for_url(f"{server}/login")
        page.get_by_label("E-mail", exact=True).fill("wang@example.com")
        page.get_by_label("Password").fill(password)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{server}/")
        assert "wang@example.com (agent)" in page.locator(".who").inner_text()
        assert page.get_by_role("link", name="Administration").count() == 0
        assert page.goto(f"{server}/admin/users").status == 403  # type: ignore[union-attr]
        browser.close()


def test_admin_pages_on_a_phone_in_both_languages(server: str, tmp_path: Path) -> None:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=PHONE)
        page.goto(f"{server}/login?lang=en")
        page.get_by_label("E-mail").fill("admin@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{server}/")
        found: dict[str, list[str]] = {}
        for lang in ("zh-CN", "en"):
            for path in (
                "/admin/users",
                "/admin/users/new",
                "/admin/departments",
                "/admin/roles",
                "/admin/users/1",
            ):
                page.goto(f"{server}{path}?lang={lang}")
                name = path.strip("/").replace("/", "-")
                page.screenshot(path=str(tmp_path / f"{name}-{lang}.png"), full_page=True)
                # the page itself never scrolls sideways (the role matrix scrolls in its box)
                width = page.evaluate("document.documentElement.scrollWidth")
                wide = page.evaluate(WIDEST)
                assert width <= PHONE["width"], (path, lang, width, wide)
                found[f"{path} {lang}"] = serious_violations(page)
        browser.close()
    assert {k: v for k, v in found.items() if v} == {}

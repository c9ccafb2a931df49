"""The plan page in a real browser (issue #12): the demo's delivery plan shows its
measured improvement, the effect chart and milestones, in zh-CN and en, on a desktop
and on a 390 px phone without sideways scrolling; milestones toggle by keyboard."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from test_web_browser import CHROMIUM, CHROMIUM_ARGS, _free_port, _require_browser

from manyi.app import create_app
from manyi.config import Settings
from manyi.demo.load import load_demo
from manyi.storage.database import Database
from manyi.storage.migrate import upgrade

pytestmark = pytest.mark.browser
END = date(2026, 11, 15)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("plans-browser")
    db = Database(f"sqlite:///{folder / 'demo.db'}")
    upgrade(db)
    load_demo(db, n_responses=4000, n_feedback=60, end=END, admin_password="correct horse battery")
    port = _free_port()
    app = create_app(Settings(environment="test", data_dir=folder), db)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    db.dispose()


def _shots(tmp_path: Path) -> Path:
    # MANYI_SCREENSHOTS=<folder> keeps the screenshots for a person to look at.
    folder = Path(os.environ.get("MANYI_SCREENSHOTS", str(tmp_path)))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize(("lang", "verdict", "width"), [
    ("zh-CN", "已改善", 1280), ("en", "Improved", 1280), ("zh-CN", "已改善", 390), ("en", "Improved", 390),
])  # fmt: skip
def test_plan_page_shows_the_measured_effect(
    server: str, tmp_path: Path, lang: str, verdict: str, width: int
) -> None:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(locale=lang, viewport={"width": width, "height": 900})
        page.goto(f"{server}/login?lang={lang}")
        page.locator("input[name=email]").fill("admin@example.com")
        page.locator("input[name=password]").fill("correct horse battery")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{server}/")
        page.goto(f"{server}/plans")
        page.get_by_role("link", name="更换配送承运商").click()
        page.wait_for_url("**/plans/*")
        box = page.locator(".verdict")
        assert verdict in box.inner_text() and box.get_attribute("data-verdict") == "improved"
        assert page.locator("svg.effect-chart polyline").count() == 2
        assert page.locator(".milestones li").count() == 3
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        folder = _shots(tmp_path)
        page.screenshot(path=str(folder / f"plan-{lang}-{width}.png"), full_page=True)
        for path in (
            "/plans",
            "/plans/shared",
            "/scorecards",
            "/health",
            "/inbox",
            "/admin/webhooks",
            "/plans/new",
        ):
            page.goto(f"{server}{path}")
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
            name = path.strip("/").replace("/", "-")
            page.screenshot(path=str(folder / f"{name}-{lang}-{width}.png"), full_page=True)
        browser.close()


def test_milestone_toggles_by_keyboard(server: str) -> None:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="en")
        page.goto(f"{server}/login?lang=en")
        page.locator("input[name=email]").fill("admin@example.com")
        page.locator("input[name=password]").fill("correct horse battery")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{server}/")
        page.goto(f"{server}/plans")
        page.get_by_role("link", name="More hotline agents").click()
        first = page.locator(".milestones button").first
        assert first.get_attribute("aria-pressed") == "false"
        first.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator(".milestones button").first.get_attribute("aria-pressed") == "true"
        assert "(1 / 2)" in page.locator("h2", has_text="Milestones").inner_text()
        browser.close()

"""/analysis in Chromium at 390 px on demo data (Playwright against a real server): the
SERVQUAL study's sections are there, nothing scrolls sideways, nothing leaves the server.
Skipped like tests/web/test_web_browser.py where Chromium is missing."""

from __future__ import annotations

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
from manyi.enrichment.service import enrich_pending
from manyi.reporting.stored import clear_cache
from manyi.storage.database import Database

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_server(sqlite_db: Database, tmp_path: Path) -> Iterator[str]:
    _require_browser()
    load_demo(sqlite_db, n_responses=1500, n_feedback=20, end=date(2026, 11, 30))
    enrich_pending(sqlite_db)
    clear_cache()
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


def test_analysis_page_on_a_phone(demo_server: str, tmp_path: Path) -> None:
    from playwright.sync_api import Route, sync_playwright

    elsewhere: list[str] = []

    def only_this_server(route: Route) -> None:
        if route.request.url.startswith(demo_server):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
        # a first analysis (bootstrap, PLS) takes seconds alone and can pass 30 s while
        # the parallel suite shares two cores with it
        page.set_default_timeout(120_000)
        page.route("**/*", only_this_server)
        page.goto(f"{demo_server}/login")
        page.get_by_label("邮箱").fill("admin@example.com")
        page.get_by_label("密码").fill("manyi-demo")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{demo_server}/")
        page.goto(f"{demo_server}/analysis?lang=en")
        page.get_by_label("Survey").select_option("demo-servqual")
        page.get_by_role("button", name="Analyse").click()
        page.wait_for_url("**/analysis?**survey=demo-servqual**", timeout=120_000)
        assert page.get_by_role(
            "heading", name="SERVQUAL gaps (perception − expectation)"
        ).is_visible()
        gaps = page.locator("ul.gaps li")
        assert gaps.count() == 5  # the five SERVQUAL dimensions
        assert "Reliability" in page.locator("ul.gaps").inner_text()
        assert page.locator("#ipa ~ figure svg.scatter").count() == 1
        assert page.get_by_role("heading", name="Key drivers").is_visible()
        assert page.locator("#pls ~ div.scroll table").count() == 2
        # the phone never scrolls sideways; wide tables scroll inside their own box
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        page.screenshot(path=str(tmp_path / "analysis-390.png"), full_page=True)
        # the NPS survey's journey in Chinese: touchpoints in stage order, one weakest link
        page.goto(f"{demo_server}/analysis?survey=demo-nps&lang=zh-CN")
        assert page.locator("ol.journey li").count() >= 5
        assert page.locator("ol.journey li.weakest").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        browser.close()
    assert elsewhere == []

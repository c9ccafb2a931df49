"""The overview dashboard in a real browser (Debian's Chromium, Playwright, the real
server): the numbers equal the API and ``manyi.stats`` on the raw rows, the planted
incident month is a marked drop in the NPS trend, a filter changes the numbers and stays
in the URL over a reload, the drill-down reaches the comments, and a 390 px phone has no
sideways scroll. Screenshots in both languages at both widths.

Skipped where Chromium is missing, except with MANYI_REQUIRE_BROWSER=1 (as
tests/web/test_web_browser.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from test_web_browser import CHROMIUM, CHROMIUM_ARGS, _free_port, _require_browser

from dashboard_data import DashboardData, make_dashboard_data
from dashboard_loop_data import make_loop_data
from factories import make_user_token
from manyi.accounts.service import create_user
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.enrichment.service import enrich_pending
from manyi.stats.metrics import nps
from manyi.storage.database import Database

pytestmark = pytest.mark.browser

PERIOD = "from=2026-03-01&to=2026-08-31"
PASSWORD = "correct horse battery"


@pytest.fixture
def served(sqlite_db: Database, tmp_path: Path) -> Iterator[tuple[str, str, DashboardData]]:
    token = make_user_token(sqlite_db)
    data = make_dashboard_data(sqlite_db)
    enrich_pending(sqlite_db)
    port = _free_port()
    app = create_app(Settings(environment="test", data_dir=tmp_path), sqlite_db)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", token, data
    srv.should_exit = True
    thread.join(timeout=10)


def _nps_shown(page: object) -> float:
    card = page.locator('article[data-metric="nps"] .value')  # type: ignore[attr-defined]
    return float(card.get_attribute("data-value"))


def test_dashboard_in_chromium(served: tuple[str, str, DashboardData], tmp_path: Path) -> None:
    _require_browser()
    from playwright.sync_api import sync_playwright

    server, token, data = served
    api = httpx.get(
        f"{server}/api/v1/dashboard?{PERIOD}", headers={"Authorization": f"Bearer {token}"}
    ).json()
    api_nps = next(m for m in api["metrics"] if m["key"] == "nps")
    raw_nps = nps([r.nps for r in data.rows]).score
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="en")
        page.goto(f"{server}/dashboard?{PERIOD}&lang=en")
        page.get_by_label("E-mail").fill("admin@example.com")
        page.get_by_label("Password").fill("correct horse battery")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{server}/dashboard?{PERIOD}&lang=en")
        # the same number as the API and as manyi.stats on the raw rows
        assert _nps_shown(page) == pytest.approx(api_nps["value"]) == pytest.approx(raw_nps)
        assert page.locator('article[data-metric="nps"] .value').inner_text() == (f"{raw_nps:+.1f}")
        # the incident month: a marked drop in the monthly NPS trend, ringed in the chart
        nps_trend = page.locator('section[data-trend="nps"]')
        drop = nps_trend.locator('li.drop[data-marked="2026-06"]')
        assert drop.is_visible() and "below the lower control limit" in drop.inner_text()
        assert nps_trend.locator('svg circle[stroke="#D55E00"]').count() >= 1
        nps_trend.get_by_text("Table view").click()
        assert nps_trend.locator('tr[data-label="2026-06"].drop').is_visible()
        page.screenshot(path=str(tmp_path / "dashboard-en-desktop.png"), full_page=True)
        # a filter changes the numbers and stays in the URL, also after a reload
        before = _nps_shown(page)
        page.get_by_label("Department").select_option("LOG")
        page.get_by_role("button", name="Apply").click()
        page.wait_for_url("**department=LOG**")
        after = _nps_shown(page)
        delivery = nps([r.nps for r in data.rows if r.touchpoint == "delivery"]).score
        assert after != before and after == pytest.approx(delivery)
        page.reload()
        assert "department=LOG" in page.url and _nps_shown(page) == pytest.approx(delivery)
        assert page.get_by_label("Department").input_value() == "LOG"
        # drill down from the NPS card to the detractors and their comments
        page.locator('article[data-metric="nps"]').get_by_role("link", name="detractors").click()
        page.wait_for_url("**/responses?**value=0-6**")
        detractors = sum(r.nps <= 6 for r in data.rows if r.touchpoint == "delivery")
        assert page.locator("#drill-summary").get_attribute("data-total") == str(detractors)
        assert page.locator("blockquote.comment").first.is_visible()
        assert "送货太慢了" in page.locator("ol.drill").inner_text()
        page.screenshot(path=str(tmp_path / "responses-en-desktop.png"), full_page=True)
        # a phone: no sideways scroll, readable text, in both languages
        for lang in ("zh-CN", "en"):
            phone = browser.new_page(viewport={"width": 390, "height": 844}, locale=lang)
            phone.context.add_cookies(page.context.cookies())  # type: ignore[arg-type]
            phone.goto(f"{server}/dashboard?{PERIOD}&lang={lang}")
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{lang}: the page is {width} px wide at 390 px"
            size = phone.evaluate(
                "parseFloat(getComputedStyle(document.querySelector('.cards .value')).fontSize)"
            )
            assert size >= 20
            phone.screenshot(path=str(tmp_path / f"dashboard-{lang}-390.png"), full_page=True)
            phone.close()
        zh = browser.new_page(locale="zh-CN")
        zh.context.add_cookies(page.context.cookies())  # type: ignore[arg-type]
        zh.goto(f"{server}/dashboard?{PERIOD}&lang=zh-CN")
        zh.screenshot(path=str(tmp_path / "dashboard-zh-CN-desktop.png"), full_page=True)
        browser.close()


def test_closed_loop_panel_in_chromium(
    served: tuple[str, str, DashboardData], sqlite_db: Database, tmp_path: Path
) -> None:
    """The closed-loop panel at 390 and 1280 px in both languages: shown, no sideways
    scroll on a phone, and a breached case's link opens the case."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    server, _token, data = served
    loop = make_loop_data(
        sqlite_db, data, create_user(sqlite_db, "planner@example.com", PASSWORD, Role.ADMIN)
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en")
        page.goto(f"{server}/dashboard?{PERIOD}&lang=en")
        page.get_by_label("E-mail").fill("admin@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{server}/dashboard?{PERIOD}&lang=en")
        cookies = page.context.cookies()
        for width in (390, 1280):
            for lang in ("zh-CN", "en"):
                view = browser.new_page(viewport={"width": width, "height": 844}, locale=lang)
                view.context.add_cookies(cookies)  # type: ignore[arg-type]
                view.goto(f"{server}/dashboard?{PERIOD}&lang={lang}")
                panel = view.locator("#loop")
                assert panel.is_visible()
                value = panel.locator('[data-loop="breached"] .value').inner_text()
                assert value == str(len(loop.breached))
                scroll = view.evaluate("document.documentElement.scrollWidth")
                assert scroll <= width, f"{lang}: the page is {scroll} px wide at {width} px"
                panel.scroll_into_view_if_needed()
                panel.screenshot(path=str(tmp_path / f"loop-{lang}-{width}.png"))
                view.close()
        first = page.locator("#loop ul.breached a").first
        case_id = int((first.get_attribute("href") or "").rsplit("/", 1)[-1])
        assert case_id in loop.breached
        first.click()
        page.wait_for_url(f"**/cases/{case_id}")
        browser.close()

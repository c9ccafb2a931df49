"""Must show (issue #11), in Chromium against a real server: an agent of one department
signs in and opens their department's comments and responses, and neither the pages nor
the API open another department's (404, as for data that does not exist)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.enrichment.service import enrich_pending
from manyi.storage.database import Database
from scoped_data import PASSWORD, ScopedData, make_scoped_data, make_scoped_user
from web.test_web_browser import CHROMIUM, CHROMIUM_ARGS, _free_port, _require_browser

pytestmark = pytest.mark.browser


@pytest.fixture
def scoped_server(sqlite_db: Database, tmp_path: Path) -> Iterator[tuple[str, ScopedData, str]]:
    data = make_scoped_data(sqlite_db)
    enrich_pending(sqlite_db)
    _, token = make_scoped_user(sqlite_db, Role.AGENT, "east", "agent@example.com")
    port = _free_port()
    app = create_app(Settings(environment="test", data_dir=tmp_path), sqlite_db)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", data, token
    srv.should_exit = True
    thread.join(timeout=10)


def test_an_agent_sees_their_department_only_in_chromium(
    scoped_server: tuple[str, ScopedData, str], tmp_path: Path
) -> None:
    _require_browser()
    from playwright.sync_api import sync_playwright

    base, data, token = scoped_server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="en")
        page.goto(f"{base}/login?lang=en")
        page.get_by_label("E-mail").fill("agent@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/themes/delivery")
        comments = page.locator("tr[data-source]")
        texts = [comments.nth(i).inner_text() for i in range(comments.count())]
        assert texts and all("east" in t and "east_a" not in t for t in texts), texts
        page.screenshot(path=str(tmp_path / "agent-theme.png"), full_page=True)
        flagged = page.goto(f"{base}/responses/flagged")
        assert flagged is not None and flagged.status == 403  # not an agent's page
        api = {"Authorization": f"Bearer {token}"}
        own = page.request.get(f"{base}/api/v1/responses/{data.responses['tp_east']}", headers=api)
        assert own.status == 200
        for other in ("tp_west", "tp_east_a", "tp_none"):
            refused = page.request.get(
                f"{base}/api/v1/responses/{data.responses[other]}", headers=api
            )
            assert refused.status == 404, other
        west = page.request.get(f"{base}/api/v1/feedback/{data.feedback['west']}", headers=api)
        assert west.status == 404
        browser.close()

"""The website widget in a real browser: a host page on another site (localhost, while
manyi is 127.0.0.1, so the frame is cross-site and its lax cookie is not sent) includes
the script, opens the widget, answers a one-question survey inside the frame and submits;
the stored response is what was clicked. A site not in MANYI_EMBED_ORIGINS gets no form.
Debian's Chromium, launched as in test_web_browser.py (issue #10)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import select
from test_web_browser import CHROMIUM, CHROMIUM_ARGS, _free_port, _require_browser
from test_web_respondent_browser import serious_violations

from factories import make_reference_data, make_survey
from manyi.app import create_app
from manyi.config import Settings
from manyi.storage.database import Database
from manyi.storage.tables import ChannelRow, ResponseRow

pytestmark = pytest.mark.browser

ONE_QUESTION: dict[str, Any] = {
    "title": {"zh-CN": "购物体验", "en": "Your shopping experience"},
    "questions": [
        {
            "code": "nps",
            "kind": "nps",
            "text": {"zh-CN": "您向朋友推荐我们的可能性有多大？", "en": "How likely?"},
            "required": True,
        }
    ],
}


def _host(pages: dict[str, str]) -> tuple[ThreadingHTTPServer, int]:
    """A customer's website: a second local server answering each path with its HTML."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path.split("?")[0], "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    port = _free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, port


@pytest.fixture
def widget(sqlite_db: Database, tmp_path: Path) -> Iterator[dict[str, Any]]:
    make_reference_data(sqlite_db)
    survey = make_survey(sqlite_db, **ONE_QUESTION)
    manyi_port, host_port, other_port = _free_port(), 0, 0
    manyi = f"http://127.0.0.1:{manyi_port}"
    script = f"{manyi}/s/{survey.id}/embed.js"
    shop_page = (
        '<!doctype html><html lang="en"><head><title>Shop</title></head><body>'
        "<main><h1>Our shop</h1><p>Thanks for your order.</p></main>"
        f'<script src="{script}" data-lang="en" data-channel="web" async></script>'
        "</body></html>"
    )
    inline_page = (
        '<!doctype html><html lang="en"><head><title>Shop</title></head><body><main>'
        f'<div id="here"></div><script src="{script}" data-mode="inline" data-target="#here" '
        'data-lang="en"></script></main></body></html>'
    )
    host, host_port = _host({"/": shop_page, "/inline": inline_page})
    other, other_port = _host({"/inline": inline_page})
    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        public_base_url=manyi,
        embed_origins=f"http://localhost:{host_port}",
    )
    app = create_app(settings, sqlite_db)
    srv = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=manyi_port, log_level="warning")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield {
        "survey": survey.id,
        "shop": f"http://localhost:{host_port}",
        "other": f"http://localhost:{other_port}",
    }
    srv.should_exit = True
    thread.join(timeout=10)
    host.shutdown()
    other.shutdown()


def test_a_customer_answers_in_the_widget_on_another_website(
    widget: dict[str, Any], sqlite_db: Database
) -> None:
    _require_browser()
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1024, "height": 800})
        page.goto(widget["shop"] + "/")
        opener = page.get_by_role("button", name="Feedback")
        expect(opener).to_have_attribute("aria-expanded", "false")
        assert page.locator("iframe").get_attribute("src") is None  # no draft before opening
        opener.click()
        frame_element = page.locator("iframe[title='Feedback survey']")
        frame = page.frame_locator("iframe[title='Feedback survey']")
        frame.get_by_text("How likely?").wait_for()
        # the frame reported its height (first 520 px), addressed to this page's origin
        page.wait_for_function(
            "() => document.querySelector('iframe').style.height !== '520px'", timeout=10_000
        )
        reported = int(frame_element.evaluate("f => parseInt(f.style.height, 10)"))
        content = frame.locator("html").evaluate("h => h.getBoundingClientRect().height")
        assert abs(reported - content) <= 2
        assert page.get_by_role("dialog").is_visible()
        assert page.get_by_role("button", name="Close").is_visible()
        assert serious_violations(page) == []  # the host page with the open widget
        frame.locator("label[for='q.nps-8']").click()
        frame.get_by_role("button", name="Submit").click()
        frame.get_by_text("Thank you").first.wait_for()
        # Escape in the frame asks the host page to close the panel; focus goes back
        frame.locator("h1").click()
        page.keyboard.press("Escape")
        expect(opener).to_be_visible()
        expect(opener).to_be_focused()
        expect(opener).to_have_attribute("aria-expanded", "false")
        browser.close()

    with sqlite_db.session() as s:
        row = s.scalars(select(ResponseRow)).one()
        web = s.scalars(select(ChannelRow.id).where(ChannelRow.code == "web")).one()
        assert row.answers == {"nps": 8}
        assert row.source == "web" and row.channel_id == web
        assert row.language == "en"


def test_inline_on_an_allowed_site_and_refused_on_another(
    widget: dict[str, Any], sqlite_db: Database
) -> None:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(widget["shop"] + "/inline")
        inline = page.frame_locator("#here iframe")
        inline.get_by_text("How likely?").wait_for()
        blocked: list[str] = []
        elsewhere = browser.new_page()
        elsewhere.on("console", lambda m: blocked.append(m.text))
        elsewhere.goto(widget["other"] + "/inline")
        elsewhere.locator("#here iframe").wait_for(state="attached")
        elsewhere.wait_for_timeout(1500)
        # the browser refuses to show the form: frame-ancestors names only the shop
        assert elsewhere.frame_locator("#here iframe").locator("form").count() == 0
        assert any("frame-ancestors" in line for line in blocked), blocked
        browser.close()

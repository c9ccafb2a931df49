"""The PDF renderer: offline (no http(s), no file: fetch), Chinese glyphs from Noto Sans
CJK SC, text that reads back out of the PDF (issue #11)."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pypdf import PdfReader

from manyi.reporting.reports.pdf import CJK_FONT, OfflineFetcher, cjk_font_installed, html_to_pdf


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_fonts(pdf: bytes) -> set[str]:
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts: Any = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            names.add(str(ref.get_object()["/BaseFont"]))
    return names


@pytest.fixture
def http_server() -> Iterator[tuple[str, list[str]]]:
    """A local web server that records every request it gets."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red; }")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def test_the_renderer_fetches_nothing_from_the_network_or_the_disk(
    http_server: tuple[str, list[str]],
) -> None:
    base, hits = http_server
    html = f"""<!doctype html><html><head>
      <link rel="stylesheet" href="{base}/style.css">
      <style>@import url("{base}/import.css"); body {{ background: url("{base}/bg.png"); }}</style>
      </head><body><p>满意度报告</p>
      <img src="{base}/logo.png"><img src="https://example.com/x.png">
      <img src="file:///etc/hostname"></body></html>"""
    fetcher = OfflineFetcher()
    pdf = html_to_pdf(html, fetcher=fetcher)
    assert hits == [], "the local server was never asked"
    assert f"{base}/style.css" in fetcher.refused
    assert f"{base}/logo.png" in fetcher.refused
    assert "https://example.com/x.png" in fetcher.refused
    assert "file:///etc/hostname" in fetcher.refused
    assert "满意度报告" in pdf_text(pdf)


def test_a_data_uri_is_still_drawn() -> None:
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
        "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    fetcher = OfflineFetcher()
    pdf = html_to_pdf(f'<img src="{pixel}" style="width:10px">', fetcher=fetcher)
    assert fetcher.refused == []
    assert b"/Image" in pdf


def test_chinese_is_drawn_with_the_cjk_font_and_reads_back() -> None:
    if cjk_font_installed() is False:
        pytest.fail(
            f"{CJK_FONT} is not installed: apt-get install fonts-noto-cjk (docs/reports.md)"
        )
    html = (
        '<html lang="zh-CN"><body style="font-family: \'Noto Sans CJK SC\'">'
        "<h1>净推荐值 NPS 月度报告</h1><p>物流配送部：送货准时率提升</p></body></html>"
    )
    pdf = html_to_pdf(html)
    text = pdf_text(pdf)
    assert "净推荐值 NPS 月度报告" in text
    assert "物流配送部：送货准时率提升" in text
    assert any("Noto-Sans-CJK-SC" in name for name in pdf_fonts(pdf)), pdf_fonts(pdf)

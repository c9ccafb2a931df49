"""Past the last page the aspect page says so, with 404 and a link to the last page,
instead of "no matching comments" with 200 (issue #9)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from factories import signed_in_client
from manyi.enrichment.service import enrich_pending
from manyi.ingestion.feedback import FeedbackIn, record_feedback
from manyi.reporting.themes import PAGE_SIZE
from manyi.storage.database import Database


def _signed_in(db: Database, tmp_path: Path) -> TestClient:
    client: TestClient = signed_in_client(db, tmp_path)
    return client


def test_a_page_past_the_end_says_so_with_404(sqlite_db: Database, tmp_path: Path) -> None:
    client = _signed_in(sqlite_db, tmp_path)
    record_feedback(sqlite_db, [FeedbackIn(text=t) for t in ("价格太贵了", "价格实惠，服务周到")])
    enrich_pending(sqlite_db)
    last = client.get("/themes/price?page=1&lang=en")
    assert last.status_code == 200 and "page 1 of 1 (2 in all)" in last.text
    past = client.get("/themes/price?page=3&lang=en")
    assert past.status_code == 404
    assert "Page 3 is past the end (there is 1 page)." in past.text
    assert "No matching comments" not in past.text
    assert '<a href="?page=1">Go to the last page</a>' in past.text
    # the filter is kept in the link, and a filter with no comments has one empty page
    filtered = client.get("/themes/price?label=neutral&page=2&lang=en")
    assert filtered.status_code == 404
    assert '<a href="?label=neutral&amp;page=1">' in filtered.text
    empty = client.get("/themes/price?label=neutral&lang=en")
    assert empty.status_code == 200 and "No matching comments in the last 30 days." in empty.text


def test_past_the_end_of_several_pages(sqlite_db: Database, tmp_path: Path) -> None:
    client = _signed_in(sqlite_db, tmp_path)
    texts = [f"第{i}次买，价格太贵了" for i in range(PAGE_SIZE + 1)]
    record_feedback(sqlite_db, [FeedbackIn(text=t) for t in texts])
    enrich_pending(sqlite_db)
    second = client.get("/themes/price?page=2&lang=en")
    assert second.status_code == 200 and len(re.findall(r"<tr data-source=", second.text)) == 1
    past = client.get("/themes/price?page=7&lang=en")
    assert past.status_code == 404
    assert "Page 7 is past the end (there are 2 pages)." in past.text
    assert '<a href="?page=2">' in past.text

"""The home page leaves responses with a quality flag out of NPS and CSAT, says how many,
and a link counts them in (issue #9: they used to be counted without a word)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from factories import good_answers, make_survey, signed_in_client
from manyi.ingestion.pipeline import ResponseBatch, record
from manyi.ingestion.responses import ResponseIn
from manyi.storage.database import Database
from manyi.storage.types import utcnow


def _signed_in(db: Database, tmp_path: Path) -> TestClient:
    client: TestClient = signed_in_client(db, tmp_path)
    return client


def _nps_cell(html: str) -> str:
    cell = re.search(r'<td class="num nps"[^>]*>\s*<strong>([^<]+)</strong>', html)
    assert cell, html
    return cell.group(1)


def test_flagged_responses_are_left_out_and_can_be_included(db: Database, tmp_path: Path) -> None:
    survey = make_survey(db)
    now = utcnow()
    calm = [
        ResponseIn(
            answers=good_answers(nps=10, comment=f"第{i}条"),
            started_at=now - timedelta(minutes=5),
            submitted_at=now - timedelta(minutes=3),
        )
        for i in range(3)
    ]
    speeder = ResponseIn(
        answers=good_answers(nps=0, comment="快"),
        started_at=now - timedelta(seconds=62),
        submitted_at=now - timedelta(seconds=60),
    )
    record(db, ResponseBatch(survey.id, [*calm, speeder]))
    client = _signed_in(db, tmp_path)

    page = client.get("/?lang=en")
    assert page.status_code == 200
    assert page.text.count("response with a quality flag") == 1 and "left out of NPS" in page.text
    assert _nps_cell(page.text) == "+100.0"
    assert 'href="?flagged=include#flagged"' in page.text

    included = client.get("/?flagged=include&lang=en")
    assert "NPS and CSAT include 1 response with a quality flag" in included.text
    assert _nps_cell(included.text) == "+50.0"  # 3 promoters, 1 detractor of 4

    zh = client.get("/?lang=zh-CN")
    assert "未计入 1 份有质量标记的答卷" in zh.text
    assert client.get("/?flagged=sometimes").status_code == 400

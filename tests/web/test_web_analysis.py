"""/analysis (issue #11 item 2): the sections in zh-CN and en, the numbers of the service,
plain words where the data do not allow a section, filters kept in the link, and the
user's department scope."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from analysis_data import store_study
from factories import make_user_token, sign_in
from manyi.accounts.service import create_user
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.reporting.stored import AnalysisQuery, analyze_survey, clear_cache
from manyi.storage.database import Database
from manyi.surveys.service import create_survey


def client_for(db: Database, tmp_path: Path, email: str = "admin@example.com") -> TestClient:
    clear_cache()
    client = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    sign_in(client, email)
    return client


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        (
            "en",
            [
                "Journey: touchpoints in order",
                "SERVQUAL gaps",
                "weakest link",
                "Key drivers",
                "Kano categories",
                "Index model (PLS path model)",
                "Segment comparisons",
                "The zone of tolerance needs the adequate and the desired service level",
                "The value curve compares the customers' ratings",
            ],
        ),
        (
            "zh-CN",
            [
                "客户旅程：按顺序排列的触点",
                "SERVQUAL 差距",
                "最薄弱环节",
                "关键驱动因素",
                "Kano 分类",
                "细分群体比较",
                "容忍区需要",
                "价值曲线比较客户",
            ],
        ),
    ],
)
def test_sections_in_both_languages(
    db: Database, tmp_path: Path, lang: str, texts: list[str]
) -> None:
    store_study(db)
    make_user_token(db)
    page = client_for(db, tmp_path).get(f"/analysis?survey=study&lang={lang}")
    assert page.status_code == 200
    for text in texts:
        assert text in page.text, text
    result = analyze_survey(db, AnalysisQuery("study"), bootstrap=100)
    assert result.report is not None
    gap = (
        result.report.section("servqual")
        .part("gaps")
        .tables["dimensions"]
        .loc["reliability", "gap"]
    )
    assert f"{gap:+.2f}".replace("-", "-") in page.text.replace("−", "-")
    weakest = result.journey.weakest
    assert weakest is not None
    row = re.search(r'<li class="weakest">(.*?)</li>', page.text, re.S)
    assert row and (weakest.name_en if lang == "en" else weakest.name_zh) in row.group(1)
    assert 'class="scatter"' in page.text  # IPA and Kano as inline SVG
    assert "<script" not in page.text.split("<main", 1)[1]  # no script: charts are SVG/CSS


def test_a_survey_without_the_questions_says_so(db: Database, tmp_path: Path) -> None:
    create_survey(
        db,
        {
            "title": {"zh-CN": "只有 NPS", "en": "NPS only"},
            "questions": [{"code": "nps", "kind": "nps", "text": "推荐", "required": True}],
        },
        code="nps-only",
        status="active",
    )
    make_user_token(db)
    client = client_for(db, tmp_path)
    page = client.get("/analysis?survey=nps-only&lang=en")
    assert "No response of this survey matches the period and filters" in page.text
    page = client.get("/analysis?survey=nps-only&lang=zh-CN")
    assert "本问卷没有符合该时间段和筛选条件" in page.text


def test_filters_stay_in_the_link_and_change_the_numbers(db: Database, tmp_path: Path) -> None:
    study = store_study(db)
    make_user_token(db)
    client = client_for(db, tmp_path)
    page = client.get("/analysis?survey=study&channel=web&region=华东&from=2026-01-01&lang=en")
    assert page.status_code == 200
    assert '<option value="web" selected>' in page.text
    assert '<option value="华东" selected>' in page.text
    assert 'value="2026-01-01"' in page.text
    expected = sum(r["channel"] == "web" and r["region"] == "华东" for r in study.counted)
    assert f"{expected} responses analysed" in page.text
    assert "/api/v1/analysis?survey=study&amp;from=2026-01-01&amp;channel=web" in page.text
    assert client.get("/analysis?survey=study&from=2026-13-01").status_code == 400


def test_pages_need_sign_in_and_respect_departments(db: Database, tmp_path: Path) -> None:
    study = store_study(db)
    anonymous = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    assert anonymous.get("/analysis", follow_redirects=False).status_code in (302, 303)
    create_user(db, "agent@example.com", "correct horse battery", Role.AGENT, department="care")
    page = client_for(db, tmp_path, "agent@example.com").get("/analysis?survey=study&lang=en")
    repair = sum(r["touchpoint"] == "repair" for r in study.counted)
    assert f"{repair} responses analysed" in page.text
    admin = analyze_survey(db, AnalysisQuery("study"), bootstrap=100)
    assert f"{admin.n_responses} responses analysed" not in page.text


def test_form_only_without_a_survey(db: Database, tmp_path: Path) -> None:
    store_study(db)
    make_user_token(db)
    page = client_for(db, tmp_path).get("/analysis?lang=en")
    assert page.status_code == 200
    assert "Choose a survey, a period and any filters" in page.text
    assert '<option value="study">Analysis test survey</option>' in page.text

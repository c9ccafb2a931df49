"""Plan, scorecard, health, inbox and webhook pages through the app (issue #12): they
render in both languages for the right roles, refuse the others, and their forms work."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from factories import make_survey, sign_in
from manyi.accounts.service import create_department, create_user, get_user
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.storage.database import Database
from manyi.workflow.notifications import notify
from manyi.workflow.plan_effect import MetricSpec
from manyi.workflow.plans import MilestoneIn, PlanIn, create_plan

PASSWORD = "correct horse battery"


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


@pytest.fixture
def client(db: Database, tmp_path: Path) -> TestClient:
    create_department(db, "LOG", "物流配送", "Delivery")
    create_user(db, "admin@example.com", PASSWORD, Role.ADMIN)
    create_user(db, "viewer@example.com", PASSWORD, Role.VIEWER)
    return TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))


def _plan(db: Database) -> int:
    admin = get_user(db, 1)
    assert admin is not None
    survey = make_survey(db)
    spec = MetricSpec(
        metric_kind="mean", survey_id=survey.id, question="csat", item="", aspect=None,
        threshold=None, segment_key=None, treated=(), control=(), change_at=date(2026, 7, 1),
        before_days=28, after_days=28,
    )  # fmt: skip
    plan = create_plan(
        db,
        PlanIn(
            title="缩短配送时间",
            metric=spec,
            problem="送货慢",
            root_cause="承运商",
            owner_id=admin.id,
            milestones=(MilestoneIn("签约"),),
        ),
        actor=admin,
    )
    return plan.id


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_pages_render_in_both_languages(db: Database, client: TestClient, lang: str) -> None:
    plan_id = _plan(db)
    sign_in(client)
    expected = {
        "/plans": ("整改计划", "Improvement plans"),
        f"/plans/{plan_id}": ("缩短配送时间", "缩短配送时间"),
        "/plans/new": ("新建整改计划", "New improvement plan"),
        "/plans/shared": ("您说，我们做", "You said, we did"),
        "/scorecards": ("绩效记分卡", "Scorecards"),
        "/health": ("机制健康度", "Mechanism health"),
        "/inbox": ("收件箱", "Inbox"),
        "/admin/webhooks": ("Webhook", "Webhooks"),
    }
    for path, (zh, en) in expected.items():
        page = client.get(path, params={"lang": lang})
        assert page.status_code == 200, (path, page.text[:300])
        assert (zh if lang == "zh-CN" else en) in page.text, path
    plan = client.get(f"/plans/{plan_id}", params={"lang": lang}).text
    # No answers in the window: the page says why there is no effect yet.
    assert ("尚不能衡量效果" if lang == "zh-CN" else "cannot be measured yet") in plan


def test_viewer_sees_plans_but_may_not_manage_or_see_scorecards(
    db: Database, client: TestClient
) -> None:
    plan_id = _plan(db)
    sign_in(client, "viewer@example.com", PASSWORD)
    assert client.get(f"/plans/{plan_id}").status_code == 200
    assert "Save status" not in client.get(f"/plans/{plan_id}", params={"lang": "en"}).text
    for path in ("/plans/new", "/scorecards", "/health", "/admin/webhooks"):
        assert client.get(path).status_code == 403, path


def test_create_plan_form_and_status_conflict(db: Database, client: TestClient) -> None:
    survey = make_survey(db)
    sign_in(client)
    form = client.get("/plans/new", params={"source": "driver", "ref": "csat", "survey": survey.id})
    assert 'value="csat"' in form.text
    token = _csrf(form.text)
    fields = {
        "csrf_token": token, "title": "配送整改", "source_kind": "driver", "source_ref": "csat",
        "metric_kind": "mean", "survey_id": str(survey.id), "question": "csat",
        "change_at": "2026-07-01", "milestones": "签约\n培训", "deadline": "2026-08-01",
    }  # fmt: skip
    bad = client.post("/plans/new", data={**fields, "metric_kind": "top_box"})
    assert bad.status_code == 422 and "threshold" in bad.text
    made = client.post("/plans/new", data=fields, follow_redirects=False)
    assert made.status_code == 303
    page = client.get(made.headers["location"], params={"lang": "en"})
    assert "配送整改" in page.text and "(0 / 2)" in page.text
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version
    url = made.headers["location"] + "/status"
    ok = client.post(url, data={"csrf_token": token, "version": version.group(1), "status": "done"},
                     follow_redirects=False)  # fmt: skip
    assert ok.headers["location"].endswith(made.headers["location"])
    stale = client.post(url, data={"csrf_token": token, "version": version.group(1),
                                   "status": "cancelled"}, follow_redirects=False)  # fmt: skip
    assert stale.headers["location"].endswith("?error=conflict")
    warned = client.get(stale.headers["location"] + "&lang=en").text
    assert "Someone else changed this plan" in warned


def test_inbox_badge_and_mark_read(db: Database, client: TestClient) -> None:
    notify(db, event="case-opened", subject_kind="case", subject_id=3, user_ids=[1],
           title="新案件 3", body="", payload={}, at=datetime(2026, 12, 1))  # fmt: skip
    sign_in(client)
    home = client.get("/inbox", params={"lang": "en"})
    assert 'class="badge"' in home.text and "新案件 3" in home.text
    client.post("/inbox/read", data={"csrf_token": _csrf(home.text)})
    assert 'class="badge"' not in client.get("/inbox").text


def test_webhook_admin_shows_the_secret_once(db: Database, client: TestClient) -> None:
    sign_in(client)
    page = client.get("/admin/webhooks", params={"lang": "en"})
    made = client.post(
        "/admin/webhooks",
        data={
            "csrf_token": _csrf(page.text),
            "url": "http://127.0.0.1:9/hook",
            "events": ["case-opened"],
        },
    )
    assert made.status_code == 200 and "whsec_" in made.text
    again = client.get("/admin/webhooks").text
    assert "http://127.0.0.1:9/hook" in again and "whsec_" not in again
    bad = client.post("/admin/webhooks", data={"csrf_token": _csrf(page.text), "url": "ftp://x"})
    assert bad.status_code == 422


def test_public_plan_page_needs_no_sign_in_and_closes_when_unpublished(
    db: Database, client: TestClient
) -> None:
    from manyi.workflow.plans import get_plan, set_publication

    admin = get_user(db, 1)
    assert admin is not None
    plan = get_plan(db, _plan(db))
    shared = set_publication(db, plan.id, plan.version, published=True, public=True, actor=admin)
    page = client.get(f"/p/plans/{shared.public_token}", params={"lang": "en"})
    assert page.status_code == 200 and "缩短配送时间" in page.text and "You said:" in page.text
    assert "Sign out" not in page.text  # nobody is signed in
    set_publication(db, plan.id, shared.version, published=False, public=False, actor=admin)
    assert client.get(f"/p/plans/{shared.public_token}").status_code == 404
    assert client.get("/p/plans/not-a-token").status_code == 404

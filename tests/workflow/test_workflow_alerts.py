"""Alert rules: evaluated by the job intake queues after its commit, again after text
enrichment (aspect rules), once per rule and item, with a hit log; the API's CRUD and
permissions; one 回访 invitation per case while a plain survey still goes once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fastapi.testclient import TestClient
from huey import MemoryHuey
from sqlalchemy import select

from factories import Outbox
from manyi.accounts.service import create_token
from manyi.app import create_app
from manyi.config import Settings
from manyi.enrichment.service import enrich_pending
from manyi.ingestion.feedback import FeedbackIn
from manyi.ingestion.pipeline import FeedbackBatch, IntakeOptions, record
from manyi.jobs.queue import build_queue
from manyi.storage.database import Database
from manyi.storage.tables import CaseRow, FeedbackItemRow
from manyi.surveys.email import send_invitation_email
from manyi.workflow.alerts import create_rule, evaluate_enriched, evaluate_items, get_rule
from manyi.workflow.case_updates import update_case
from manyi.workflow.cases import Actor, CaseNew, open_case
from manyi.workflow.config import WorkflowConfig
from manyi.workflow.followup import followup_survey_id, send_followup
from workflow.case_data import SYSTEM, make_case_world

CONFIG = WorkflowConfig()


def test_feedback_rules_at_intake_and_after_enrichment(db: Database, tmp_path: Path) -> None:
    w = make_case_world(db)
    words = create_rule(
        db,
        name="Refund words",
        applies_to="feedback",
        conditions=[{"kind": "keywords", "any": ["退款"]}],
        actions={"open_case": True, "urgency": 3, "tag": "refund"},
        actor=SYSTEM,
    )
    aspect = create_rule(
        db,
        name="Delivery negative",
        applies_to="feedback",
        conditions=[{"kind": "negative_aspect", "aspect": "delivery"}],
        actions={"tag": "delivery-negative"},
        actor=SYSTEM,
    )
    queue = build_queue(
        Settings(environment="test", data_dir=tmp_path),
        db,
        huey=MemoryHuey("alerts", immediate=True),
    )
    result = record(
        db,
        FeedbackBatch(
            [
                FeedbackIn(
                    "送货太慢了，我要退款", customer="C-1", touchpoint="delivery", external_id="t-1"
                ),
                FeedbackIn("服务很好", touchpoint="delivery", external_id="t-2"),
            ]
        ),
        IntakeOptions(),
        alerts=queue.enqueue_alerts,
    )
    first = result.stored[0].id
    with db.session() as s:
        case = s.scalars(select(CaseRow)).one()
        assert case.feedback_id == first and case.department_id == w.logistics
        assert case.priority == "P2" and case.tags == ["refund"]
        assert s.get(FeedbackItemRow, first).meta["tags"] == ["refund"]  # type: ignore[union-attr]
    assert get_rule(db, aspect.id)[0].hits == 0  # waits for enrichment
    started = datetime.utcnow()
    enrich_pending(db)
    evaluate_enriched(db, started, CONFIG)
    _, hits = get_rule(db, aspect.id)
    assert [h.feedback_id for h in hits] == [first]
    assert hits[0].matched == ["negative on delivery"]
    # Evaluating again fires nothing twice.
    assert evaluate_items(db, "feedback", [first], CONFIG) == []
    rule, hits = get_rule(db, words.id)
    assert rule.hits == 1 and hits[0].actions_taken[0] == "tagged refund"


def test_alert_rules_api(db: Database, tmp_path: Path) -> None:
    make_case_world(db)
    client = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    manager = {"Authorization": f"Bearer {create_token(db, 'm@example.com')}"}
    agent = {"Authorization": f"Bearer {create_token(db, 'a@example.com')}"}
    body = {
        "name": "Low CSAT",
        "conditions": [{"kind": "csat_at_most", "value": 2}],
        "actions": {"open_case": True},
    }
    assert client.post("/api/v1/alert-rules", json=body, headers=agent).status_code == 403
    made = client.post("/api/v1/alert-rules", json=body, headers=manager)
    assert made.status_code == 201, made.text
    rule_id = made.json()["id"]
    bad = client.post(
        "/api/v1/alert-rules", json={**body, "conditions": [{"kind": "moon"}]}, headers=manager
    )
    assert bad.status_code == 422 and "unknown condition kind" in bad.json()["error"]
    patched = client.patch(
        f"/api/v1/alert-rules/{rule_id}", json={"enabled": False}, headers=manager
    )
    assert patched.json()["enabled"] is False
    got = client.get(f"/api/v1/alert-rules/{rule_id}", headers=manager).json()
    assert got["hit_log"] == []
    assert client.delete(f"/api/v1/alert-rules/{rule_id}", headers=manager).status_code == 204
    assert client.get(f"/api/v1/alert-rules/{rule_id}", headers=manager).status_code == 404
    assert client.get("/api/v1/cases/root-causes", headers=agent).json()[0]["code"] == "PROD-DEFECT"
    note = client.post("/api/v1/cases/99/notes", json={"body": "x"}, headers=agent)
    assert note.status_code == 404


def test_one_followup_invitation_per_case(db: Database, tmp_path: Path) -> None:
    w = make_case_world(db)
    settings = Settings(environment="test", data_dir=tmp_path, public_base_url="https://x.example")
    outbox = Outbox()
    agent = Actor(w.agent_a, "a")
    ids = []
    for title in ("Late", "Broken"):
        case = open_case(
            db, CaseNew(title, customer_id=w.customer, touchpoint_id=w.delivery), SYSTEM, CONFIG
        )
        update_case(
            db,
            case.id,
            1,
            agent,
            CONFIG,
            state="resolved",
            root_cause_code="LOGI-DELAY",
            solution="fixed",
        )
        ids.append(case.id)
    sent = [send_followup(db, i, settings=settings, transport=outbox) for i in ids]
    assert [s.status for s in sent if s] == ["sent", "sent"]
    assert len(outbox.messages) == 2
    # once per case: asking again sends nothing
    assert send_followup(db, ids[0], settings=settings, transport=outbox) is None
    # a plain (unkeyed) invitation to the same survey still goes once per customer
    survey_id = followup_survey_id(db, settings.followup_survey_code)
    plain = send_invitation_email(db, survey_id, "C-1", settings=settings, transport=outbox)
    assert plain.status == "sent"
    again = send_invitation_email(db, survey_id, "C-1", settings=settings, transport=outbox)
    assert again.status == "skipped" and "already e-mailed" in again.reason


def test_unnamed_feedback_items_get_their_own_ids(db: Database) -> None:
    """Items without external id or key used to all come back with the last id, so the
    alert rules looked at the wrong item (pipeline fix in this change)."""
    seen: list[tuple[str, list[int]]] = []
    texts = ["第一条：我要退款", "第二条：很好", "第三条：一般"]
    result = record(
        db,
        FeedbackBatch([FeedbackIn(t) for t in texts]),
        IntakeOptions(),
        alerts=lambda kind, ids: seen.append((kind, ids)),
    )
    ids = [item.id for item in result.stored]
    assert len(set(ids)) == 3 and seen == [("feedback", ids)]
    with db.session() as s:
        assert [s.get(FeedbackItemRow, i).text for i in ids] == texts  # type: ignore[union-attr]


def test_old_records_are_stored_without_alerts(db: Database) -> None:
    """A back-filled import (last month's complaint letters, the demo's history) must not
    flood today's inbox: rules act on items that happened within alert_max_age_days."""
    make_case_world(db)
    rule = create_rule(
        db,
        name="Refund words",
        applies_to="feedback",
        conditions=[{"kind": "keywords", "any": ["退款"]}],
        actions={"open_case": True},
        actor=SYSTEM,
    )
    now = datetime(2026, 12, 4, 9)
    old, recent = record(
        db,
        FeedbackBatch(
            [
                FeedbackIn(
                    "我要退款",
                    touchpoint="delivery",
                    external_id="old",
                    occurred_at=datetime(2026, 11, 1),
                ),
                FeedbackIn(
                    "还没送到，我要退款",
                    touchpoint="delivery",
                    external_id="new",
                    occurred_at=datetime(2026, 11, 28),
                ),
            ]
        ),
    ).stored
    opened = evaluate_items(db, "feedback", [old.id, recent.id], CONFIG, at=now)
    with db.session() as s:
        assert [c.feedback_id for c in s.scalars(select(CaseRow))] == [recent.id]
    assert len(opened) == 1 and get_rule(db, rule.id)[0].hits == 1
    # 0 lifts the limit: the old item fires now (once)
    assert (
        len(evaluate_items(db, "feedback", [old.id], WorkflowConfig(alert_max_age_days=0), now))
        == 1
    )

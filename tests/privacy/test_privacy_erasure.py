"""Export and erasure of one customer's data by external id (issue #10, privacy): the
export holds everything stored about them; erasure deletes the customer, their feedback,
invitations and drafts and keeps their responses only de-identified; both are recorded
in the audit log; administrators only, through the API and the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from factories import good_answers, make_reference_data, make_survey, make_user_token
from manyi.app import create_app
from manyi.cli.main import app as cli
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.privacy.audit import audit_log
from manyi.storage.database import Database
from manyi.storage.tables import (
    AnswerEnrichmentRow,
    AnswerRow,
    AspectMentionRow,
    CustomerRow,
    FeedbackItemRow,
    InvitationRow,
    ResponseRow,
    SurveyDraftRow,
)
from manyi.surveys.links import create_invitation

CONSENT = {"version": "v7", "text": {"zh-CN": "同意用于改进服务。", "en": "I agree."}}
PAGES = [
    {"questions": ["nps", "csat", "speed", "staff", "price", "app"]},
    {"questions": ["grid", "type", "good", "rank", "sq1", "k1", "comment"]},
]
RAW = "王小明说师傅很好，回访请打13812345678"


@pytest.fixture
def client(db: Database, tmp_path: Path) -> TestClient:
    make_reference_data(db)
    settings = Settings(environment="test", data_dir=tmp_path, secret_key="test-secret")
    return TestClient(create_app(settings, db))


def _bearer(db: Database, role: Role) -> dict[str, str]:
    token = make_user_token(db, role, email=f"{role.value}@example.com")
    return {"Authorization": f"Bearer {token}"}


def _customer(db: Database, external_id: str = "C-100") -> None:
    with db.session() as s:
        s.add(
            CustomerRow(
                external_id=external_id,
                name="王小明",
                phone="13812345678",
                email="xiaoming@example.com",
                segments={"city": "杭州"},
                consent_contact=True,
            )
        )


def _stored_everything(db: Database, client: TestClient, admin: dict[str, str]) -> dict[str, Any]:
    """A customer with two responses (one with a redacted open answer, enriched), a
    feedback item, an answered invitation and an open one with a half-filled draft."""
    _customer(db)
    _customer(db, "C-OTHER")
    survey = make_survey(db, consent=CONSENT, pages=PAGES)
    url = f"/api/v1/surveys/{survey.id}/responses"
    body = {
        "answers": good_answers(comment=RAW),
        "customer": "C-100",
        "consent": True,
        "metadata": {"order": "A-778", "client_ip": "198.51.100.3"},
        "channel": "web",
    }
    first = client.post(url, json=body, headers=admin)
    assert first.status_code == 201, first.text
    second = client.post(url, json={**body, "answers": good_answers(comment="很好")}, headers=admin)
    other = client.post(
        url, json={**body, "customer": "C-OTHER", "answers": good_answers()}, headers=admin
    )
    feedback = client.post(
        "/api/v1/feedback",
        json={"text": "投诉：师傅迟到，电话13812345678", "customer": "C-100"},
        headers=admin,
    )
    assert feedback.status_code == 201, feedback.text
    with db.session() as s:
        comment = s.scalars(
            select(AnswerRow).where(
                AnswerRow.response_id == first.json()["id"], AnswerRow.question == "comment"
            )
        ).one()
        s.add(
            AnswerEnrichmentRow(
                answer_id=comment.id,
                survey_id=survey.id,
                question="comment",
                redacted_text=comment.text,
                sentiment_label="positive",
                enrichment_version="t",
            )
        )
        s.add(
            AspectMentionRow(
                answer_id=comment.id,
                survey_id=survey.id,
                aspect="staff",
                label="positive",
                evidence="王小明说师傅很好",
                occurred_at=comment.submitted_at,
            )
        )
        s.add(
            AspectMentionRow(
                feedback_id=feedback.json()["data"][0]["id"],
                aspect="punctuality",
                label="negative",
                occurred_at=comment.submitted_at,
            )
        )
    # an open invitation whose respondent filled page 1 (a draft) and left
    invitation = create_invitation(db, survey.id, secret="test-secret", customer="C-100")
    link = f"/s/{survey.id}?invite={invitation.token}"
    page = client.get(link)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert csrf
    moved = client.post(link, data={"csrf": csrf.group(1), "q.nps": "2", "consent": "yes"})
    assert moved.status_code == 200, moved.text
    return {
        "survey": survey.id,
        "responses": [first.json()["id"], second.json()["id"]],
        "other": other.json()["id"],
        "feedback": feedback.json()["data"][0]["id"],
        "invitation": invitation.id,
    }


def test_the_export_holds_everything_about_the_customer_and_is_audited(
    db: Database, client: TestClient
) -> None:
    admin = _bearer(db, Role.ADMIN)
    made = _stored_everything(db, client, admin)
    exported = client.get("/api/v1/customers/C-100/export", headers=admin)
    assert exported.status_code == 200
    assert exported.headers["cache-control"] == "no-store"
    data = exported.json()
    assert data["customer"]["phone"] == "13812345678"
    assert data["customer"]["email"] == "xiaoming@example.com"
    assert data["customer"]["segments"] == {"city": "杭州"}
    assert [r["id"] for r in data["responses"]] == made["responses"]
    first = data["responses"][0]
    assert first["raw_answers"] == {"comment": RAW}  # the original, for the person it is about
    assert first["answers"]["nps"] == 9 and first["channel"] == "web"
    assert first["consent_version"] == "v7"
    assert [f["id"] for f in data["feedback_items"]] == [made["feedback"]]
    assert "13812345678" in data["feedback_items"][0]["text"]
    assert [i["id"] for i in data["invitations"]] == [made["invitation"]]
    assert [d["answers"] for d in data["drafts"]] == [{"nps": 2}]
    assert [(c["version"], c["text"]) for c in data["consents"]] == [
        ("v7", "同意用于改进服务。"),
        ("v7", "同意用于改进服务。"),
    ]
    assert all(r["id"] != made["other"] for r in data["responses"])
    [entry] = audit_log(db, action="customer.export").items
    assert (entry.actor, entry.subject_kind, entry.subject_id) == (
        "admin@example.com",
        "customer",
        "C-100",
    )
    assert entry.detail["responses"] == 2 and entry.detail["feedback_items"] == 1


def test_erasure_deletes_personal_data_and_keeps_de_identified_responses(
    db: Database, client: TestClient
) -> None:
    admin = _bearer(db, Role.ADMIN)
    made = _stored_everything(db, client, admin)
    erased = client.delete("/api/v1/customers/C-100", headers=admin)
    assert erased.status_code == 200, erased.text
    assert erased.json() == {
        "external_id": "C-100",
        "responses_deidentified": 2,
        "open_answers_erased": 2,
        "feedback_items_deleted": 1,
        "invitations_deleted": 1,
        "drafts_deleted": 1,
        "customers_deleted": 1,
    }
    with db.session() as s:
        assert s.scalars(select(CustomerRow.external_id)).all() == ["C-OTHER"]
        assert s.scalars(select(FeedbackItemRow)).all() == []
        assert s.scalars(select(InvitationRow)).all() == []
        assert s.scalars(select(SurveyDraftRow)).all() == []
        kept = {r.id: r for r in s.scalars(select(ResponseRow))}
        assert set(kept) == {*made["responses"], made["other"]}
        for rid in made["responses"]:
            row = kept[rid]
            assert row.customer_id is None
            assert row.raw_answers is None
            assert row.meta == {}
            assert row.external_key is None and row.idempotency_key is None
            assert row.answers["comment"] == "[已删除]"
            assert row.answers["nps"] == 9  # the scores still count
            assert row.consent_version == "v7"
        texts = s.scalars(
            select(AnswerRow.text).where(
                AnswerRow.response_id.in_(made["responses"]), AnswerRow.question == "comment"
            )
        ).all()
        assert texts == ["[已删除]", "[已删除]"]
        enrichment = s.scalars(select(AnswerEnrichmentRow)).one()
        assert enrichment.redacted_text is None and enrichment.sentiment_label == "positive"
        mention = s.scalars(select(AspectMentionRow)).one()  # the feedback's went with it
        assert mention.evidence is None and mention.aspect == "staff"
        # the other customer's response is untouched
        assert kept[made["other"]].customer_id is not None
        assert kept[made["other"]].meta["order"] == "A-778"
    # nothing of the erased customer is left anywhere in the erased responses
    for rid in made["responses"]:
        shown = client.get(f"/api/v1/responses/{rid}", headers=admin).json()
        assert "王小明" not in json.dumps(shown, ensure_ascii=False)
        assert "13812345678" not in json.dumps(shown)
    [entry] = audit_log(db, action="customer.erase").items
    assert entry.subject_id == "C-100" and entry.detail["feedback_items_deleted"] == 1
    again = client.delete("/api/v1/customers/C-100", headers=admin)
    assert again.status_code == 404
    assert "already erased" in again.json()["error"]
    assert client.get("/api/v1/customers/C-100/export", headers=admin).status_code == 404


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ANALYST, Role.AGENT, Role.VIEWER])
def test_only_administrators_export_or_erase(db: Database, client: TestClient, role: Role) -> None:
    _customer(db)
    headers = _bearer(db, role)
    for response in (
        client.get("/api/v1/customers/C-100/export", headers=headers),
        client.delete("/api/v1/customers/C-100", headers=headers),
    ):
        assert response.status_code == 403
        assert "lacks the permission personal:requests" in response.json()["error"]
    with db.session() as s:
        assert s.scalars(select(CustomerRow.external_id)).all() == ["C-100"]
    assert audit_log(db).count == 0


def test_the_command_line_exports_and_erases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MANYI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MANYI_DATABASE_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    db = Database(f"sqlite:///{tmp_path / 'manyi.db'}")
    try:
        _customer(db)
        out = tmp_path / "c.json"
        exported = runner.invoke(cli, ["privacy", "export", "C-100", "-o", str(out)])
        assert exported.exit_code == 0, exported.output
        assert json.loads(out.read_text(encoding="utf-8"))["customer"]["name"] == "王小明"
        unknown = runner.invoke(cli, ["privacy", "export", "C-404"])
        assert unknown.exit_code != 0 and "no customer 'C-404'" in unknown.output
        declined = runner.invoke(cli, ["privacy", "erase", "C-100"], input="n\n")
        assert declined.exit_code != 0 and "nothing erased" in declined.output
        erased = runner.invoke(cli, ["privacy", "erase", "C-100", "--yes"])
        assert erased.exit_code == 0, erased.output
        assert "customers_deleted: 1" in erased.stdout
        actions = [e.action for e in audit_log(db).items]
        assert actions == ["customer.erase", "customer.export"]
        assert all(e.actor.startswith("cli:") for e in audit_log(db).items)
    finally:
        db.dispose()

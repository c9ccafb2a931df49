"""Per-survey retention (issue #10, privacy): responses older than the survey's retention
are purged with their answers, enrichments, aspect mentions, drafts and invitations, in
bounded batches, counted in the audit log; a dry run deletes nothing; `manyi privacy
purge`, the API and the daily job do the same."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from factories import good_answers, make_survey, make_user_token
from manyi.app import create_app
from manyi.cli.main import app as cli
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.errors import InvalidInput, NotFound
from manyi.ingestion.responses import ResponseIn, record_response
from manyi.privacy.audit import PURGE_JOB, Actor, audit_log
from manyi.privacy.retention import get_retention, purge, set_retention
from manyi.storage.database import Database
from manyi.storage.drafts import add_draft
from manyi.storage.tables import (
    AnswerEnrichmentRow,
    AnswerRow,
    AspectMentionRow,
    InvitationRow,
    ResponseRow,
    SurveyDraftRow,
)
from manyi.surveys.links import create_invitation

NOW = datetime(2026, 6, 1, 12, 0)
ADMIN = Actor("admin@example.com")


def _respond(db: Database, survey_id: int, days_ago: int, comment: str = "门店很干净") -> int:
    recorded = record_response(
        db,
        survey_id,
        ResponseIn(answers=good_answers(comment=comment), submitted_at=NOW - timedelta(days_ago)),
    )
    # what the enrichment job would add to the open answer
    with db.session() as s:
        answer = s.scalars(
            select(AnswerRow).where(
                AnswerRow.response_id == recorded.id, AnswerRow.question == "comment"
            )
        ).one()
        s.add(
            AnswerEnrichmentRow(
                answer_id=answer.id,
                survey_id=survey_id,
                question="comment",
                enrichment_version="test",
            )
        )
        s.add(
            AspectMentionRow(
                answer_id=answer.id,
                survey_id=survey_id,
                aspect="store",
                label="positive",
                evidence=comment,
                occurred_at=answer.submitted_at,
            )
        )
    return recorded.id


def _count(db: Database, table: type) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def _draft(db: Database, survey_id: int, key: str, days_ago: int) -> int:
    with db.session() as s:
        draft = add_draft(
            s,
            survey_id=survey_id,
            survey_version=1,
            resume_hash=key * 64,
            language="zh-CN",
            channel=None,
            touchpoint=None,
        )
        row = s.get(SurveyDraftRow, draft.id)
        row.started_at = row.updated_at = NOW - timedelta(days_ago)
        return draft.id


def test_old_responses_go_with_everything_that_hangs_on_them(db: Database) -> None:
    kept_survey = make_survey(db)  # no retention: never purged
    survey = make_survey(db)
    set_retention(db, survey.id, 30, ADMIN)
    old = [_respond(db, survey.id, days) for days in (31, 45, 400)]
    recent = _respond(db, survey.id, 29)
    untouched = _respond(db, kept_survey.id, 4000)
    # an old draft that was submitted as one of the old responses, an old abandoned one,
    # a fresh one; an invitation answered by an old response, one expired long ago, and
    # one made long ago that is still valid
    with db.session() as s:
        submitted = _draft(db, survey.id, "a", 60)
        s.get(SurveyDraftRow, submitted).response_id = old[0]
    _draft(db, survey.id, "b", 90)
    fresh_draft = _draft(db, survey.id, "c", 2)
    answered = create_invitation(db, survey.id, secret="k", now=NOW - timedelta(80))
    with db.session() as s:
        s.get(InvitationRow, answered.id).response_id = old[1]
    create_invitation(db, survey.id, secret="k", valid_days=7, now=NOW - timedelta(100))
    valid = create_invitation(db, survey.id, secret="k", valid_days=365, now=NOW - timedelta(100))

    with db.session() as s:
        cells = s.scalar(select(func.count()).where(AnswerRow.response_id.in_(old)))
    assert cells and cells > 3 * 10
    dry = purge(db, ADMIN, dry_run=True, now=NOW)
    expected = {
        "responses": 3,
        "answers": cells,
        "enrichments": 3,
        "aspect_mentions": 3,
        "drafts": 2,
        "invitations": 2,
    }
    assert dry.total.as_dict() == expected
    assert _count(db, ResponseRow) == 5  # the dry run deleted nothing
    assert audit_log(db, action="survey.purge").count == 0

    run = purge(db, PURGE_JOB, now=NOW, batch_size=2)
    assert run.total.as_dict() == expected
    with db.session() as s:
        assert set(s.scalars(select(ResponseRow.id))) == {recent, untouched}
        assert set(s.scalars(select(AnswerRow.response_id))) == {recent, untouched}
        assert set(s.scalars(select(SurveyDraftRow.id))) == {fresh_draft}
        assert set(s.scalars(select(InvitationRow.id))) == {valid.id}
    assert _count(db, AnswerEnrichmentRow) == 2
    assert _count(db, AspectMentionRow) == 2
    [entry] = audit_log(db, action="survey.purge").items
    assert (entry.actor, entry.subject_kind, entry.subject_id) == (
        "job:purge",
        "survey",
        str(survey.id),
    )
    assert entry.detail["responses"] == 3 and entry.detail["answers"] == cells
    assert entry.detail["retention_days"] == 30
    # a second run finds nothing and writes no entry
    assert purge(db, PURGE_JOB, now=NOW).total.total == 0
    assert audit_log(db, action="survey.purge").count == 1


def test_retention_is_checked_and_its_changes_audited(db: Database) -> None:
    survey = make_survey(db)
    assert get_retention(db, survey.id) is None
    for bad in (0, -5, 40_000):
        with pytest.raises(InvalidInput, match="whole number of days"):
            set_retention(db, survey.id, bad, ADMIN)
    with pytest.raises(NotFound):
        set_retention(db, 999, 30, ADMIN)
    set_retention(db, survey.id, 90, ADMIN)
    set_retention(db, survey.id, None, ADMIN)
    assert get_retention(db, survey.id) is None
    entries = audit_log(db, subject_kind="survey", subject_id=str(survey.id)).items
    assert [e.detail for e in entries] == [
        {"days": None, "before": 90},
        {"days": 90, "before": None},
    ]


def _bearer(db: Database, role: Role) -> dict[str, str]:
    token = make_user_token(db, role, email=f"{role.value}@example.com")
    return {"Authorization": f"Bearer {token}"}


def test_the_api_sets_retention_and_purges_for_administrators_only(
    db: Database, tmp_path: Path
) -> None:
    survey = make_survey(db)
    _respond(db, survey.id, 3000)
    client = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    url = f"/api/v1/surveys/{survey.id}/retention"
    for role in (Role.MANAGER, Role.ANALYST, Role.AGENT, Role.VIEWER):
        headers = _bearer(db, role)
        refused = client.put(url, json={"days": 30}, headers=headers)
        assert refused.status_code == 403, role
        assert "lacks the permission personal:requests" in refused.json()["error"]
        assert client.post("/api/v1/privacy/purge", headers=headers).status_code == 403
        assert client.get("/api/v1/audit-log", headers=headers).status_code == 403
    admin = _bearer(db, Role.ADMIN)
    assert client.put(url, json={"days": 0}, headers=admin).status_code == 422
    assert client.put(url, json={"days": 365}, headers=admin).json() == {
        "survey_id": survey.id,
        "days": 365,
    }
    assert client.get(url, headers=admin).json()["days"] == 365
    dry = client.post("/api/v1/privacy/purge", params={"dry_run": "true"}, headers=admin).json()
    assert dry["dry_run"] is True and dry["total"]["responses"] == 1
    done = client.post("/api/v1/privacy/purge", headers=admin).json()
    assert done["total"]["responses"] == 1
    assert _count(db, ResponseRow) == 0
    log = client.get("/api/v1/audit-log", headers=admin).json()
    assert [e["action"] for e in log["data"]] == ["survey.purge", "survey.retention"]
    assert log["data"][0]["actor"] == "admin@example.com"


def test_the_command_line_purges_with_a_dry_run_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MANYI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MANYI_DATABASE_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    db = Database(f"sqlite:///{tmp_path / 'manyi.db'}")
    try:
        survey = make_survey(db)
        record_response(
            db,
            survey.id,
            ResponseIn(answers=good_answers(), submitted_at=datetime(2020, 1, 1)),
        )
        assert runner.invoke(cli, ["privacy", "retention", str(survey.id)]).stdout.strip() == "none"
        bad = runner.invoke(cli, ["privacy", "retention", str(survey.id), "soon"])
        assert bad.exit_code != 0 and "whole number or 'none'" in bad.output
        assert runner.invoke(cli, ["privacy", "retention", str(survey.id), "30"]).exit_code == 0
        dry = runner.invoke(cli, ["privacy", "purge", "--dry-run"])
        assert dry.exit_code == 0, dry.output
        assert "would delete responses 1, answers 19" in dry.stdout
        assert _count(db, ResponseRow) == 1
        done = runner.invoke(cli, ["privacy", "purge"])
        assert "deleted responses 1, answers 19" in done.stdout
        assert _count(db, ResponseRow) == 0
        audit = runner.invoke(cli, ["privacy", "audit", "--action", "survey.purge"])
        assert '"actor": "cli:' in audit.stdout
    finally:
        db.dispose()

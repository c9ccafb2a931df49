"""Export API: a background job with progress and a download, small exports at once,
and who may export what (personal fields only for admins and managers)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pyreadstat
import pytest
from fastapi.testclient import TestClient

from factories import good_answers, make_reference_data, make_survey, make_user_token
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.ingestion.pipeline import ResponseBatch, record
from manyi.ingestion.responses import ResponseIn
from manyi.jobs.queue import JobQueue, build_queue
from manyi.reporting.exports import exports_folder, remove_expired_exports, run_export_job
from manyi.reporting.exports import jobs as export_jobs
from manyi.storage.database import Database
from manyi.storage.types import utcnow

PHONE_COMMENT = "请回电13812345678"


@pytest.fixture
def app_parts(db: Database, tmp_path: Path) -> tuple[TestClient, JobQueue, Settings, int]:
    make_reference_data(db)
    survey = make_survey(db)
    items = [
        ResponseIn(
            answers=good_answers(nps=n, comment=PHONE_COMMENT if n == 9 else "服务很好"),
            customer=f"C-{n}",
            channel="web",
            language="zh-CN",
        )
        for n in (9, 7, 10)
    ]
    record(db, ResponseBatch(survey.id, items))
    settings = Settings(
        environment="test", data_dir=tmp_path, secret_key="test-secret", export_direct_max_rows=3
    )
    queue = build_queue(settings, db)  # a SQLite queue: tasks wait until executed below
    return TestClient(create_app(settings, db, queue=queue)), queue, settings, survey.id


def _token(db: Database, role: Role) -> dict[str, str]:
    token = make_user_token(db, role, f"{role.value}@example.com")
    return {"Authorization": f"Bearer {token}"}


def _run_queued(queue: JobQueue) -> None:
    task = queue.huey.dequeue()
    assert task is not None
    queue.huey.execute(task)


def test_export_job_reports_progress_and_serves_the_file(
    db: Database, app_parts: tuple[TestClient, JobQueue, Settings, int]
) -> None:
    client, queue, _, survey_id = app_parts
    admin = _token(db, Role.ADMIN)
    started = client.post(
        f"/api/v1/surveys/{survey_id}/exports",
        json={"format": "xlsx", "language": "en", "filters": {"channel": "web"}},
        headers=admin,
    )
    assert started.status_code == 202, started.text
    job = started.json()
    assert (job["state"], job["rows_done"], job["rows_total"]) == ("queued", 0, 3)
    assert job["download_url"] is None and job["personal_data"] is True
    assert client.get(f"/api/v1/exports/{job['id']}/file", headers=admin).status_code == 422

    _run_queued(queue)
    done = client.get(f"/api/v1/exports/{job['id']}", headers=admin).json()
    assert (done["state"], done["rows_done"], done["rows_total"]) == ("done", 3, 3)
    assert done["download_url"] == f"/api/v1/exports/{job['id']}/file"
    file = client.get(done["download_url"], headers=admin)
    assert file.status_code == 200
    assert file.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(file.content), read_only=True)
    rows = list(book["data"].iter_rows(values_only=True))
    names = list(rows[1])
    assert [r[names.index("customer")] for r in rows[2:]] == ["C-9", "C-7", "C-10"]
    assert rows[2][names.index("comment")] == PHONE_COMMENT  # admins get the original


def test_progress_is_saved_page_by_page(
    db: Database,
    app_parts: tuple[TestClient, JobQueue, Settings, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, _, settings, survey_id = app_parts
    job = client.post(
        f"/api/v1/surveys/{survey_id}/exports",
        json={"format": "csv"},
        headers=_token(db, Role.MANAGER),
    ).json()
    saved: list[tuple[str, int, int | None]] = []
    save = export_jobs._save

    def recording(folder: Path, state: Any) -> Any:
        saved.append((state.state, state.rows_done, state.rows_total))
        return save(folder, state)

    monkeypatch.setattr(export_jobs, "_save", recording)
    monkeypatch.setattr(export_jobs, "PROGRESS_EVERY_S", 0.0)
    folder = exports_folder(settings.data_dir)
    run_export_job(db, folder, job["id"], sav_max_rows=10, page_size=2)
    assert saved == [
        ("running", 0, 3),
        ("running", 0, 3),
        ("running", 2, 3),
        ("running", 3, 3),
        ("done", 3, 3),
    ]


def test_analysts_get_no_personal_fields_and_others_jobs_stay_private(
    db: Database, app_parts: tuple[TestClient, JobQueue, Settings, int]
) -> None:
    client, queue, _, survey_id = app_parts
    analyst = _token(db, Role.ANALYST)
    job = client.post(
        f"/api/v1/surveys/{survey_id}/exports", json={"format": "csv"}, headers=analyst
    ).json()
    assert job["personal_data"] is False
    _run_queued(queue)
    file = client.get(f"/api/v1/exports/{job['id']}/file", headers=analyst)
    rows = list(csv.DictReader(io.StringIO(file.content.decode("utf-8-sig"))))
    assert "customer" not in rows[0]
    assert "13812345678" not in rows[0]["comment"]

    manager = _token(db, Role.MANAGER)  # someone else's export: not even its existence
    assert client.get(f"/api/v1/exports/{job['id']}", headers=manager).status_code == 404
    assert client.get(f"/api/v1/exports/{job['id']}/file", headers=manager).status_code == 404
    admin = _token(db, Role.ADMIN)
    assert client.get(f"/api/v1/exports/{job['id']}", headers=admin).status_code == 200
    assert client.get("/api/v1/exports/..%2F..%2Fetc", headers=admin).status_code == 404

    for role in (Role.AGENT, Role.VIEWER):
        headers = _token(db, role)
        refused = client.post(
            f"/api/v1/surveys/{survey_id}/exports", json={"format": "csv"}, headers=headers
        )
        assert refused.status_code == 403
        assert (
            client.get(f"/api/v1/surveys/{survey_id}/responses.csv", headers=headers).status_code
            == 403
        )
    assert (
        client.post(f"/api/v1/surveys/{survey_id}/exports", json={"format": "csv"}).status_code
        == 401
    )


def test_small_exports_are_answered_at_once(
    db: Database, app_parts: tuple[TestClient, JobQueue, Settings, int], tmp_path: Path
) -> None:
    client, _, _, survey_id = app_parts
    manager = _token(db, Role.MANAGER)
    got = client.get(f"/api/v1/surveys/{survey_id}/responses.csv", headers=manager)
    assert got.status_code == 200
    assert got.content.startswith(b"\xef\xbb\xbf")
    assert 'filename="survey-' in got.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert [r["nps"] for r in rows] == ["9", "7", "10"]
    assert rows[0]["customer"] == "C-9"

    sav = client.get(
        f"/api/v1/surveys/{survey_id}/responses.sav",
        params={"language": "en", "since": (utcnow() - timedelta(days=1)).isoformat()},
        headers=manager,
    )
    assert sav.status_code == 200, sav.text
    (tmp_path / "x.sav").write_bytes(sav.content)
    frame, meta = pyreadstat.read_sav(str(tmp_path / "x.sav"))
    assert list(frame["nps"]) == [9.0, 7.0, 10.0]
    assert meta.column_names_to_labels["nps"] == "How likely are you to recommend us?"

    xlsx = client.get(f"/api/v1/surveys/{survey_id}/responses.xlsx", headers=manager)
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["data", "codebook"]

    none = client.get(
        f"/api/v1/surveys/{survey_id}/responses.csv",
        params={"response_language": "en"},
        headers=manager,
    )
    assert none.content.decode("utf-8-sig").count("\r\n") == 1  # the header only
    assert (
        client.get(f"/api/v1/surveys/{survey_id}/responses.pdf", headers=manager).status_code == 422
    )
    assert client.get("/api/v1/surveys/999/responses.csv", headers=manager).status_code == 404

    record(db, ResponseBatch(survey_id, [ResponseIn(answers={"nps": 1})]))
    too_many = client.get(f"/api/v1/surveys/{survey_id}/responses.csv", headers=manager)
    assert too_many.status_code == 422
    assert f"POST /api/v1/surveys/{survey_id}/exports" in too_many.json()["error"]


def test_a_job_the_format_cannot_hold_fails_with_its_reason_and_old_jobs_expire(
    db: Database, app_parts: tuple[TestClient, JobQueue, Settings, int]
) -> None:
    client, _, settings, survey_id = app_parts
    admin = _token(db, Role.ADMIN)
    job = client.post(
        f"/api/v1/surveys/{survey_id}/exports", json={"format": "sav"}, headers=admin
    ).json()
    folder = exports_folder(settings.data_dir)
    failed = run_export_job(db, folder, job["id"], sav_max_rows=2)
    assert failed.state == "failed" and "MANYI_EXPORT_SAV_MAX_ROWS" in (failed.error or "")
    shown = client.get(f"/api/v1/exports/{job['id']}", headers=admin).json()
    assert shown["state"] == "failed" and "MANYI_EXPORT_SAV_MAX_ROWS" in shown["error"]

    bad = client.post(
        f"/api/v1/surveys/{survey_id}/exports",
        json={
            "format": "csv",
            "filters": {"since": "2026-02-01T00:00:00", "until": "2026-01-01T00:00:00"},
        },
        headers=admin,
    )
    assert bad.status_code == 422 and "period is empty" in bad.json()["error"]
    assert (
        client.post(
            "/api/v1/surveys/999/exports", json={"format": "csv"}, headers=admin
        ).status_code
        == 404
    )

    assert remove_expired_exports(folder, timedelta(hours=24)) == 0
    later = utcnow() + timedelta(hours=25)
    assert remove_expired_exports(folder, timedelta(hours=24), now=later) == 1
    assert client.get(f"/api/v1/exports/{job['id']}", headers=admin).status_code == 404

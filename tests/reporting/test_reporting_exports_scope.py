"""Exports keep to the requester's departments, and an export with personal data is
recorded in the audit log (who, which survey, how many rows, what format)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.domain.scope import Reader
from manyi.privacy.audit import audit_log
from manyi.reporting.exports import (
    ExportFormat,
    ExportRequest,
    create_export_job,
    exports_folder,
    get_export_job,
    run_export_job,
)
from manyi.storage.database import Database
from scoped_data import PHONE, make_scoped_data, make_scoped_user


def _rows(text: str) -> list[dict[str, str]]:
    # one header row of variable names (docs/exports.md)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    names = next(reader)
    return [dict(zip(names, row, strict=True)) for row in reader]


def test_a_direct_export_holds_the_requesters_departments_only(
    db: Database, tmp_path: Path
) -> None:
    data = make_scoped_data(db)
    client = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    url = f"/api/v1/surveys/{data.survey_id}/responses.csv"
    expected = {
        (Role.ADMIN, None): {"tp_east", "tp_east_a", "tp_west", "tp_none"},
        (Role.MANAGER, "east"): {"tp_east", "tp_east_a"},
        (Role.ANALYST, "west"): {"tp_west"},
    }
    for (role, department), touchpoints in expected.items():
        _, token = make_scoped_user(db, role, department)
        answer = client.get(url, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, answer.text
        rows = _rows(answer.text)
        assert {r["touchpoint"] for r in rows} == touchpoints, role
        # personal data: the unredacted comment for admins and managers, never analysts
        assert (PHONE in answer.text) is (role != Role.ANALYST)
    exported = audit_log(db, action="personal_data.export").items
    assert sorted((e.actor, e.detail["rows"], e.detail["format"]) for e in exported) == [
        ("admin.all@example.com", 4, "csv"),
        ("manager.east@example.com", 2, "csv"),
    ]
    east = sorted([data.department_ids["east"], data.department_ids["east_a"]])
    by_actor = {e.actor: e for e in exported}
    assert by_actor["manager.east@example.com"].detail["departments"] == east
    assert by_actor["admin.all@example.com"].detail["departments"] is None
    assert all(e.subject_id == str(data.survey_id) for e in exported)


def test_an_export_job_keeps_its_departments_until_it_runs(db: Database, tmp_path: Path) -> None:
    data = make_scoped_data(db)
    folder = exports_folder(tmp_path)
    west = (data.department_ids["west"],)
    job = create_export_job(
        db,
        folder,
        ExportRequest(data.survey_id, ExportFormat.CSV, personal_data=True, departments=west),
        owner_id=1,
        retention=timedelta(hours=1),
        reader=Reader(personal_data=True, user_id=None, label="manager.west"),
    )
    assert job.rows_total == 1
    # the job is stored as JSON and read back by the worker
    assert get_export_job(folder, job.id, user_id=1).request.departments == west
    done = run_export_job(db, folder, job.id, sav_max_rows=10)
    assert done.state == "done" and done.file_name is not None
    rows = _rows((folder / job.id / done.file_name).read_text(encoding="utf-8"))
    assert [r["touchpoint"] for r in rows] == ["tp_west"]
    (entry,) = audit_log(db, action="personal_data.export").items
    assert (entry.actor, entry.detail["rows"]) == ("manager.west", 1)

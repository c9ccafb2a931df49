from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from factories import make_reference_data, make_survey
from manyi.errors import InvalidInput
from manyi.ingestion.importer import import_feedback, import_responses
from manyi.storage.database import Database
from manyi.storage.tables import FeedbackItemRow, ImportRow, ResponseRow

HEADER = [
    "response_id",
    "customer",
    "channel",
    "nps",
    "csat",
    "sq1.E",
    "sq1.P",
    "k1.functional",
    "k1.dysfunctional",
    "服务类型",
    "comment",
    "提交时间",
]


def write_csv(path: Path, n: int, *, encoding: str = "utf-8", bad_every: int = 0) -> int:
    """Write n rows; every ``bad_every``-th row has an out-of-range NPS. Returns the good-row count."""
    good = 0
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i in range(n):
            bad = bad_every and i % bad_every == bad_every - 1
            good += not bad
            writer.writerow(
                [
                    f"R{i}",
                    f"C{i % 50}",
                    "web",
                    11 if bad else i % 11,
                    1 + i % 5,
                    5,
                    1 + i % 7,
                    "喜欢",
                    "不喜欢",
                    "维修" if i % 2 else "安装",
                    f"第{i}条意见：师傅很专业",
                    f"2026-03-{1 + i % 28:02d} 10:{i % 60:02d}:00",
                ]
            )
    return good


def _survey_with_text_option(db: Database) -> int:
    return make_survey(db).id


def _count(db: Database, table: type = ResponseRow) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_and_error_file(sqlite_db: Database, tmp_path: Path, encoding: str) -> None:
    make_reference_data(sqlite_db)
    sid = _survey_with_text_option(sqlite_db)
    path = tmp_path / "data.csv"
    good = write_csv(path, 40, encoding=encoding, bad_every=10)
    result = import_responses(sqlite_db, path, sid, error_dir=tmp_path / "err")
    assert (result.imported, result.errors) == (good, 4)
    assert result.error_file is not None
    lines = result.error_file.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "line,field,reason,row"
    assert lines[1].startswith(
        "11,answers.nps,11 is outside the scale 0–10"
    )  # header is line 1, R9 is line 11
    with sqlite_db.session() as s:
        row = s.scalar(select(ResponseRow).where(ResponseRow.external_key == "id:R1"))
        assert row is not None
        assert row.answers["type"] == "repair"  # matched the option by its Chinese text
        assert row.answers["k1"] == {"functional": "like", "dysfunctional": "dislike"}
        assert row.submitted_at.isoformat() == "2026-03-02T10:01:00"


def test_rerun_creates_no_duplicates(db: Database, tmp_path: Path) -> None:
    make_reference_data(db)
    sid = _survey_with_text_option(db)
    path = tmp_path / "data.csv"
    good = write_csv(path, 30, bad_every=7)
    first = import_responses(db, path, sid, error_dir=tmp_path)
    second = import_responses(db, path, sid, error_dir=tmp_path)
    assert first.imported == good
    assert (second.imported, second.duplicates) == (0, good)
    assert _count(db) == good


def test_xlsx_jsonl_and_mapping_file(sqlite_db: Database, tmp_path: Path) -> None:
    sid = _survey_with_text_option(sqlite_db)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["编号", "推荐意愿", "满意度"])
    ws.append(["x1", 10, 5])
    ws.append(["x2", "ten", 4])
    wb.save(tmp_path / "data.xlsx")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("推荐意愿: nps\n满意度: csat\n", encoding="utf-8")
    result = import_responses(
        sqlite_db, tmp_path / "data.xlsx", sid, mapping_file=mapping, error_dir=tmp_path
    )
    assert (result.imported, result.errors) == (1, 1)
    jsonl = tmp_path / "data.jsonl"
    jsonl.write_text(
        json.dumps({"response_id": "j1", "nps": 8})
        + "\n{broken\n"
        + json.dumps({"response_id": "j2", "nps": 2, "csat": 1})
        + "\n",
        encoding="utf-8",
    )
    result = import_responses(sqlite_db, jsonl, sid, error_dir=tmp_path)
    assert (result.imported, result.errors) == (2, 1)


def test_unusable_files_give_clear_errors(sqlite_db: Database, tmp_path: Path) -> None:
    sid = _survey_with_text_option(sqlite_db)
    (tmp_path / "x.csv").write_bytes(b"\xff\xfe\x00garbage\x81\x00")
    with pytest.raises(InvalidInput, match="neither UTF-8 nor GBK"):
        import_responses(sqlite_db, tmp_path / "x.csv", sid, error_dir=tmp_path)
    (tmp_path / "y.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="no column matches a question"):
        import_responses(sqlite_db, tmp_path / "y.csv", sid, error_dir=tmp_path)
    (tmp_path / "z.pdf").write_text("x", encoding="utf-8")
    with pytest.raises(InvalidInput, match="unsupported file type"):
        import_responses(sqlite_db, tmp_path / "z.pdf", sid, error_dir=tmp_path)


def test_feedback_import(db: Database, tmp_path: Path) -> None:
    make_reference_data(db)
    path = tmp_path / "complaints.csv"
    path.write_text(
        "工单号,内容,类型,部门,时间,评分\nT1,送货晚了三天,complaint,care,2026-05-01,2\nT2,,complaint,care,2026-05-02,1\nT3,安装很规范,praise,care,2026/05/03,five\nT4,App 闪退,review,nowhere,2026-05-04,\n",
        encoding="gb18030",
    )
    result = import_feedback(db, path, error_dir=tmp_path)
    assert (result.imported, result.errors) == (1, 3)
    again = import_feedback(db, path, error_dir=tmp_path)
    assert (again.imported, again.duplicates) == (0, 1)
    assert _count(db, FeedbackItemRow) == 1


KILL_SCRIPT = """
import sys
from manyi.storage.database import Database
from manyi.ingestion.importer import import_responses
import_responses(Database(sys.argv[1]), sys.argv[2], int(sys.argv[3]), error_dir=sys.argv[4], batch_size=250)
"""


def test_import_killed_halfway_then_rerun_stores_every_good_row_once(
    db: Database, tmp_path: Path
) -> None:
    make_reference_data(db)
    sid = _survey_with_text_option(db)
    path = tmp_path / "big.csv"
    good = write_csv(path, 6000, bad_every=13)
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, db.url, str(path), str(sid), str(tmp_path)]
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if _count(db) >= 500:
            break
        time.sleep(0.05)
    assert proc.poll() is None, (
        "the import finished before it could be killed; make the file bigger"
    )
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    halfway = _count(db)
    assert 0 < halfway < good
    result = import_responses(db, path, sid, error_dir=tmp_path)
    assert _count(db) == good
    assert result.imported == good - halfway
    with db.session() as s:
        keys = s.scalars(select(ResponseRow.external_key)).all()
        statuses = s.scalars(select(ImportRow.status).order_by(ImportRow.id)).all()
    assert len(keys) == len(set(keys)) == good
    assert statuses == ["interrupted", "finished"]

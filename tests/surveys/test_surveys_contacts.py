"""Contact lists as the API reads them: counts, segment values, imports, members with
contact fields masked for roles that may not see personal data."""

from __future__ import annotations

from pathlib import Path

import pytest

from manyi.domain.enums import Role
from manyi.errors import InvalidInput, NotFound
from manyi.ingestion.contacts import import_contacts
from manyi.storage.database import Database
from manyi.surveys.contacts import contact_list, contact_list_members, contact_lists


def fill(db: Database, tmp_path: Path) -> int:
    path = tmp_path / "c.csv"
    path.write_text(
        "客户编号,姓名,手机,邮箱,同意联系,地区\n"
        "C-1,李雷,13812345678,li@example.com,是,华东\n"
        "C-2,韩梅梅,13912345678,,否,华东\n"
        "C-3,,,c3@example.com,是,华北\n"
        "C-4,坏,1,,是,华北\n",
        encoding="utf-8",
    )
    return import_contacts(db, path, "spring", error_dir=tmp_path).list_id


def test_lists_and_one_lists_counts(db: Database, tmp_path: Path) -> None:
    list_id = fill(db, tmp_path)
    (summary,) = contact_lists(db)
    assert (summary.id, summary.name, summary.members) == (list_id, "spring", 3)
    detail = contact_list(db, list_id)
    assert (detail.with_email, detail.with_phone, detail.consenting) == (2, 2, 2)
    assert detail.segments == {"地区": {"华东": 2, "华北": 1}}
    (run,) = detail.imports
    assert (run.total_rows, run.accepted, run.rejected) == (4, 3, 1)
    assert run.error_file is not None and Path(run.error_file).exists()
    with pytest.raises(NotFound):
        contact_list(db, 999)


def test_members_are_masked_for_analysts(db: Database, tmp_path: Path) -> None:
    list_id = fill(db, tmp_path)
    manager = contact_list_members(db, list_id, Role.MANAGER)
    assert [(m.external_id, m.name, m.phone, m.email) for m in manager] == [
        ("C-1", "李雷", "13812345678", "li@example.com"),
        ("C-2", "韩梅梅", "13912345678", None),
        ("C-3", None, None, "c3@example.com"),
    ]
    analyst = contact_list_members(db, list_id, Role.ANALYST, limit=2)
    assert [(m.name, m.phone, m.email, m.has_email) for m in analyst] == [
        ("李*", "138****5678", "l***@example.com", True),
        ("韩**", "139****5678", None, False),
    ]
    assert [m.external_id for m in contact_list_members(db, list_id, Role.VIEWER, offset=2)] == [
        "C-3"
    ]
    with pytest.raises(NotFound):
        contact_list_members(db, 999, Role.ADMIN)
    with pytest.raises(InvalidInput):
        contact_list_members(db, list_id, Role.ADMIN, limit=0)

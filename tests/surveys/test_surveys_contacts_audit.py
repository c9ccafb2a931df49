"""A contact list's members shown unmasked are recorded in the audit log, one
``personal_data.view`` entry per customer with contact fields; masked views are not."""

from __future__ import annotations

from pathlib import Path

from manyi.domain.enums import Role
from manyi.domain.scope import Reader
from manyi.ingestion.contacts import import_contacts
from manyi.privacy.audit import audit_log
from manyi.storage.database import Database
from manyi.surveys.contacts import contact_list_members


def test_unmasked_members_are_audited(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "客户编号,姓名,手机,同意联系\nC-1,李雷,13812345678,是\nC-2,韩梅梅,13912345678,否\n",
        encoding="utf-8",
    )
    list_id = import_contacts(db, path, "spring", error_dir=tmp_path).list_id
    manager = Reader(personal_data=True, user_id=None, label="manager@example.com")
    analyst = Reader(personal_data=False, label="analyst@example.com")
    contact_list_members(db, list_id, Role.ANALYST, reader=analyst)
    assert audit_log(db, action="personal_data.view").count == 0
    shown = contact_list_members(db, list_id, Role.MANAGER, reader=manager, limit=1)
    assert shown[0].phone == "13812345678"
    (entry,) = audit_log(db, action="personal_data.view").items
    assert (entry.subject_kind, entry.subject_id, entry.actor) == (
        "customer",
        "C-1",
        "manager@example.com",
    )

"""Contact-list import: zh/en headers, CSV (GBK too) and XLSX, bad rows rejected by line
with nothing accepted lost, upsert by customer id, an opt-out never overridden."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from factories import make_survey
from manyi.errors import InvalidInput
from manyi.ingestion import contacts as contacts_module
from manyi.ingestion.contacts import header_field, import_contacts
from manyi.storage.database import Database
from manyi.storage.tables import (
    ContactListMemberRow,
    ContactListRow,
    CustomerRow,
    ImportRow,
    InvitationRow,
)

ZH = (
    "客户编号,姓名,手机,邮箱,同意联系,地区,会员等级\n"
    "C-1,李雷,+86 138-1234-5678,li@example.com,是,华东,金卡\n"
    "C-2,韩梅梅,12345,han@,也许,华北,银卡\n"
    "C-3,王芳,13912345678,,否,华南,\n"
    "C-1,李雷雷,,,,,\n"
    ",无编号,13700000000,,,,\n"
    "C-4,,,c4@example.com,1,华东,金卡\n"
)


def customers(db: Database) -> dict[str, CustomerRow]:
    with db.session() as s:
        return {row.external_id: row for row in s.scalars(select(CustomerRow))}


def members(db: Database, list_id: int) -> list[str]:
    with db.session() as s:
        return sorted(
            s.scalars(
                select(CustomerRow.external_id)
                .join(ContactListMemberRow, ContactListMemberRow.customer_id == CustomerRow.id)
                .where(ContactListMemberRow.list_id == list_id)
            )
        )


def test_chinese_headers_gbk_file_bad_rows_rejected_by_line(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "名单.csv"
    path.write_bytes(ZH.encode("gbk"))  # what Excel in China saves
    result = import_contacts(db, path, "2026 春季回访", error_dir=tmp_path / "errors")

    assert (result.total_rows, result.accepted, result.rejected) == (6, 3, 3)
    assert (result.created, result.added_to_list) == (3, 3)
    assert sorted(result.segment_columns) == ["会员等级", "地区"]
    rejected = {(r.line, r.field) for r in result.rejections}
    assert rejected == {
        (3, "phone"),
        (3, "email"),
        (3, "consent_contact"),
        (5, "external_id"),  # C-1 again: already on line 2
        (6, "external_id"),  # no customer id
    }
    assert any("already on line 2" in r.reason for r in result.rejections)
    # The error file, like the response importer's, names each line and reason.
    assert result.error_file is not None
    with result.error_file.open(encoding="utf-8-sig") as fh:
        lines = {int(row["line"]) for row in csv.DictReader(fh)}
    assert lines == {3, 5, 6}

    stored = customers(db)
    assert set(stored) == {"C-1", "C-3", "C-4"}
    li = stored["C-1"]
    assert (li.name, li.phone, li.email, li.consent_contact) == (
        "李雷",
        "13812345678",
        "li@example.com",
        True,
    )
    assert li.segments == {"地区": "华东", "会员等级": "金卡"}
    assert stored["C-3"].consent_contact is False
    assert stored["C-4"].email == "c4@example.com" and stored["C-4"].consent_contact is True
    assert members(db, result.list_id) == ["C-1", "C-3", "C-4"]
    with db.session() as s:
        run = s.get(ImportRow, result.import_id)
        assert run is not None
        assert (run.kind, run.status, run.imported_rows, run.error_rows) == (
            "contacts",
            "finished",
            3,
            3,
        )
        listed = s.get(ContactListRow, result.list_id)
        assert listed is not None and listed.import_ids == [result.import_id]


def test_xlsx_with_english_headers_and_numeric_cells(db: Database, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Customer ID", "Name", "Mobile", "E-mail", "Consent", "Tier"])
    sheet.append([1001, "Li Lei", 13812345678, "li@example.com", "yes", "gold"])
    sheet.append([1002, "Han Meimei", 13812345679.0, None, True, 2])
    path = tmp_path / "contacts.xlsx"
    book.save(path)
    result = import_contacts(db, path, "vip", error_dir=tmp_path)
    assert (result.accepted, result.rejected) == (2, 0)
    stored = customers(db)
    assert stored["1001"].phone == "13812345678"
    assert stored["1002"].phone == "13812345679" and stored["1002"].consent_contact is True
    assert stored["1001"].segments == {"Tier": "gold"} and stored["1002"].segments == {"Tier": 2}


def test_reimport_updates_only_what_the_file_gives(db: Database, tmp_path: Path) -> None:
    first = tmp_path / "a.csv"
    first.write_text(
        "customer_id,name,phone,email,consent,region\n"
        "C-1,Li Lei,13812345678,li@example.com,yes,east\n",
        encoding="utf-8",
    )
    import_contacts(db, first, "spring", error_dir=tmp_path)
    second = tmp_path / "b.csv"
    # A blank cell leaves the stored value; a new segment attribute is added to the others.
    second.write_text(
        "customer_id,name,phone,email,consent,tier\nC-1,,13912345678,,,gold\nC-2,Han,,,no,\n",
        encoding="utf-8",
    )
    again = import_contacts(db, second, "spring", error_dir=tmp_path)
    assert (again.created, again.updated, again.added_to_list) == (1, 1, 1)
    li = customers(db)["C-1"]
    assert (li.name, li.phone, li.email, li.consent_contact) == (
        "Li Lei",
        "13912345678",
        "li@example.com",
        True,
    )
    assert li.segments == {"region": "east", "tier": "gold"}
    assert members(db, again.list_id) == ["C-1", "C-2"]
    # The same file again changes nothing and adds nobody twice.
    third = import_contacts(db, second, "spring", error_dir=tmp_path)
    assert (third.accepted, third.created, third.updated, third.added_to_list) == (2, 0, 0, 0)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ContactListRow)) == 1
        listed = s.scalar(select(ContactListRow))
        assert listed is not None and len(listed.import_ids) == 3


def test_a_file_never_overrides_an_opt_out(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("客户编号,邮箱,同意联系\nC-1,li@example.com,是\n", encoding="utf-8")
    import_contacts(db, path, "a", error_dir=tmp_path)
    survey_id = make_survey(db).id
    with db.session() as s:
        customer = s.scalar(select(CustomerRow))
        assert customer is not None
        customer.consent_contact = False  # what the opt-out link does
        s.add(
            InvitationRow(
                survey_id=survey_id,
                token_hash="0" * 64,
                customer_id=customer.id,
                meta={"opted_out_at": "2026-11-01T08:00:00"},
            )
        )
    result = import_contacts(db, path, "a", error_dir=tmp_path)
    assert result.consent_kept_off == ["C-1"]
    assert customers(db)["C-1"].consent_contact is False


def test_bad_rows_between_batches_lose_nothing(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contacts_module, "BATCH_SIZE", 2)
    rows = [f"C-{i},1381234{i:04d}" for i in range(7)]
    rows[3] = "C-3,not-a-phone"
    path = tmp_path / "c.csv"
    path.write_text("客户编号,手机\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = import_contacts(db, path, "batches", error_dir=tmp_path)
    assert (result.accepted, result.rejected) == (6, 1)
    assert [r.line for r in result.rejections] == [5]
    assert len(members(db, result.list_id)) == 6


def test_files_that_cannot_be_a_contact_list_store_nothing(db: Database, tmp_path: Path) -> None:
    no_id = tmp_path / "no_id.csv"
    no_id.write_text("姓名,手机\n李雷,13812345678\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="no customer id column"):
        import_contacts(db, no_id, "x", error_dir=tmp_path)
    twice = tmp_path / "twice.csv"
    twice.write_text("客户编号,手机,phone\nC-1,13812345678,13812345679\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="two columns give the same field"):
        import_contacts(db, twice, "x", error_dir=tmp_path)
    with pytest.raises(InvalidInput, match="name of 1 to 200"):
        import_contacts(db, twice, "  ", error_dir=tmp_path)
    assert customers(db) == {}
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ContactListRow)) == 0


def test_header_names() -> None:
    assert header_field("客户编号") == "external_id"
    assert header_field("手机号码") == "phone"
    assert header_field("电子邮箱") == "email"
    assert header_field("Customer ID") == "external_id"
    assert header_field("e_mail") == "email"
    assert header_field("同意联系") == "consent_contact"
    assert header_field("地区") is None

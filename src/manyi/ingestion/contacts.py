"""Contact-list import: a CSV/XLSX file of customers onto a named contact list.

Columns are recognised by their header, in Chinese or English (客户编号 / customer id,
姓名 / name, 手机 / phone, 邮箱 / e-mail, 同意联系 / consent, …); every other column is a
segment attribute (地区, 会员等级, tier …) stored in the customer's ``segments``. The
file is read by :func:`manyi.ingestion.files.open_table` (the same encodings, delimiters
and formats as the response importer) and stored in batches: a row with a bad phone
number, e-mail address or consent value is rejected with its line number into an error
file like the importer's, and never stops the rows around it; rows already stored stay
stored when a later one fails or the import is cut short. Importing the same file again
changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from manyi.domain.contact import cell_text, normalise_email, normalise_phone, parse_consent
from manyi.errors import FieldError, InvalidInput
from manyi.ingestion.files import ERROR_KEY, SourceRow, open_table
from manyi.ingestion.importer import _batches, _ErrorFile, _finish, _sha256, _start_import
from manyi.storage.contacts import (
    ContactUpsert,
    add_members,
    find_or_create_list,
    record_list_import,
    touch_list,
    upsert_customers,
)
from manyi.storage.database import Database
from manyi.storage.imports import update_import_counts

BATCH_SIZE = 1000
#: How many rejected lines the result lists itself (all of them are in the error file).
SHOWN_REJECTIONS = 100

#: Header (lower case, without spaces, dashes, underscores or dots) → field.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": (
        "customerid",
        "externalid",
        "customer",
        "id",
        "客户编号",
        "客户id",
        "客户号",
        "客户代码",
        "会员号",
        "会员编号",
        "会员id",
        "用户id",
        "编号",
    ),
    "name": ("name", "customername", "fullname", "姓名", "客户姓名", "名称", "客户名称", "联系人"),
    "phone": (
        "phone",
        "mobile",
        "mobilephone",
        "phonenumber",
        "tel",
        "telephone",
        "cellphone",
        "手机",
        "手机号",
        "手机号码",
        "电话",
        "电话号码",
        "联系电话",
    ),
    "email": ("email", "mail", "emailaddress", "邮箱", "电子邮箱", "邮件", "电子邮件", "邮箱地址"),
    "consent_contact": (
        "consent",
        "consentcontact",
        "contactconsent",
        "optin",
        "同意联系",
        "同意",
        "是否同意联系",
        "联系授权",
        "授权联系",
    ),
    "consent_research": ("consentresearch", "researchconsent", "同意调研", "调研授权"),
}
_FIELD_OF = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}


@dataclass(frozen=True)
class Rejection:
    line: int
    field: str
    reason: str


@dataclass
class ContactImport:
    """What a contact import did. ``rejections`` lists the first rejected lines; the error
    file lists them all."""

    list_id: int
    list_name: str
    import_id: int
    total_rows: int
    accepted: int = 0
    created: int = 0
    updated: int = 0
    added_to_list: int = 0
    rejected: int = 0
    error_file: Path | None = None
    rejections: list[Rejection] = field(default_factory=list)
    segment_columns: list[str] = field(default_factory=list)
    consent_kept_off: list[str] = field(default_factory=list)


def header_field(header: str) -> str | None:
    """The contact field a column header names, or None (a segment attribute).

    >>> header_field("客户编号"), header_field("E-mail"), header_field("Customer ID"), header_field("地区")
    ('external_id', 'email', 'external_id', None)
    """
    key = re.sub(r"[\s_\-.]", "", unicodedata.normalize("NFKC", header)).lower()
    return _FIELD_OF.get(key)


def import_contacts(
    db: Database,
    path: str | Path,
    list_name: str,
    *,
    error_dir: str | Path,
    description: str = "",
) -> ContactImport:
    """Import a contact file onto the contact list ``list_name`` (made if new).

    Raises InvalidInput (nothing stored) for an unreadable file, a file without a customer
    id column, or two columns that give the same field; bad rows are rejected one by one.
    """
    list_name = (list_name or "").strip()
    if not list_name or len(list_name) > 200:
        raise InvalidInput("a contact list needs a name of 1 to 200 characters")
    table = open_table(path)
    columns = _ColumnPlan(table.headers)
    if table.format != "jsonl":
        columns.check()
    sha = _sha256(table.path)
    with db.session() as s:
        list_id = find_or_create_list(s, list_name, description.strip())
    import_id = _start_import(db, "contacts", table, None, sha)
    with db.session() as s:
        record_list_import(s, list_id, import_id)
    result = ContactImport(list_id, list_name, import_id, table.total)
    errors = _ErrorFile(Path(error_dir) / f"import-{import_id}-errors.csv")
    seen: dict[str, int] = {}
    for batch in _batches(table.rows(), BATCH_SIZE):
        accepted: list[tuple[SourceRow, ContactUpsert]] = []
        for row in batch:
            try:
                contact = _contact(row, columns, seen)
            except InvalidInput as exc:
                rejected = exc.errors or [FieldError((), exc.message)]
                errors.add(row.line, rejected, row.values)
                if len(result.rejections) < SHOWN_REJECTIONS:
                    result.rejections.extend(
                        Rejection(row.line, ".".join(map(str, e.loc)), e.msg) for e in rejected
                    )
                continue
            seen[contact.external_id] = row.line
            accepted.append((row, contact))
        with db.session() as s:
            if accepted:
                outcome = upsert_customers(s, [c for _, c in accepted])
                result.added_to_list += add_members(
                    s,
                    list_id,
                    [(outcome.ids[c.external_id], import_id, row.line) for row, c in accepted],
                )
                result.created += outcome.created
                result.updated += outcome.updated
                result.consent_kept_off.extend(sorted(outcome.opted_out))
            result.accepted += len(accepted)
            update_import_counts(
                s, import_id, imported=result.accepted, duplicates=0, errors=errors.count
            )
    result.rejected = errors.count
    result.error_file = _finish(db, import_id, result.accepted, 0, errors)
    with db.session() as s:
        touch_list(s, list_id)
    result.rejections = result.rejections[:SHOWN_REJECTIONS]
    result.segment_columns = sorted(columns.segments)
    return result


class _ColumnPlan:
    """Which header gives which field; every other header is a segment attribute."""

    def __init__(self, headers: list[str]) -> None:
        self.fields: dict[str, str] = {}
        self.segments: set[str] = set()
        self._twice: dict[str, list[str]] = {}
        for header in headers:
            self.of(header)

    def of(self, header: str) -> str | None:
        if header in self.fields:
            return self.fields[header]
        if header in self.segments or header.startswith("__"):
            return None
        name = header_field(header)
        if name is None:
            self.segments.add(header)
            return None
        self._twice.setdefault(name, []).append(header)
        self.fields[header] = name
        return name

    def check(self) -> None:
        twice = {name: heads for name, heads in self._twice.items() if len(heads) > 1}
        if twice:
            said = "; ".join(f"{name}: {', '.join(heads)}" for name, heads in twice.items())
            raise InvalidInput(f"two columns give the same field ({said}): keep one of each")
        if "external_id" not in self._twice:
            raise InvalidInput(
                "the file has no customer id column: name one 客户编号, customer id or "
                "external_id (columns found: " + ", ".join(sorted(self.segments)) + ")"
            )


def _contact(row: SourceRow, columns: _ColumnPlan, seen: dict[str, int]) -> ContactUpsert:
    """One file row as a contact; raises InvalidInput with every problem of the row."""
    if ERROR_KEY in row.values:
        reason = str(row.values[ERROR_KEY])
        raise InvalidInput(reason, [FieldError((), reason, "unreadable")])
    given: dict[str, Any] = {}
    segments: dict[str, Any] = {}
    for header, value in row.values.items():
        name = columns.of(header)
        if _blank(value):
            continue
        if name is None:
            if not header.startswith("__"):
                segments[header] = _segment_value(value)
        else:
            given[name] = value
    problems: list[FieldError] = []
    external_id = cell_text(given.get("external_id", "")).strip()
    if not external_id:
        problems.append(FieldError(("external_id",), "no customer id", "missing"))
    elif len(external_id) > 128:
        problems.append(
            FieldError(("external_id",), "a customer id has at most 128 characters", "too_long")
        )
    elif external_id in seen:
        problems.append(
            FieldError(
                ("external_id",),
                f"customer {external_id!r} is already on line {seen[external_id]} of this file",
                "duplicate",
            )
        )
    values: dict[str, Any] = {}
    for name, parse in (
        ("phone", normalise_phone),
        ("email", normalise_email),
        ("consent_contact", parse_consent),
        ("consent_research", parse_consent),
    ):
        if name in given:
            try:
                values[name] = parse(given[name])
            except ValueError as exc:
                problems.append(FieldError((name,), str(exc), "invalid"))
    name_text = cell_text(given["name"]).strip() if "name" in given else None
    if name_text is not None and len(name_text) > 200:
        problems.append(FieldError(("name",), "a name has at most 200 characters", "too_long"))
    if problems:
        raise InvalidInput(problems[0].msg, problems)
    return ContactUpsert(
        external_id=external_id,
        name=name_text or None,
        phone=values.get("phone"),
        email=values.get("email"),
        consent_contact=values.get("consent_contact"),
        consent_research=values.get("consent_research"),
        segments=segments or None,
    )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _segment_value(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool | int | float):
        return value
    return str(value)

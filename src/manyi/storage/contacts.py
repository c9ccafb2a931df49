"""Contact-list repository: customers upserted from contact files, named lists of them.

A contact file row updates the customer with its external id (created when new): a
given name, phone, e-mail or segment attribute replaces the stored one, a blank cell
leaves it. Consent to be contacted is set only where the file says so, and a yes never
overrides an opt-out the customer made through an invitation's link (the opt-out is
recorded in that invitation's meta, ``opted_out_at``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from manyi.storage.insert import insert_ignore
from manyi.storage.rollups import refresh_customers
from manyi.storage.tables import (
    ContactListMemberRow,
    ContactListRow,
    CustomerRow,
    ImportRow,
    InvitationRow,
)
from manyi.storage.types import utcnow

#: SQLite allows about 999 bound parameters in one statement.
CHUNK = 900


def chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class ContactUpsert:
    """One customer as a contact file gives it; None (or an empty dict) changes nothing."""

    external_id: str
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    consent_contact: bool | None = None
    consent_research: bool | None = None
    segments: dict[str, Any] | None = None


@dataclass(frozen=True)
class UpsertOutcome:
    """Customer ids by external id, how many were new, and those whose consent stayed off
    because they opted out (external id → when)."""

    ids: dict[str, int]
    created: int
    updated: int
    opted_out: dict[str, str]


def find_or_create_list(session: Session, name: str, description: str) -> int:
    """The id of the contact list ``name``, made now if there is none (race-safe)."""
    insert_ignore(
        session,
        ContactListRow,
        [
            {
                "name": name,
                "description": description,
                "import_ids": [],
                "created_at": utcnow(),
                "updated_at": utcnow(),
            }
        ],
        conflict=("name",),
    )
    found = session.scalar(select(ContactListRow.id).where(ContactListRow.name == name))
    return int(found) if found is not None else 0


def record_list_import(session: Session, list_id: int, import_id: int) -> None:
    """Add ``import_id`` to the list's imports (row locked, so two imports both stay)."""
    row = session.scalar(
        select(ContactListRow).where(ContactListRow.id == list_id).with_for_update()
    )
    if row is None:
        return
    row.import_ids = [*(row.import_ids or []), import_id]
    row.updated_at = utcnow()


def upsert_customers(session: Session, contacts: list[ContactUpsert]) -> UpsertOutcome:
    """Create or update the customers of ``contacts`` (distinct external ids)."""
    wanted = [c.external_id for c in contacts]
    existing: set[str] = set()
    for part in chunks(wanted):
        existing.update(
            session.scalars(
                select(CustomerRow.external_id).where(CustomerRow.external_id.in_(part))
            )
        )
    now = utcnow()
    insert_ignore(
        session,
        CustomerRow,
        [
            {
                "external_id": c.external_id,
                "segments": {},
                "consent_contact": False,
                "consent_research": False,
                "created_at": now,
            }
            for c in contacts
            if c.external_id not in existing
        ],
        conflict=("external_id",),
    )
    rows: dict[str, CustomerRow] = {}
    for part in chunks(wanted):
        for row in session.scalars(select(CustomerRow).where(CustomerRow.external_id.in_(part))):
            rows[row.external_id] = row
    opted = opted_out_customers(session, [row.id for row in rows.values()])
    kept: dict[str, str] = {}
    updated = 0
    resegmented: list[int] = []
    for contact in contacts:
        row = rows[contact.external_id]
        segments = dict(row.segments or {})
        changed = _apply(row, contact)
        if contact.external_id in existing and row.segments != segments:
            resegmented.append(row.id)
        if contact.consent_contact and row.id in opted:
            row.consent_contact = False
            kept[contact.external_id] = opted[row.id]
        if changed and contact.external_id in existing:
            updated += 1
    session.flush()
    # The dashboards' rollups count by the customers' segments (storage/rollups.py).
    refresh_customers(session, resegmented)
    return UpsertOutcome(
        ids={key: row.id for key, row in rows.items()},
        created=len(set(wanted) - existing),
        updated=updated,
        opted_out=kept,
    )


def _apply(row: CustomerRow, contact: ContactUpsert) -> bool:
    changed = False
    for field in ("name", "phone", "email", "consent_contact", "consent_research"):
        value = getattr(contact, field)
        if value is not None and getattr(row, field) != value:
            setattr(row, field, value)
            changed = True
    if contact.segments:
        merged = {**(row.segments or {}), **contact.segments}
        if merged != row.segments:
            row.segments = merged
            changed = True
    return changed


def opted_out_customers(session: Session, customer_ids: Iterable[int]) -> dict[int, str]:
    """customer id → when it opted out, for those of ``customer_ids`` that did.

    The opt-out is kept in the invitation's meta; the JSON is read in Python (the same code
    on SQLite and PostgreSQL), on the rows of these customers only.
    """
    found: dict[int, str] = {}
    for part in chunks(sorted(set(customer_ids))):
        for customer_id, meta in session.execute(
            select(InvitationRow.customer_id, InvitationRow.meta).where(
                InvitationRow.customer_id.in_(part)
            )
        ):
            when = (meta or {}).get("opted_out_at")
            if when and customer_id is not None:
                found.setdefault(int(customer_id), str(when))
    return found


def add_members(
    session: Session, list_id: int, members: list[tuple[int, int | None, int | None]]
) -> int:
    """Put (customer id, import id, line) on the list; returns how many were new to it."""
    now = utcnow()
    added = insert_ignore(
        session,
        ContactListMemberRow,
        [
            {
                "list_id": list_id,
                "customer_id": customer_id,
                "import_id": import_id,
                "line": line,
                "added_at": now,
            }
            for customer_id, import_id, line in members
        ],
        conflict=("list_id", "customer_id"),
        returning=(ContactListMemberRow.customer_id,),
    )
    return len(added)


def touch_list(session: Session, list_id: int) -> None:
    session.execute(
        update(ContactListRow).where(ContactListRow.id == list_id).values(updated_at=utcnow())
    )


@dataclass(frozen=True)
class ListImport:
    import_id: int
    file_name: str
    status: str
    total_rows: int
    accepted: int
    rejected: int
    error_file: str | None
    started_at: datetime


@dataclass(frozen=True)
class ListSummary:
    id: int
    name: str
    description: str
    members: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ListDetail:
    summary: ListSummary
    with_email: int
    with_phone: int
    consenting: int
    segments: dict[str, dict[str, int]]
    imports: list[ListImport]


def list_summaries(session: Session) -> list[ListSummary]:
    counts = dict(
        session.execute(
            select(ContactListMemberRow.list_id, func.count()).group_by(
                ContactListMemberRow.list_id
            )
        ).all()
    )
    return [
        _summary(row, int(counts.get(row.id, 0)))
        for row in session.scalars(select(ContactListRow).order_by(ContactListRow.id))
    ]


def list_detail(session: Session, list_id: int, *, top_values: int = 20) -> ListDetail | None:
    """A list with its member counts, the most frequent values of each segment attribute,
    and the imports that filled it."""
    row = session.get(ContactListRow, list_id)
    if row is None:
        return None
    members = emails = phones = consenting = 0
    values: dict[str, dict[str, int]] = {}
    for email, phone, consent, segments in session.execute(
        select(
            CustomerRow.email, CustomerRow.phone, CustomerRow.consent_contact, CustomerRow.segments
        )
        .join(ContactListMemberRow, ContactListMemberRow.customer_id == CustomerRow.id)
        .where(ContactListMemberRow.list_id == list_id)
    ):
        members += 1
        emails += bool(email)
        phones += bool(phone)
        consenting += bool(consent)
        for key, value in (segments or {}).items():
            counted = values.setdefault(str(key), {})
            counted[str(value)] = counted.get(str(value), 0) + 1
    segments_top = {
        key: dict(sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))[:top_values])
        for key, counted in sorted(values.items())
    }
    imports = [
        ListImport(
            import_id=run.id,
            file_name=run.file_name,
            status=run.status,
            total_rows=run.total_rows,
            accepted=run.imported_rows,
            rejected=run.error_rows,
            error_file=run.error_file,
            started_at=run.started_at,
        )
        for run in session.scalars(
            select(ImportRow)
            .where(ImportRow.id.in_(list(row.import_ids or [])))
            .order_by(ImportRow.id)
        )
    ]
    return ListDetail(
        summary=_summary(row, members),
        with_email=emails,
        with_phone=phones,
        consenting=consenting,
        segments=segments_top,
        imports=imports,
    )


def _summary(row: ContactListRow, members: int) -> ListSummary:
    return ListSummary(
        id=row.id,
        name=row.name,
        description=row.description or "",
        members=members,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


@dataclass(frozen=True)
class Member:
    """A customer on a list, as campaigns and the member listing read it."""

    customer_id: int
    external_id: str
    name: str | None
    phone: str | None
    email: str | None
    consent_contact: bool
    segments: dict[str, Any]


def list_exists(session: Session, list_id: int) -> bool:
    return session.get(ContactListRow, list_id) is not None


def list_members(
    session: Session, list_id: int, *, limit: int | None = None, offset: int = 0
) -> list[Member]:
    """Members of the list in customer-id order (a stable order: sampling depends on it)."""
    query = (
        select(CustomerRow)
        .join(ContactListMemberRow, ContactListMemberRow.customer_id == CustomerRow.id)
        .where(ContactListMemberRow.list_id == list_id)
        .order_by(CustomerRow.id)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return [
        Member(
            customer_id=row.id,
            external_id=row.external_id,
            name=row.name,
            phone=row.phone,
            email=row.email,
            consent_contact=bool(row.consent_contact),
            segments=dict(row.segments or {}),
        )
        for row in session.scalars(query)
    ]


def member(session: Session, customer_id: int) -> Member | None:
    """One customer as :func:`list_members` gives it."""
    row = session.get(CustomerRow, customer_id)
    if row is None:
        return None
    return Member(
        customer_id=row.id,
        external_id=row.external_id,
        name=row.name,
        phone=row.phone,
        email=row.email,
        consent_contact=bool(row.consent_contact),
        segments=dict(row.segments or {}),
    )

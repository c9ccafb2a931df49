"""Contact lists as the API shows them: the lists, one list's counts, its members.

Lists are filled by :func:`manyi.ingestion.contacts.import_contacts`. A member's name,
phone and e-mail are personal data: they go through
:func:`manyi.domain.privacy.mask_contact`, so roles that may not see personal data get
them masked (``138****5678``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from manyi.domain.enums import Role
from manyi.domain.privacy import mask_contact, may_see_personal_data
from manyi.domain.scope import SYSTEM, Reader
from manyi.errors import InvalidInput, NotFound
from manyi.storage.contacts import (
    ListDetail,
    ListSummary,
    list_detail,
    list_exists,
    list_summaries,
)
from manyi.storage.contacts import list_members as stored_members
from manyi.storage.database import Database
from manyi.storage.personal_views import record_personal_data_views

MAX_PAGE = 1000


@dataclass(frozen=True)
class MemberView:
    external_id: str
    consent_contact: bool
    segments: dict[str, Any]
    has_email: bool
    has_phone: bool
    name: str | None = None
    phone: str | None = None
    email: str | None = None


def contact_lists(db: Database) -> list[ListSummary]:
    with db.session() as s:
        return list_summaries(s)


def contact_list(db: Database, list_id: int) -> ListDetail:
    with db.session() as s:
        found = list_detail(s, list_id)
    if found is None:
        raise NotFound(f"no contact list with id {list_id}")
    return found


def contact_list_members(
    db: Database,
    list_id: int,
    role: Role,
    *,
    limit: int = 100,
    offset: int = 0,
    reader: Reader = SYSTEM,
) -> list[MemberView]:
    """A page of the list's members in customer order, contact fields masked for roles
    that may not see personal data; members shown unmasked to ``reader`` are recorded in
    the audit log (``personal_data.view`` of each customer)."""
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InvalidInput(f"limit is 1 to {MAX_PAGE} and offset at least 0")
    with db.session() as s:
        if not list_exists(s, list_id):
            raise NotFound(f"no contact list with id {list_id}")
    with db.session() as s:
        members = stored_members(s, list_id, limit=limit, offset=offset)
        if may_see_personal_data(role):
            shown = [m.external_id for m in members if m.name or m.phone or m.email]
            record_personal_data_views(s, reader, "customer", shown)
    return [
        MemberView(
            external_id=m.external_id,
            consent_contact=m.consent_contact,
            segments=m.segments,
            has_email=bool(m.email),
            has_phone=bool(m.phone),
            name=mask_contact(role, "name", m.name),
            phone=mask_contact(role, "phone", m.phone),
            email=mask_contact(role, "email", m.email),
        )
        for m in members
    ]

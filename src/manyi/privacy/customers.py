"""One customer's personal data: shown masked to roles that may not see it, exported
whole, or erased; export and erasure are recorded in the audit log (docs/privacy.md)."""

from __future__ import annotations

import re
from typing import Any

from manyi.domain.enums import Role
from manyi.domain.privacy import CONTACT_FIELDS, mask_contact, may_see_personal_data
from manyi.domain.scope import SYSTEM, Reader
from manyi.errors import InvalidInput, NotFound
from manyi.privacy.audit import Actor
from manyi.storage.audit import add_audit_entry
from manyi.storage.database import Database
from manyi.storage.personal_views import record_personal_data_views
from manyi.storage.privacy import customer_data, customer_summary, erase_customer
from manyi.storage.scoping import customer_in_scope

SUBJECT = "customer"
EXPORT = "customer.export"
ERASE = "customer.erase"
#: What an erased open answer reads afterwards, in the answer's own language.
ERASED_ZH = "[已删除]"
ERASED_EN = "[erased]"
_CJK = re.compile(r"[\u3400-\u9fff]")


def _checked(external_id: str) -> str:
    cleaned = external_id.strip()
    if not cleaned or len(cleaned) > 128:
        raise InvalidInput("a customer id is 1 to 128 characters")
    return cleaned


def customer_view(
    db: Database, external_id: str, role: Role, *, reader: Reader = SYSTEM
) -> dict[str, Any]:
    """A customer as ``role`` may see them: contact fields masked for analysts and
    viewers (:func:`manyi.domain.privacy.mask_contact`); NotFound when unknown, or when
    none of their responses and feedback items lies in the ``reader``'s departments.
    Shown unmasked to a ``reader`` with personal data, the view is recorded in the audit
    log."""
    external_id = _checked(external_id)
    with db.session() as s:
        found = customer_summary(s, external_id)
        if found is None or not customer_in_scope(s, external_id, reader.scope):
            raise NotFound(f"no customer {external_id!r}")
        if may_see_personal_data(role) and any(found[name] for name in CONTACT_FIELDS):
            record_personal_data_views(s, reader, SUBJECT, [external_id])
    for name in CONTACT_FIELDS:
        found[name] = mask_contact(role, name, found[name])
    return found


def export_customer(db: Database, external_id: str, actor: Actor) -> dict[str, Any]:
    """Everything stored about one customer (customer row, responses with their answers,
    feedback items, invitations and their drafts, consents); the export is audited."""
    external_id = _checked(external_id)
    with db.session() as s:
        data = customer_data(s, external_id)
        if data is None:
            raise NotFound(f"no customer {external_id!r}")
        add_audit_entry(
            s,
            action=EXPORT,
            subject_kind=SUBJECT,
            subject_id=external_id,
            detail={key: len(value) for key, value in data.items() if isinstance(value, list)},
            actor=actor.label,
            actor_user_id=actor.user_id,
        )
    return data


def erased_text(original: str) -> str:
    """The placeholder an erased open answer gets (Chinese for a Chinese answer)."""
    return ERASED_ZH if _CJK.search(original) else ERASED_EN


def erase(db: Database, external_id: str, actor: Actor) -> dict[str, int]:
    """Erase one customer's personal data in one transaction, audited; returns the counts.

    The customer row, their feedback items, invitations and drafts are deleted; their
    responses stay for statistics, de-identified (no customer, no raw or open text, no
    metadata, no keys). NotFound when the customer is unknown (also when already erased).
    """
    external_id = _checked(external_id)
    with db.session() as s:
        done = erase_customer(s, external_id, erased_text=erased_text)
        if done is None:
            raise NotFound(f"no customer {external_id!r} (never stored, or already erased)")
        counts = done.as_dict()
        add_audit_entry(
            s,
            action=ERASE,
            subject_kind=SUBJECT,
            subject_id=external_id,
            detail=counts,
            actor=actor.label,
            actor_user_id=actor.user_id,
        )
    return counts

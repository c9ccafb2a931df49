"""Who may read personal data (PIPL/GDPR: the minimum of people who need it).

Intake stores feedback texts and open answers redacted; the original, where kept, is
shown only to the roles with ``Permission.VIEW_PERSONAL_DATA`` in the one role →
permission map (:mod:`manyi.domain.permissions`): administrators, managers who own the
follow-up, and agents who call the customer back. Analysts and viewers work on redacted
text, and see a customer's name, phone and e-mail only masked (:func:`mask_contact`).

Requests about one person's data as a whole (export, erasure) and retention need
``Permission.HANDLE_PERSONAL_DATA_REQUESTS`` (administrators only,
:func:`may_handle_personal_data_requests`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any, Literal

from manyi.domain.enums import Role
from manyi.domain.permissions import Permission, has_permission

ContactField = Literal["name", "phone", "email"]
CONTACT_FIELDS: tuple[ContactField, ...] = ("name", "phone", "email")


def may_see_personal_data(role: Role) -> bool:
    """Unmasked contact fields and the originals of redacted texts (the permission map)."""
    return has_permission(role, Permission.VIEW_PERSONAL_DATA)


def may_handle_personal_data_requests(role: Role) -> bool:
    """One person's export and erasure, retention (the permission map: administrators)."""
    return has_permission(role, Permission.HANDLE_PERSONAL_DATA_REQUESTS)


def mask_contact(role: Role, field: ContactField, value: str | None) -> str | None:
    """``value`` of a customer's contact ``field`` as ``role`` may see it.

    Roles that may see personal data get it as stored; the others a mask that keeps
    just enough to tell two customers apart on a call list: ``138****5678``,
    ``a***@example.com``, ``张*``. Every page and API output of a customer's name,
    phone or e-mail goes through here.
    """
    if value is None or value == "":
        return value
    if may_see_personal_data(role):
        return value
    if field == "phone":
        return _mask_phone(value)
    if field == "email":
        return _mask_email(value)
    if field == "name":
        return value[:1] + "*" * max(len(value) - 1, 1)
    raise ValueError(f"not a contact field: {field!r}")


def _mask_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * max(len(digits), 4)


def _mask_email(value: str) -> str:
    local, at, domain = value.rpartition("@")
    if not at or not local:
        return "***"
    return f"{local[:1]}***@{domain}"


def consent_text_hash(text: str) -> str:
    """The key under which a consent text is stored once: its SHA-256 (hex, UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Metadata keys that identify a person or a device. A key is identifying when any of its
# words (split on ``_``, ``-``, ``.``, spaces and camelCase) is one of these.
_IDENTIFYING_WORDS = frozenset(
    {
        "ip",
        "ipv4",
        "ipv6",
        "addr",
        "address",
        "ua",
        "agent",
        "useragent",
        "customer",
        "email",
        "mail",
        "phone",
        "mobile",
        "tel",
        "name",
        "device",
        "cookie",
        "session",
        "fingerprint",
        "token",
        "invite",
        "invitation",
        "openid",
        "unionid",
        "wechat",
        "user",
        "referer",
        "referrer",
        "location",
        "gps",
        "latitude",
        "longitude",
        "forwarded",
    }
)
_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def is_identifying_key(key: str) -> bool:
    """Whether a metadata key names something that identifies a person or device."""
    words = {w.lower() for w in _WORDS.findall(key)}
    return bool(words & _IDENTIFYING_WORDS) or key.lower() in _IDENTIFYING_WORDS


def without_identifiers(meta: Mapping[str, Any]) -> dict[str, Any]:
    """``meta`` without identifying keys, at any depth (what an anonymous survey keeps)."""
    kept: dict[str, Any] = {}
    for key, value in meta.items():
        if is_identifying_key(str(key)):
            continue
        kept[key] = without_identifiers(value) if isinstance(value, Mapping) else value
    return kept

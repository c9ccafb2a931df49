"""Bounces: e-mail addresses that cannot take mail, recorded so they are not mailed again.

Two ways in:

1. **At send.** A mail server that refuses the recipient or the message with a permanent
   (5xx) reply marks the invitation ``bounced`` at once (:class:`manyi.surveys.email.MailBounced`).
2. **Later, by report.** A server further on that gives up sends a delivery status
   notification (DSN, RFC 3464) to the envelope sender. With ``MANYI_SMTP_BOUNCE_ADDRESS``
   set (``bounces@example.com``) every invitation leaves with the envelope sender
   ``bounces+<invitation id>-<tag>@example.com`` (VERP) and the header
   ``X-Manyi-Invitation: <invitation id>-<tag>``; :func:`ingest_dsn` reads either back.
   The tag is an HMAC of the id under ``MANYI_SECRET_KEY``, so a forged report sent to
   the bounce mailbox cannot mark an invitation it does not know.

A bounce is kept in the invitation's ``meta["email"]`` (``state: bounced``,
``bounced_at``, ``bounce``) with the SHA-256 of the address it was sent to
(``to_sha256``): :func:`bounced_reason` then refuses that address for every survey,
while a new address of the same customer is tried.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import Message
from typing import Any, Literal

from manyi.errors import InvalidInput
from manyi.storage.database import Database
from manyi.storage.deliveries import customer_deliveries, delivery
from manyi.surveys.delivery_state import iso, record, utc_naive

MAX_DSN_BYTES = 2 * 1024 * 1024
_TAG_LENGTH = 10
_VERP = re.compile(r"\+(\d{1,18})-([0-9a-f]{10})@")
_HEADER = re.compile(r"^X-Manyi-Invitation:\s*(\d{1,18})-([0-9a-f]{10})\s*$", re.I | re.M)
_RECIPIENT_HEADERS = ("To", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To")


@dataclass(frozen=True)
class BounceResult:
    """``bounced`` (the invitation is marked) or ``ignored`` (a delay or success report)."""

    status: Literal["bounced", "ignored"]
    invitation_id: int
    reason: str


def invitation_tag(invitation_id: int, secret: str) -> str:
    """``<id>-<tag>``: the value of the X-Manyi-Invitation header."""
    digest = hmac.new(
        secret.encode("utf-8"), f"bounce:{invitation_id}".encode(), hashlib.sha256
    ).hexdigest()
    return f"{invitation_id}-{digest[:_TAG_LENGTH]}"


def verp_address(bounce_address: str, invitation_id: int, secret: str) -> str:
    """``bounces+17-<tag>@example.com`` for ``bounces@example.com``."""
    local, _, domain = bounce_address.rpartition("@")
    return f"{local}+{invitation_tag(invitation_id, secret)}@{domain}"


def address_hash(address: str) -> str:
    """SHA-256 of an address, lower-cased: what a bounce remembers instead of the address."""
    return hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()


def record_bounce(
    db: Database, invitation_id: int, reason: str, *, now: datetime | None = None
) -> bool:
    """Mark the invitation's e-mail ``bounced``; False for an unknown invitation."""
    fields = {"state": "bounced", "bounced_at": iso(utc_naive(now)), "bounce": reason[:500]}
    return bool(record(db, invitation_id, "email", fields))


def bounced_reason(db: Database, customer_id: int, address: str) -> str:
    """Why ``address`` of this customer is not mailed ("" when it may be)."""
    wanted = address_hash(address)
    with db.session() as s:
        deliveries = customer_deliveries(s, customer_id)
    for item in deliveries:
        email = item.meta.get("email")
        if not isinstance(email, dict) or email.get("state") != "bounced":
            continue
        # An invitation sent before addresses were remembered bounces whatever address.
        if email.get("to_sha256") in (None, wanted):
            return (
                f"the e-mail address bounced on {email.get('bounced_at', '?')} "
                f"(invitation {item.id}): {email.get('bounce', '')}".rstrip(": ")
            )
    return ""


def ingest_dsn(
    db: Database, raw: bytes, *, secret: str, now: datetime | None = None
) -> BounceResult:
    """Read a delivery status notification and mark its invitation ``bounced`` when a
    recipient ``failed``; ``ignored`` for ``delayed``, ``delivered``, ``relayed`` or
    ``expanded``. InvalidInput for a message that is not a DSN or names no invitation
    of ours."""
    if not raw:
        raise InvalidInput("the bounce message is empty")
    if len(raw) > MAX_DSN_BYTES:
        raise InvalidInput(f"a bounce message is at most {MAX_DSN_BYTES // 1024} KiB")
    message = message_from_bytes(raw, policy=policy.default)
    blocks = _status_blocks(message)
    if blocks is None:
        raise InvalidInput(
            "this is not a delivery status notification (RFC 3464): "
            "it has no message/delivery-status part"
        )
    invitation_id = _invitation_id(message, raw, secret)
    if invitation_id is None:
        raise InvalidInput(
            "the bounce names no invitation of ours: neither a bounces+<id>-<tag> recipient "
            "nor an X-Manyi-Invitation header with a valid tag"
        )
    with db.session() as s:
        if delivery(s, invitation_id) is None:
            raise InvalidInput(f"the bounce names invitation {invitation_id}, which does not exist")
    failed = [b for b in blocks if str(b.get("Action", "")).strip().lower() == "failed"]
    if not failed:
        actions = ", ".join(sorted({str(b.get("Action", "?")).strip() for b in blocks})) or "none"
        return BounceResult("ignored", invitation_id, f"no recipient failed (action: {actions})")
    first = failed[0]
    reason = " ".join(
        str(part)
        for part in (first.get("Status"), first.get("Diagnostic-Code"))
        if part is not None
    )
    reason = " ".join(reason.split()) or "failed"
    record_bounce(db, invitation_id, reason, now=now)
    return BounceResult("bounced", invitation_id, reason)


def _status_blocks(message: Message) -> list[Message] | None:
    """The per-recipient field blocks of the message/delivery-status part, or None."""
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload: Any = part.get_payload()
        blocks = [b for b in payload if isinstance(b, Message)] if isinstance(payload, list) else []
        return [b for b in blocks if b.get("Action") is not None]
    return None


def _invitation_id(message: Message, raw: bytes, secret: str) -> int | None:
    candidates: list[tuple[str, str]] = []
    for name in _RECIPIENT_HEADERS:
        for value in message.get_all(name) or []:
            candidates.extend(_VERP.findall(str(value)))
    # The returned headers (text/rfc822-headers or message/rfc822) carry ours.
    candidates.extend(_HEADER.findall(raw.decode("utf-8", "replace")))
    for number, tag in candidates:
        invitation_id = int(number)
        if hmac.compare_digest(invitation_tag(invitation_id, secret), f"{number}-{tag}"):
            return invitation_id
    return None

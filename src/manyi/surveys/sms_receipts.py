"""Delivery receipts and replies from the SMS gateway (``POST /api/v1/sms/receipts``).

The gateway proves itself with ``MANYI_SMS_RECEIPT_SECRET``: either the header
``X-Manyi-Signature: sha256=<hex HMAC-SHA256 of the raw body>`` or
``Authorization: Bearer <secret>`` (for gateways that can only add a fixed header).

The body is one receipt, a list of them, or ``{"receipts": [...]}``. The field names of
common providers are read as they come, so that most gateways can post their own format:

* which message: ``reference`` / ``out_id`` / ``OutId`` / ``session_context`` / ``ext``
  (our ``manyi-17``), or the gateway's id ``message_id`` / ``biz_id`` / ``BizId`` /
  ``sid`` / ``SerialNo`` / ``msgid``;
* what happened: ``success`` (true/false), or ``status`` / ``report_status`` /
  ``err_code`` (``delivered``, ``DELIVRD``, ``SUCCESS`` … or ``failed``, ``UNDELIV``,
  ``FAIL``, ``EXPIRED``, ``REJECTD`` …); the reason from ``error`` / ``err_msg`` /
  ``errmsg`` / ``description``;
* a reply: ``reply`` / ``content`` / ``text`` with ``phone`` / ``mobile`` /
  ``phone_number`` / ``from``. A reply of T, TD, 退订, N, STOP or UNSUBSCRIBE withdraws
  the contact consent of every customer with that number.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from manyi.config import Settings
from manyi.errors import InvalidInput, NotAuthenticated
from manyi.storage.database import Database
from manyi.storage.deliveries import invitation_id_by_sms_message, withdraw_consent_by_phone
from manyi.surveys.delivery_state import iso, record, utc_naive
from manyi.surveys.sms import national_number, normalise_phone
from manyi.surveys.sms_invitations import REFERENCE_PREFIX

MAX_RECEIPTS = 1000
_REFERENCE_KEYS = ("reference", "out_id", "OutId", "session_context", "ext")
_ID_KEYS = ("message_id", "biz_id", "BizId", "sid", "SerialNo", "msgid")
_STATUS_KEYS = ("status", "report_status", "err_code")
_ERROR_KEYS = ("error", "err_msg", "errmsg", "description")
_REPLY_KEYS = ("reply", "content", "text")
_PHONE_KEYS = ("phone", "mobile", "phone_number", "from")
_DELIVERED = frozenset({"DELIVERED", "DELIVRD", "SUCCESS", "OK"})
_UNDELIVERED = frozenset(
    {"FAILED", "FAIL", "UNDELIV", "UNDELIVERED", "EXPIRED", "REJECTD", "REJECTED", "ERROR"}
)
_STOP_WORDS = frozenset({"T", "TD", "N", "STOP", "UNSUBSCRIBE", "退订", "退"})


@dataclass
class ReceiptRun:
    """What a batch of receipts changed."""

    recorded: int = 0
    unknown: int = 0
    opted_out: list[str] = field(default_factory=list)


def verify_receipt(
    settings: Settings, body: bytes, *, signature: str | None, authorization: str | None
) -> None:
    """Raise NotAuthenticated unless the request carries the receipt secret."""
    secret = settings.sms_receipt_secret
    if not secret:
        raise NotAuthenticated("SMS receipts are not configured: set MANYI_SMS_RECEIPT_SECRET")
    if signature:
        expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
        given = signature.strip().removeprefix("sha256=")
        if hmac.compare_digest(expected, given):
            return
        raise NotAuthenticated("the receipt's X-Manyi-Signature does not match its body")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(token.strip(), secret):
            return
        raise NotAuthenticated("the receipt's bearer token is not the receipt secret")
    raise NotAuthenticated(
        "an SMS receipt needs X-Manyi-Signature (HMAC-SHA256 of the body) or a bearer token"
    )


def record_sms_receipts(db: Database, body: bytes, *, now: datetime | None = None) -> ReceiptRun:
    """Record the delivery receipts and replies in ``body`` (JSON, see the module doc)."""
    try:
        data: Any = json.loads(body or b"null")
    except ValueError as error:
        raise InvalidInput(f"an SMS receipt is JSON: {error}") from None
    if isinstance(data, dict) and isinstance(data.get("receipts"), list):
        data = data["receipts"]
    items = data if isinstance(data, list) else [data]
    if not items or not all(isinstance(item, dict) for item in items):
        raise InvalidInput("an SMS receipt is a JSON object, or a list of them")
    if len(items) > MAX_RECEIPTS:
        raise InvalidInput(f"at most {MAX_RECEIPTS} receipts at a time, not {len(items)}")
    at = iso(utc_naive(now))
    run = ReceiptRun()
    for item in items:
        reply = _first(item, _REPLY_KEYS)
        if reply is not None and _first(item, _STATUS_KEYS) is None and "success" not in item:
            run.opted_out.extend(_reply(db, item, str(reply)))
            continue
        invitation_id = _invitation_of(db, item)
        state = _state(item)
        if invitation_id is None or state is None:
            run.unknown += 1
            continue
        fields: dict[str, Any] = {"state": state, "receipt_at": at}
        said = _first(item, _ERROR_KEYS)
        if state == "undelivered" and said is not None:
            fields["receipt_error"] = str(said)[:300]
        if record(db, invitation_id, "sms", fields):
            run.recorded += 1
        else:
            run.unknown += 1
    return run


def _invitation_of(db: Database, item: dict[str, Any]) -> int | None:
    reference = _first(item, _REFERENCE_KEYS)
    if isinstance(reference, str) and reference.startswith(REFERENCE_PREFIX):
        number = reference.removeprefix(REFERENCE_PREFIX)
        if number.isdigit():
            return int(number)
    message_id = _first(item, _ID_KEYS)
    if message_id is None or str(message_id) == "":
        return None
    with db.session() as s:
        return invitation_id_by_sms_message(s, str(message_id))


def _state(item: dict[str, Any]) -> str | None:
    success = item.get("success")
    if isinstance(success, bool):
        return "delivered" if success else "undelivered"
    status = _first(item, _STATUS_KEYS)
    if status is None:
        return None
    value = str(status).strip().upper()
    if value in _DELIVERED:
        return "delivered"
    if value in _UNDELIVERED:
        return "undelivered"
    return None


def _reply(db: Database, item: dict[str, Any], reply: str) -> list[str]:
    if reply.strip().upper() not in _STOP_WORDS:
        return []
    phone = _first(item, _PHONE_KEYS)
    try:
        e164 = normalise_phone(str(phone or ""))
    except InvalidInput:
        return []
    # Customers' numbers are stored as imported: try the usual spellings of this one.
    national = national_number(e164)
    spellings = sorted({e164, e164.removeprefix("+"), national, "00" + e164.removeprefix("+")})
    with db.session() as s:
        return withdraw_consent_by_phone(s, spellings)


def _first(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if item.get(key) is not None:
            return item[key]
    return None

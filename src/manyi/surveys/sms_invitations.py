"""SMS invitations: a personal single-use link texted to one customer, once.

The send is recorded in the invitation's meta under ``sms``::

    new → claimed → sent → delivered | undelivered      (receipts)
                  → failed   (5xx, timeout, no connection: the job retries)
                  → rejected (4xx or a status the gateway calls a refusal: no retry)

``claimed`` is written, under the customer's row lock, before the request leaves; the
claim is refused while another invitation of the same customer to the same survey is
``claimed``, ``sent`` or ``delivered``, or was answered. A retry after ``failed`` sends
the same invitation again: its link is rebuilt from the nonce kept in the meta (the token
itself is stored nowhere), so the text, the link and the gateway reference
(``Idempotency-Key``) are the same as in the first attempt. What remains is at least once
in one case only: the gateway took the message but its answer never came (a timeout after
the request was sent, a 5xx after it queued the text); the retry then texts the same link
a second time. It never makes a second working link, and it is at most once towards any
gateway that honours the reference. A worker that dies between the claim and the answer
leaves ``claimed``, which blocks further sends until a receipt or a person settles it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from manyi.config import Settings
from manyi.errors import ChannelError, Conflict, InvalidInput, NotFound
from manyi.storage.database import Database
from manyi.storage.deliveries import (
    Delivery,
    customer_deliveries,
    customer_phone,
    lock_customer,
)
from manyi.storage.invitations import customer_contact, set_invitation_meta
from manyi.storage.surveys import survey_row
from manyi.surveys.delivery_state import iso, record, utc_naive
from manyi.surveys.links import (
    create_invitation,
    public_url,
    rebuild_token,
    token_hash,
    token_nonce,
)
from manyi.surveys.service import get_survey
from manyi.surveys.sms import (
    LANGUAGES,
    SmsGateway,
    SmsMessage,
    SmsRejected,
    normalise_phone,
    render_sms,
    sms_segments,
)

#: States of ``meta["sms"]["state"]`` that stop another text to the same customer.
BLOCKING = ("claimed", "sent", "delivered")
#: States after which the same invitation is texted again.
RETRYABLE = ("failed", "undelivered")
#: A retried link must stay open at least this long, or a new invitation is made.
MIN_VALIDITY = timedelta(days=1)
REFERENCE_PREFIX = "manyi-"

SmsStatus = Literal["sent", "skipped", "rejected"]


@dataclass(frozen=True)
class SmsSend:
    """What happened to one SMS invitation."""

    status: SmsStatus
    customer: str
    reason: str = ""
    invitation_id: int | None = None
    message_id: str | None = None
    segments: int = 0


def sms_reference(invitation_id: int) -> str:
    """The reference the gateway gets (and gives back in receipts): ``manyi-17``."""
    return f"{REFERENCE_PREFIX}{invitation_id}"


def send_invitation_sms(
    db: Database,
    survey_id: int,
    customer: str,
    *,
    settings: Settings,
    gateway: SmsGateway,
    language: str | None = None,
    valid_days: int = 30,
    now: datetime | None = None,
) -> SmsSend:
    """Text customer ``customer`` (external id) a personal link to survey ``survey_id``.

    Skipped (not an error) when the customer has no usable mobile number, has not agreed
    to be contacted or opted out, answered the survey, or was already texted it.
    ``rejected`` when the gateway refuses for good (the link never left and is withdrawn).
    Raises NotFound for an unknown survey or customer, Conflict for a closed survey,
    InvalidInput for a bad language, and ChannelError when the gateway fails in a way
    that may pass (recorded as ``failed``; the job retries).
    """
    lang = language or settings.default_language
    if lang not in LANGUAGES:
        raise InvalidInput(f"an SMS invitation is in zh-CN or en, not {language!r}")
    customer = str(customer or "").strip()
    if not customer:
        raise InvalidInput("an SMS invitation needs a customer's external id")
    at = utc_naive(now)
    with db.session() as s:
        survey = survey_row(s, survey_id)
        if survey is None:
            raise NotFound(f"no survey with id {survey_id}")
        title, status = survey.title, survey.status
        contact = customer_contact(s, customer)
        phone = customer_phone(s, contact.id) if contact else None
        earlier = customer_deliveries(s, contact.id, survey_id) if contact else []
    if status == "closed":
        raise Conflict(f"survey {survey_id} is closed: it takes no new invitations")
    # The title in the text's language: a Chinese title in an English text would make the
    # whole text UCS-2 (70 characters a segment instead of 160).
    title = get_survey(db, survey_id).definition.title.get(lang) or title
    if contact is None:
        raise NotFound(f"no customer with external id {customer!r}")
    if not phone:
        return SmsSend("skipped", customer, "the customer has no phone number")
    try:
        to = normalise_phone(phone)
    except InvalidInput as error:
        return SmsSend("skipped", customer, f"the customer's phone number: {error.message}")
    if not contact.consent_contact:
        return SmsSend(
            "skipped", customer, "the customer has not agreed to be contacted, or opted out"
        )
    blocking = blocking_reason(earlier, None)
    if blocking:
        return SmsSend("skipped", customer, blocking)

    retry = _retryable(earlier, at, settings.secret_key)
    if retry is not None:
        invitation_id, token, _expires = retry
        fresh = False
    else:
        made = create_invitation(
            db,
            survey_id,
            secret=settings.secret_key,
            customer=customer,
            valid_days=valid_days,
            meta={"sms": {"state": "new", "language": lang}},
            now=at,
        )
        invitation_id, token, fresh = made.id, made.token, True
    link = public_url(settings.public_base_url, survey_id, invite=token)
    try:
        text, segments = render_sms(
            lang, title=title, link=link, max_segments=settings.sms_max_segments
        )
    except InvalidInput as error:
        record(
            db, invitation_id, "sms", {"state": "rejected", "error": error.message}, expire_at=at
        )
        return SmsSend("rejected", customer, error.message, invitation_id)

    # Claim under the customer's row lock: of two sends racing, the second finds the
    # first's claim. A new invitation that loses is withdrawn; its token never left.
    with db.session() as s:
        lock_customer(s, contact.id)
        locked = customer_contact(s, customer, lock=True)
        current = customer_deliveries(s, contact.id, survey_id)
        own = next((d for d in current if d.id == invitation_id), None)
        blocking = blocking_reason(current, invitation_id)
        if own is not None and not fresh and _sms(own).get("state") not in RETRYABLE:
            blocking = blocking or "another send of this invitation is under way"
        if locked is None or own is None or blocking:
            if fresh and own is not None:
                set_invitation_meta(
                    s, invitation_id, {**own.meta, "sms": {"state": "withdrawn"}}, expires_at=at
                )
            return SmsSend("skipped", customer, blocking or "the customer was deleted")
        attempts = int(_sms(own).get("attempts", 0)) + 1
        claim = {
            **_sms(own),
            "state": "claimed",
            "language": lang,
            "claimed_at": iso(at),
            "attempts": attempts,
            "nonce": token_nonce(token, secret=settings.secret_key),
            "reference": sms_reference(invitation_id),
        }
        set_invitation_meta(s, invitation_id, {**own.meta, "sms": claim})

    message = SmsMessage(
        to=to, text=text, reference=sms_reference(invitation_id), link=link, title=title
    )
    try:
        message_id = gateway.send(message)
    except SmsRejected as error:
        record(
            db,
            invitation_id,
            "sms",
            {
                "state": "rejected",
                "error": error.message[:500],
                "rejected_at": iso(utc_naive(None)),
            },
            expire_at=utc_naive(None),
        )
        return SmsSend("rejected", customer, error.message, invitation_id)
    except ChannelError as error:
        _failed(db, invitation_id, error.message)
        raise
    except Exception as error:  # a gateway that is not ours: still a channel failure
        _failed(db, invitation_id, str(error))
        raise ChannelError(f"could not send the SMS invitation: {error}") from error
    encoding = sms_segments(text)[0]
    record(
        db,
        invitation_id,
        "sms",
        {
            "state": "sent",
            "sent_at": iso(utc_naive(None)),
            "message_id": message_id,
            "segments": segments,
            "encoding": encoding,
        },
        # A receipt may come back before this line runs; it is newer than "sent".
        keep_state=("delivered", "undelivered"),
    )
    return SmsSend("sent", customer, "", invitation_id, message_id, segments)


def blocking_reason(deliveries: list[Delivery], own: int | None) -> str:
    """Why the customer may not be texted this survey again ("" when they may)."""
    for item in deliveries:
        if item.id == own:
            continue
        if item.answered_at is not None:
            return f"the customer already answered this survey (invitation {item.id})"
        sms = _sms(item)
        state = sms.get("state")
        if state in ("sent", "delivered"):
            return f"already texted this survey on {sms.get('sent_at', '?')} (invitation {item.id})"
        if state == "claimed":
            return (
                f"an SMS of invitation {item.id} was started on {sms.get('claimed_at', '?')} "
                "and its outcome is unknown; check the gateway's log or wait for its receipt"
            )
    return ""


def _retryable(
    deliveries: list[Delivery], at: datetime, secret: str
) -> tuple[int, str, datetime] | None:
    """(id, token, expiry) of the newest invitation to text again, if any: a failed or
    undelivered one, unanswered, open for at least a day, whose link can be rebuilt."""
    for item in reversed(deliveries):
        sms = _sms(item)
        if sms.get("state") not in RETRYABLE or item.answered_at is not None:
            continue
        if item.expires_at is None or item.expires_at < at + MIN_VALIDITY:
            continue
        nonce = sms.get("nonce")
        if not isinstance(nonce, str):
            continue
        token = rebuild_token(item.id, item.survey_id, item.expires_at, nonce, secret=secret)
        # A changed secret key rebuilds another token: that link is dead, make a new one.
        if token_hash(token) == item.token_hash:
            return item.id, token, item.expires_at
    return None


def _failed(db: Database, invitation_id: int, error: str) -> None:
    record(
        db,
        invitation_id,
        "sms",
        {"state": "failed", "error": error[:500], "failed_at": iso(utc_naive(None))},
        keep_state=("delivered", "undelivered"),
    )


def _sms(item: Delivery) -> dict[str, Any]:
    value = item.meta.get("sms")
    return dict(value) if isinstance(value, dict) else {}

"""Survey links: anonymous links, personal single-use invitations, and QR codes of them.

An anonymous link is ``{base}/s/{survey_id}`` with optional ``ch=`` (channel code),
``tp=`` (touchpoint code) and ``lang=``. A personal link adds ``invite=TOKEN``: the token
is signed with the installation's secret key (itsdangerous, HMAC-SHA256, salt
``manyi-invitation``)
and names the invitation, the survey, its expiry and a random nonce. Only the token's
SHA-256 is stored, so a database copy holds no working link, and a forged token whose
signature checks (a leaked secret) still names no stored hash.

One invitation, one response. The respondent pages record the response with
``external_key=invitation_response_key(id)`` and then call :func:`mark_answered`; the
unique (survey, external_key) makes two racing submissions store one response, and the
conditional update in :func:`mark_answered` lets exactly one of them mark the
invitation, so the other is told it was already answered. Recording first and marking
second means a rejected answer (a required question left out) never uses the link up,
and a crash between the two steps heals itself: the next submission finds the stored
response under the same key and marks the invitation with it.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit

import segno
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from manyi.errors import Conflict, FieldError, InvalidInput, NotFound
from manyi.storage.database import Database
from manyi.storage.invitations import (
    StoredInvitation,
    add_invitation,
    invitation_by_hash,
    invitation_exists,
    mark_invitation_answered,
    set_token_hash,
)
from manyi.storage.references import References
from manyi.storage.surveys import current_survey, survey_row

SALT = "manyi-invitation"
MAX_VALID_DAYS = 3650
# A real token is about 95 characters; anything far longer is not one of ours.
MAX_TOKEN_LENGTH = 400

QrKind = Literal["png", "svg"]


@dataclass(frozen=True)
class Invitation:
    """A personal single-use link. ``token`` goes into the link and is stored nowhere."""

    id: int
    survey_id: int
    token: str
    customer: str | None
    channel: str | None
    touchpoint: str | None
    expires_at: datetime | None
    answered_at: datetime | None = None
    response_id: int | None = None


def public_url(
    base_url: str,
    survey_id: int,
    *,
    channel: str | None = None,
    touchpoint: str | None = None,
    invite: str | None = None,
    language: str | None = None,
) -> str:
    """The link a respondent opens: ``{base_url}/s/{survey_id}`` and its query.

    >>> public_url("https://survey.example.com/", 3, channel="sms", touchpoint="repair")
    'https://survey.example.com/s/3?ch=sms&tp=repair'
    """
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise InvalidInput(
            f"the public base URL must look like https://host[/path], not {base_url!r}"
        )
    if isinstance(survey_id, bool) or not isinstance(survey_id, int) or survey_id < 1:
        raise InvalidInput(f"a survey id is a positive integer, not {survey_id!r}")
    query = {
        key: value
        for key, value in (
            ("ch", channel),
            ("tp", touchpoint),
            ("lang", language),
            ("invite", invite),
        )
        if value
    }
    url = f"{base_url.rstrip('/')}/s/{survey_id}"
    return f"{url}?{urlencode(query)}" if query else url


def qr_code(url: str, kind: QrKind = "png", *, scale: int = 8) -> bytes:
    """A QR code of ``url`` as PNG or SVG bytes (error correction M, 4-module quiet zone).

    ``scale`` is the size of one module in pixels (PNG) or user units (SVG); 8 gives a
    code of about 300 px for a link with channel and touchpoint, enough for print.
    """
    if kind not in ("png", "svg"):
        raise InvalidInput(f"a QR code is png or svg, not {kind!r}")
    if not url:
        raise InvalidInput("a QR code needs a URL")
    if not 1 <= scale <= 40:
        raise InvalidInput(f"the QR scale must be from 1 to 40, not {scale}")
    try:
        code = segno.make_qr(url, error="m")
    except segno.DataOverflowError:
        raise InvalidInput(
            f"a link of {len(url.encode('utf-8'))} bytes is too long for a QR code; "
            "use shorter channel and touchpoint codes"
        ) from None
    out = io.BytesIO()
    code.save(out, kind=kind, scale=scale, border=4)
    return out.getvalue()


def survey_link(
    db: Database,
    survey_id: int,
    *,
    base_url: str,
    channel: str | None = None,
    touchpoint: str | None = None,
    language: str | None = None,
) -> str:
    """The anonymous link of a stored survey, after checking the survey and codes exist.

    A link printed with a mistyped channel code would have every answer refused at
    intake, so unknown codes are refused here, before a poster is printed.
    """
    if language not in (None, "", "zh-CN", "en"):
        raise InvalidInput(f"the language of a link is zh-CN or en, not {language!r}")
    with db.session() as s:
        if survey_row(s, survey_id) is None:
            raise NotFound(f"no survey with id {survey_id}")
        _reference_ids(References(s), channel, touchpoint)
    return public_url(
        base_url, survey_id, channel=channel, touchpoint=touchpoint, language=language
    )


def create_invitation(
    db: Database,
    survey_id: int,
    *,
    secret: str,
    customer: str | None = None,
    channel: str | None = None,
    touchpoint: str | None = None,
    valid_days: int = 30,
    meta: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> Invitation:
    """Make a personal single-use invitation to survey ``survey_id``.

    ``customer`` is the customer's external id (created when new, as at intake);
    ``channel`` and ``touchpoint`` are codes that must exist. The returned token is the
    only copy: show or send it now. Raises NotFound for an unknown survey, Conflict for
    a closed one and InvalidInput for unknown codes or a validity outside 1-3650 days.
    """
    if isinstance(valid_days, bool) or not isinstance(valid_days, int):
        raise InvalidInput(f"valid_days is a whole number of days, not {valid_days!r}")
    if not 1 <= valid_days <= MAX_VALID_DAYS:
        raise InvalidInput(
            f"an invitation is valid for 1 to {MAX_VALID_DAYS} days, not {valid_days}"
        )
    if not secret:
        raise InvalidInput("invitations need a secret key to sign their tokens")
    issued = _utc_naive(now)
    # Whole seconds: the expiry in the token and in the database are then the same instant.
    expires_at = (issued + timedelta(days=valid_days)).replace(microsecond=0)
    with db.session() as s:
        refuse_invitations_unless_taken(s, survey_id)
        refs = References(s)
        channel_id, touchpoint_id = _reference_ids(refs, channel, touchpoint)
        customer_id = refs.customer(customer)
        # The token names the invitation id, known only after the insert: store a
        # throw-away hash first (unique, matching no token) and replace it.
        invitation_id = add_invitation(
            s,
            survey_id=survey_id,
            token_hash=_token_hash(secrets.token_hex(32)),
            customer_id=customer_id,
            channel_id=channel_id,
            touchpoint_id=touchpoint_id,
            expires_at=expires_at,
            meta=meta,
        )
        token = _serializer(secret).dumps(
            [invitation_id, survey_id, _epoch(expires_at), secrets.token_urlsafe(9)]
        )
        set_token_hash(s, invitation_id, _token_hash(token))
    return Invitation(
        id=invitation_id,
        survey_id=survey_id,
        token=token,
        customer=str(customer).strip()[:128] if customer and str(customer).strip() else None,
        channel=channel or None,
        touchpoint=touchpoint or None,
        expires_at=expires_at,
    )


def open_invitation(
    db: Database, survey_id: int, token: str, *, secret: str, now: datetime | None = None
) -> Invitation:
    """The invitation behind the link ``/s/{survey_id}?invite=token``, if it may be answered.

    Raises InvalidInput (field ``invite``) for a token that was changed or cut short
    (type ``tampered``), belongs to another survey (``other_survey``), has expired
    (``expired``) or is not stored (``unknown``: withdrawn, or made by another
    installation); Conflict for an invitation already answered.
    """
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise _refused(
            "this survey link is not valid: open the whole link from your invitation", "tampered"
        )
    try:
        payload = _serializer(secret).loads(token)
    except BadSignature:
        raise _refused(
            "this survey link is not valid: it was changed or cut short; "
            "open the whole link from your invitation",
            "tampered",
        ) from None
    invitation_id, token_survey, expires_epoch = _parse_payload(payload)
    if token_survey != survey_id:
        raise _refused("this invitation is for another survey", "other_survey")
    at = _utc_naive(now)
    if _epoch(at) >= expires_epoch:
        raise _expired(datetime.fromtimestamp(expires_epoch, UTC))
    with db.session() as s:
        stored = invitation_by_hash(s, _token_hash(token))
        anonymous = is_anonymous(s, survey_id)
    if stored is None or stored.id != invitation_id or stored.survey_id != survey_id:
        raise _refused("this invitation is no longer valid", "unknown")
    if anonymous:
        # Made before the survey became anonymous: answering it would name the customer.
        raise _refused("this survey is anonymous now: open its public link instead", "unknown")
    if stored.expires_at is not None and at >= stored.expires_at:
        # The stored expiry may have been brought forward after the token was signed.
        raise _expired(stored.expires_at.replace(tzinfo=UTC))
    if stored.answered_at is not None:
        raise Conflict("this invitation was already answered")
    return _invitation(stored, token)


def mark_answered(
    db: Database, invitation_id: int, response_id: int, *, now: datetime | None = None
) -> None:
    """Record that ``response_id`` answered the invitation; once only.

    Raises Conflict("this invitation was already answered") when it was, also when
    another request marked it a moment earlier, and NotFound for an unknown invitation.
    """
    with db.session() as s:
        if mark_invitation_answered(s, invitation_id, response_id, _utc_naive(now)):
            return
        if not invitation_exists(s, invitation_id):
            raise NotFound(f"no invitation with id {invitation_id}")
    raise Conflict("this invitation was already answered")


def is_anonymous(session: Session, survey_id: int) -> bool:
    """Whether the survey's current definition says ``anonymous: true``."""
    try:
        definition = current_survey(session, survey_id).definition
    except NotFound:
        return False
    return bool(definition.get("anonymous"))


def refuse_invitations_unless_taken(session: Session, survey_id: int) -> None:
    """NotFound for an unknown survey, Conflict for a closed or an anonymous one: the
    checks every way of inviting runs before it makes or queues anything."""
    survey = survey_row(session, survey_id)
    if survey is None:
        raise NotFound(f"no survey with id {survey_id}")
    if survey.status == "closed":
        raise Conflict(f"survey {survey_id} is closed: it takes no new invitations")
    refuse_if_anonymous(session, survey_id)


def refuse_if_anonymous(session: Session, survey_id: int) -> None:
    """Conflict for an anonymous survey: a personal invitation names its customer."""
    if is_anonymous(session, survey_id):
        raise Conflict(
            f"survey {survey_id} is anonymous: a personal invitation would link the answers "
            "to a customer; share the survey's public link instead"
        )


def invitation_response_key(invitation_id: int) -> str:
    """The ``external_key`` under which an invitation's response is recorded (one per survey)."""
    return f"invitation:{invitation_id}"


def token_nonce(token: str, *, secret: str) -> str:
    """The random nonce inside a token this installation signed.

    Senders keep it in the invitation's meta so that a reminder or a retried SMS repeats
    the very same link (the signature is deterministic): the nonce alone is no link, it
    takes the secret key as well.
    """
    payload = _serializer(secret).loads(token)
    _parse_payload(payload)
    return str(payload[3])


def rebuild_token(
    invitation_id: int, survey_id: int, expires_at: datetime, nonce: str, *, secret: str
) -> str:
    """The token :func:`create_invitation` made for these values (see :func:`token_nonce`)."""
    return str(_serializer(secret).dumps([invitation_id, survey_id, _epoch(expires_at), nonce]))


def token_hash(token: str) -> str:
    """The SHA-256 stored for ``token``: a rebuilt token is checked against it."""
    return _token_hash(token)


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT, signer_kwargs={"digest_method": hashlib.sha256})


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _utc_naive(value: datetime | None) -> datetime:
    """``value`` (or now) as naive UTC, as every time is stored."""
    if value is None:
        return datetime.now(UTC).replace(tzinfo=None)
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def _epoch(naive_utc: datetime) -> int:
    return int(naive_utc.replace(tzinfo=UTC).timestamp())


def _parse_payload(payload: Any) -> tuple[int, int, int]:
    # A valid signature over an unexpected shape means another token type shares the
    # secret and salt; treat it as not ours.
    if (
        not isinstance(payload, list)
        or len(payload) != 4
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in payload[:3])
    ):
        raise _refused("this survey link is not valid", "tampered")
    return payload[0], payload[1], payload[2]


def _reference_ids(
    refs: References, channel: str | None, touchpoint: str | None
) -> tuple[int | None, int | None]:
    errors: list[FieldError] = []
    channel_id = refs.channel(channel, errors)
    touchpoint_id = refs.touchpoint(touchpoint, errors)
    if errors:
        raise InvalidInput("the link names a channel or touchpoint that does not exist", errors)
    return channel_id, touchpoint_id


def _refused(message: str, kind: str) -> InvalidInput:
    return InvalidInput(message, [FieldError(("invite",), message, kind)])


def _expired(at: datetime) -> InvalidInput:
    return _refused(f"this invitation expired on {at:%Y-%m-%d %H:%M} UTC", "expired")


def _invitation(stored: StoredInvitation, token: str) -> Invitation:
    return Invitation(
        id=stored.id,
        survey_id=stored.survey_id,
        token=token,
        customer=stored.customer,
        channel=stored.channel,
        touchpoint=stored.touchpoint,
        expires_at=stored.expires_at,
        answered_at=stored.answered_at,
        response_id=stored.response_id,
    )

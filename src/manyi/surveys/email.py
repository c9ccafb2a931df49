"""E-mail invitations: a personal single-use link sent to one customer, once.

:func:`send_invitation_email` makes the invitation (:mod:`manyi.surveys.links`), renders
the e-mail in zh-CN or English (subject, plain text and HTML from the Jinja templates in
``email_templates/``; the texts live in the templates, one file per language, because
an e-mail is a whole composed text rather than a page of interface strings) and hands
it to a transport: :class:`SmtpTransport` (stdlib smtplib, ``MANYI_SMTP_*``) or any
object with a ``send(message)`` method.

Nothing is sent twice. The send is recorded in the invitation's meta under ``email``:
``claimed`` before the message leaves, ``sent`` after the server took it, ``failed``
when the server refused it for now (4xx, or unreachable), ``bounced`` when it refused the
recipient or message for good (5xx; :mod:`manyi.surveys.bounces`). The claim is made while the customer's row is locked, and
is refused when another invitation of the same customer to the same survey is already
``claimed`` or ``sent``; a job retry after a failure therefore sends, and a second
request after a success is skipped. A send whose outcome is unknown (the process died
between claim and answer) stays ``claimed`` and blocks further sends: a possible
duplicate is worse than a missing reminder, and the reason says so.
"""

from __future__ import annotations

import hashlib
import re
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, Literal, Protocol
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from manyi.config import Settings
from manyi.errors import ChannelError, InvalidInput, NotFound
from manyi.storage.database import Database
from manyi.storage.deliveries import lock_customer
from manyi.storage.invitations import (
    customer_contact,
    customer_invitation_metas,
    invitation_by_hash,
    invitation_meta,
    opt_out_by_hash,
    set_invitation_meta,
)
from manyi.storage.surveys import survey_row
from manyi.surveys.bounces import (
    address_hash,
    bounced_reason,
    invitation_tag,
    record_bounce,
    verp_address,
)
from manyi.surveys.links import (
    create_invitation,
    public_url,
    refuse_invitations_unless_taken,
    token_nonce,
)

LANGUAGES = ("zh-CN", "en")
#: One address, no display name, no spaces or line breaks (a line break would let a stored
#: value add mail headers).
_EMAIL = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+")
#: States of ``meta["email"]["state"]`` that stop another send to the same customer.
BLOCKING = ("claimed", "sent")

SendStatus = Literal["sent", "skipped", "bounced"]
#: The header that names the invitation in a message (and in the bounce that returns it).
INVITATION_HEADER = "X-Manyi-Invitation"

_templates = Environment(
    loader=PackageLoader("manyi.surveys", "email_templates"),
    autoescape=select_autoescape(["html"], default_for_string=False, default=False),
    undefined=StrictUndefined,
    keep_trailing_newline=False,
)


class MailTransport(Protocol):
    """Delivers one message; raises ChannelError when it cannot."""

    def send(self, message: EmailMessage) -> None: ...


class MailBounced(ChannelError):
    """The mail server refused the recipient or the message for good (a 5xx reply to
    RCPT or DATA): the address is recorded as bounced and not mailed again."""


class SmtpTransport:
    """Sends through the SMTP server of the settings, one connection per message.

    With ``MANYI_SMTP_BOUNCE_ADDRESS`` set, a message that names its invitation (the
    X-Manyi-Invitation header) leaves with the VERP envelope sender of that invitation,
    so that a later bounce report names it (:mod:`manyi.surveys.bounces`)."""

    def __init__(self, settings: Settings, *, timeout_s: float = 30.0) -> None:
        self.host = settings.smtp_host
        self.port = settings.smtp_port
        self.user = settings.smtp_user
        self.password = settings.smtp_password
        self.starttls = settings.smtp_starttls
        self.timeout_s = timeout_s
        self.bounce_address = settings.smtp_bounce_address
        self.secret = settings.secret_key

    def envelope_sender(self, message: EmailMessage) -> str | None:
        """The VERP envelope sender of the message's invitation, or None (the From)."""
        number = str(message.get(INVITATION_HEADER) or "").split("-", 1)[0]
        if not self.bounce_address or not number.isdigit():
            return None
        return verp_address(self.bounce_address, int(number), self.secret)

    def send(self, message: EmailMessage) -> None:
        server = f"{self.host}:{self.port}"
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(message, from_addr=self.envelope_sender(message))
        except smtplib.SMTPRecipientsRefused as refused:
            replies = list(refused.recipients.items())
            codes = "; ".join(f"{to}: {code} {_text(reply)}" for to, (code, reply) in replies)
            # 5xx is permanent (RFC 5321, 4.2.1); a 4xx refusal may pass on a retry.
            permanent = all(code >= 500 for _, (code, _reply) in replies)
            raise (MailBounced if permanent else ChannelError)(
                f"the mail server {server} refused the recipient ({codes})"
            ) from None
        except smtplib.SMTPResponseException as error:
            # A 5xx to DATA refuses this message for this recipient; a 5xx elsewhere (the
            # sender, the login) is our configuration, not the customer's address.
            permanent = isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500
            raise (MailBounced if permanent else ChannelError)(
                f"the mail server {server} refused the message: "
                f"{error.smtp_code} {_text(error.smtp_error)}"
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            raise ChannelError(
                f"could not send through the mail server {server}: {error or type(error).__name__}"
            ) from None


@dataclass(frozen=True)
class EmailSend:
    """What happened to one e-mail invitation: ``sent`` (with its invitation) or
    ``skipped`` with the reason."""

    status: SendStatus
    customer: str
    reason: str = ""
    invitation_id: int | None = None
    message_id: str | None = None


def send_invitation_email(
    db: Database,
    survey_id: int,
    customer: str,
    *,
    settings: Settings,
    transport: MailTransport,
    language: str | None = None,
    valid_days: int = 30,
    now: datetime | None = None,
    key: str | None = None,
) -> EmailSend:
    """E-mail customer ``customer`` (external id) a personal link to survey ``survey_id``.

    ``key`` names what the invitation is for when a customer may get the same survey more
    than once, one invitation per key (the 回访 survey once per case: ``case:12``);
    without a key, a customer gets a survey once.

    Skipped (not an error) when the customer has no e-mail address, has not agreed to be
    contacted or opted out, or was already e-mailed this survey. Raises NotFound for an
    unknown survey or customer, Conflict for a closed survey, InvalidInput for a bad
    language, and ChannelError when the mail server refuses or cannot be reached (the
    invitation is then marked ``failed``, so a retry sends again).
    """
    lang = language or settings.default_language
    if lang not in LANGUAGES:
        raise InvalidInput(f"an e-mail invitation is in zh-CN or en, not {language!r}")
    if not customer or not str(customer).strip():
        raise InvalidInput("an e-mail invitation needs a customer's external id")
    customer = str(customer).strip()
    at = _utc_naive(now)
    with db.session() as s:
        survey = survey_row(s, survey_id)
        if survey is None:
            raise NotFound(f"no survey with id {survey_id}")
        title = survey.title
        contact = customer_contact(s, customer)
    if contact is None:
        raise NotFound(f"no customer with external id {customer!r}")
    if not contact.email:
        return EmailSend("skipped", customer, "the customer has no e-mail address")
    if not _EMAIL.fullmatch(contact.email):
        return EmailSend(
            "skipped", customer, f"the customer's e-mail address {contact.email!r} is not valid"
        )
    if not contact.consent_contact:
        return EmailSend(
            "skipped", customer, "the customer has not agreed to be contacted, or opted out"
        )
    bounced = bounced_reason(db, contact.id, contact.email)
    if bounced:
        return EmailSend("skipped", customer, bounced)
    earlier = _earlier_send(db, survey_id, contact.id, key)
    if earlier:
        return EmailSend("skipped", customer, earlier)

    keyed: dict[str, Any] = {"key": key} if key else {}
    invitation = create_invitation(
        db,
        survey_id,
        secret=settings.secret_key,
        customer=customer,
        valid_days=valid_days,
        meta={"email": {"state": "new", "language": lang}, **keyed},
        now=at,
    )
    # Claim under the customer's row lock: of two sends racing, the second finds the
    # first's claim. The losing invitation is expired at once; its token never left.
    with db.session() as s:
        lock_customer(s, contact.id)  # SQLite ignores FOR UPDATE: take its write lock first
        locked = customer_contact(s, customer, lock=True)
        blocking = _blocking_reason(
            customer_invitation_metas(s, survey_id, contact.id), invitation.id, key
        )
        if locked is None or blocking:
            set_invitation_meta(
                s, invitation.id, {"email": {"state": "withdrawn"}, **keyed}, expires_at=at
            )
            return EmailSend("skipped", customer, blocking or "the customer was deleted")
        set_invitation_meta(
            s,
            invitation.id,
            {
                "email": {
                    "state": "claimed",
                    "language": lang,
                    "claimed_at": _iso(at),
                    # Kept so that a reminder repeats this link (manyi.surveys.reminders),
                    # and the address so that a bounce blocks this address only.
                    "nonce": token_nonce(invitation.token, secret=settings.secret_key),
                    "to_sha256": address_hash(contact.email),
                },
                **keyed,
            },
        )

    message = compose_message(
        settings,
        invitation_id=invitation.id,
        to=contact.email,
        name=contact.name,
        title=title,
        language=lang,
        link=public_url(settings.public_base_url, survey_id, invite=invitation.token),
        opt_out=opt_out_url(settings.public_base_url, survey_id, invitation.token),
        expires=invitation.expires_at,
    )
    try:
        transport.send(message)
    except MailBounced as error:
        record_bounce(db, invitation.id, error.message)
        return EmailSend("bounced", customer, error.message, invitation_id=invitation.id)
    except ChannelError as error:
        _record(db, invitation.id, {"state": "failed", "error": error.message[:500]})
        raise
    except Exception as error:  # a transport that is not ours: still a channel failure
        _record(db, invitation.id, {"state": "failed", "error": str(error)[:500]})
        raise ChannelError(f"could not send the e-mail invitation: {error}") from error
    message_id = str(message["Message-ID"])
    _record(
        db,
        invitation.id,
        {"state": "sent", "sent_at": _iso(_utc_naive(None)), "message_id": message_id},
    )
    return EmailSend("sent", customer, invitation_id=invitation.id, message_id=message_id)


def valid_address(address: str) -> bool:
    """One plain address without display name, spaces or line breaks."""
    return bool(_EMAIL.fullmatch(address))


def check_survey_takes_invitations(db: Database, survey_id: int) -> None:
    """Raise NotFound for an unknown survey and Conflict for a closed one (checked before
    sends are queued, so the caller hears it at once rather than from a worker's log)."""
    with db.session() as s:
        refuse_invitations_unless_taken(s, survey_id)


def opt_out(db: Database, survey_id: int, token: str, *, now: datetime | None = None) -> str:
    """Record that the customer invited by ``token`` wants no more invitations.

    Works for an answered or expired invitation too: opting out is always allowed. The
    token is checked by its stored hash alone (only a link we sent has one). Returns the
    customer's external id; raises InvalidInput for a link that is not one of ours or
    names no customer.
    """
    digest = _opt_out_hash(token)
    with db.session() as s:
        customer = opt_out_by_hash(s, survey_id, digest, _utc_naive(now))
    if customer is None:
        raise InvalidInput("this opt-out link is not valid: open the whole link from the e-mail")
    if customer == "":
        raise InvalidInput("this link was not sent to a known customer: there is nothing to stop")
    return customer


def opt_out_link_valid(db: Database, survey_id: int, token: str) -> bool:
    """Whether ``token`` is a stored invitation of ``survey_id`` naming a customer
    (the opt-out page asks before it records anything)."""
    try:
        digest = _opt_out_hash(token)
    except InvalidInput:
        return False
    with db.session() as s:
        stored = invitation_by_hash(s, digest)
    return stored is not None and stored.survey_id == survey_id and stored.customer is not None


def _opt_out_hash(token: str) -> str:
    if not token or len(token) > 400:
        raise InvalidInput("this opt-out link is not valid: open the whole link from the e-mail")
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def render_invitation(
    language: str,
    *,
    title: str,
    link: str,
    opt_out_link: str,
    expires: datetime | None,
    name: str | None = None,
    kind: Literal["invitation", "reminder"] = "invitation",
) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of the invitation (or reminder) e-mail in ``language``."""
    if language not in LANGUAGES:
        raise InvalidInput(f"an e-mail invitation is in zh-CN or en, not {language!r}")
    context: dict[str, Any] = {
        "survey_title": title,
        "customer_name": name or "",
        "link": link,
        "opt_out_link": opt_out_link,
        "expires": f"{expires:%Y-%m-%d %H:%M}" if expires else "-",
    }
    subject = _templates.get_template(f"{kind}.{language}.subject.txt").render(context)
    subject = " ".join(subject.split())
    text = _templates.get_template(f"{kind}.{language}.txt").render(context)
    html = _templates.get_template(f"{kind}.{language}.html").render(
        {**context, "subject": subject}
    )
    return subject, text, html


def compose_message(
    settings: Settings,
    *,
    invitation_id: int,
    to: str,
    name: str | None,
    title: str,
    language: str,
    link: str,
    opt_out: str,
    expires: datetime | None,
    kind: Literal["invitation", "reminder"] = "invitation",
) -> EmailMessage:
    """The e-mail of an invitation (or its reminder), ready for a transport."""
    subject, text, html = render_invitation(
        language,
        title=title,
        link=link,
        opt_out_link=opt_out,
        expires=expires,
        name=name,
        kind=kind,
    )
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Message-ID"] = make_msgid(domain=_domain(settings.smtp_from))
    message["Content-Language"] = language
    # Names the invitation in the bounce that may come back (manyi.surveys.bounces).
    message[INVITATION_HEADER] = invitation_tag(invitation_id, settings.secret_key)
    # Mail programs show their own "unsubscribe" button for this header (RFC 2369).
    message["List-Unsubscribe"] = f"<{opt_out}>"
    # RFC 8058 one-click: the opt-out page takes a POST without a form token.
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def send_file_email(
    settings: Settings,
    transport: MailTransport,
    *,
    to: list[str],
    subject: str,
    text: str,
    attachment: bytes,
    filename: str,
    language: str,
    mime: tuple[str, str] = ("application", "pdf"),
) -> str:
    """E-mail one file (a scheduled report) to staff addresses; returns the Message-ID.

    InvalidInput for an address that is not one plain address; ChannelError (or
    MailBounced) from the transport when the server refuses or cannot be reached."""
    bad = [address for address in to if not valid_address(address)]
    if not to or bad:
        raise InvalidInput(f"not a list of plain e-mail addresses: {bad or to!r}")
    message = EmailMessage()
    message["Subject"] = " ".join(subject.split())  # no line breaks into the headers
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(to)
    message["Message-ID"] = make_msgid(domain=_domain(settings.smtp_from))
    message["Content-Language"] = language
    message.set_content(text)
    message.add_attachment(attachment, maintype=mime[0], subtype=mime[1], filename=filename)
    try:
        transport.send(message)
    except ChannelError:
        raise
    except Exception as error:  # a transport that is not ours: still a channel failure
        raise ChannelError(f"could not send the e-mail: {error}") from error
    return str(message["Message-ID"])


def opt_out_url(base_url: str, survey_id: int, token: str) -> str:
    return f"{base_url.rstrip('/')}/s/{survey_id}/opt-out?{urlencode({'invite': token})}"


def _earlier_send(db: Database, survey_id: int, customer_id: int, key: str | None) -> str:
    with db.session() as s:
        return _blocking_reason(customer_invitation_metas(s, survey_id, customer_id), None, key)


def _blocking_reason(
    metas: list[tuple[int, dict[str, Any]]], own: int | None, key: str | None = None
) -> str:
    for invitation_id, meta in metas:
        email = meta.get("email") or {}
        if invitation_id == own or email.get("state") not in BLOCKING:
            continue
        if meta.get("key") != key:  # another case's 回访 (or a keyed vs. a plain invitation)
            continue
        if email["state"] == "sent":
            return (
                f"already e-mailed this survey on {email.get('sent_at', '?')} "
                f"(invitation {invitation_id})"
            )
        return (
            f"an e-mail of invitation {invitation_id} was started on "
            f"{email.get('claimed_at', '?')} and its outcome is unknown; check the mail "
            "server's log before sending again"
        )
    return ""


def _record(db: Database, invitation_id: int, email: dict[str, Any]) -> None:
    with db.session() as s:
        meta = invitation_meta(s, invitation_id) or {}
        set_invitation_meta(s, invitation_id, {**meta, "email": {**meta.get("email", {}), **email}})


def _domain(sender: str) -> str | None:
    address = sender.rsplit("<", 1)[-1].rstrip(">").strip()
    return address.rsplit("@", 1)[-1] if "@" in address else None


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def _utc_naive(value: datetime | None) -> datetime:
    if value is None:
        return datetime.now(UTC).replace(tzinfo=None)
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)

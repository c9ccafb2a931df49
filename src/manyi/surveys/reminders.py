"""E-mail reminders: the same personal link again, to invitations not yet answered.

An invitation gets a reminder when all of these hold:

* it was e-mailed (``meta["email"]["state"] == "sent"``: not failed, not bounced) and
  kept its link's nonce (invitations e-mailed before reminders existed did not);
* it is not answered, not expired, and its survey is ``active``;
* the customer still agrees to be contacted (no opt-out) and the address did not bounce;
* fewer than ``max_reminders`` reminders went out, the last e-mail (invitation or
  reminder) is at least ``after_days`` old, and none went out on the same (UTC) day.

The link is the invitation's own, rebuilt from the nonce kept in the meta, so answering
the invitation or the reminder is one response. Each reminder is claimed under the
invitation's row lock (``reminder_state: claimed``) before it leaves and recorded after
(``reminders``: the times sent); a run that dies between the two leaves ``claimed``,
which stops further reminders of that invitation: a missing reminder is better than a
duplicate. A failed send (``reminder_state: failed``) is tried again on the next run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from manyi.config import Settings
from manyi.errors import ChannelError, InvalidInput, NotFound
from manyi.storage.database import Database
from manyi.storage.deliveries import ReminderCandidate, delivery, reminder_candidates
from manyi.storage.invitations import set_invitation_meta
from manyi.storage.surveys import survey_row
from manyi.surveys.bounces import bounced_reason, record_bounce
from manyi.surveys.delivery_state import iso, parse_iso, record, utc_naive
from manyi.surveys.email import (
    LANGUAGES,
    MailBounced,
    MailTransport,
    compose_message,
    opt_out_url,
    valid_address,
)
from manyi.surveys.links import public_url, rebuild_token, token_hash

log = logging.getLogger("manyi.surveys.reminders")


@dataclass
class ReminderRun:
    """What one reminder run did; ``skipped`` counts the reasons."""

    sent: int = 0
    failed: int = 0
    bounced: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def send_reminders(
    db: Database,
    *,
    settings: Settings,
    transport: MailTransport,
    survey_id: int | None = None,
    after_days: int | None = None,
    max_reminders: int | None = None,
    now: datetime | None = None,
) -> ReminderRun:
    """Send the reminders due now (of one survey, or of all). Never raises for one
    failed send: it is counted, recorded and tried again on the next run."""
    days = settings.reminder_after_days if after_days is None else after_days
    most = settings.reminder_max if max_reminders is None else max_reminders
    if not 1 <= days <= 60:
        raise InvalidInput(f"a reminder waits 1 to 60 days, not {days}")
    if not 0 <= most <= 10:
        raise InvalidInput(f"an invitation gets 0 to 10 reminders, not {most}")
    at = utc_naive(now)
    if survey_id is not None:
        with db.session() as s:
            if survey_row(s, survey_id) is None:
                raise NotFound(f"no survey with id {survey_id}")
    run = ReminderRun()
    with db.session() as s:
        candidates = reminder_candidates(s, at, survey_id=survey_id)
    for candidate in candidates:
        email = candidate.invitation.meta.get("email")
        if not isinstance(email, dict) or email.get("state") != "sent":
            continue  # not an e-mail invitation, or one that did not arrive
        reason = _not_due(candidate, email, at, timedelta(days=days), most)
        if not reason and candidate.invitation.customer_id is not None and candidate.email:
            reason = bounced_reason(db, candidate.invitation.customer_id, candidate.email)
            reason = "the address bounced" if reason else ""
        if reason:
            run.skip(reason)
            continue
        _remind(db, settings, transport, candidate, at, run)
    return run


def _not_due(
    candidate: ReminderCandidate,
    email: dict[str, Any],
    at: datetime,
    after: timedelta,
    most: int,
) -> str:
    """Why the invitation gets no reminder now ("" when it does)."""
    if not candidate.consent_contact or candidate.invitation.meta.get("opted_out_at"):
        return "opted out or no consent"
    if not candidate.email or not valid_address(candidate.email):
        return "no valid e-mail address"
    if not isinstance(email.get("nonce"), str) or email.get("language") not in LANGUAGES:
        return "e-mailed before reminders were kept"
    if email.get("reminder_state") == "claimed":
        return "an earlier reminder's outcome is unknown"
    sent = _reminders(email)
    if len(sent) >= most:
        return "all reminders sent"
    last = max([parse_iso(email.get("sent_at")), *sent], key=lambda t: t or datetime.min)
    if last is None:
        return "no send time"
    if at.date() == last.date() or at - last < after:
        return "not yet due"
    return ""


def _remind(
    db: Database,
    settings: Settings,
    transport: MailTransport,
    candidate: ReminderCandidate,
    at: datetime,
    run: ReminderRun,
) -> None:
    invitation_id = candidate.invitation.id
    # Claim under the invitation's row lock: two runs at once remind it once.
    with db.session() as s:
        current = delivery(s, invitation_id, lock=True)
        email = dict(current.meta.get("email") or {}) if current else {}
        if (
            current is None
            or current.answered_at is not None
            or email.get("state") != "sent"
            or email.get("reminder_state") == "claimed"
            or len(_reminders(email)) != len(_reminders(candidate.invitation.meta["email"]))
        ):
            run.skip("changed meanwhile")
            return
        claimed = {**email, "reminder_state": "claimed", "reminder_claimed_at": iso(at)}
        set_invitation_meta(s, invitation_id, {**current.meta, "email": claimed})
    expires = current.expires_at
    token = (
        rebuild_token(
            invitation_id, current.survey_id, expires, email["nonce"], secret=settings.secret_key
        )
        if expires is not None
        else ""
    )
    if not token or token_hash(token) != current.token_hash:
        # The secret key changed since the invitation: its link is dead, nothing to repeat.
        record(
            db, invitation_id, "email", {"reminder_state": "failed", "reminder_error": "link lost"}
        )
        run.skip("the link cannot be rebuilt (secret key changed)")
        return
    message = compose_message(
        settings,
        invitation_id=invitation_id,
        to=str(candidate.email),
        name=candidate.name,
        title=candidate.survey_title,
        language=str(email["language"]),
        link=public_url(settings.public_base_url, current.survey_id, invite=token),
        opt_out=opt_out_url(settings.public_base_url, current.survey_id, token),
        expires=expires,
        kind="reminder",
    )
    try:
        transport.send(message)
    except MailBounced as error:
        record_bounce(db, invitation_id, error.message)
        record(db, invitation_id, "email", {"reminder_state": "bounced"})
        run.bounced += 1
        return
    except (ChannelError, OSError) as error:
        text = error.message if isinstance(error, ChannelError) else str(error)
        record(
            db, invitation_id, "email", {"reminder_state": "failed", "reminder_error": text[:500]}
        )
        log.warning("reminder of invitation %s failed: %s", invitation_id, text)
        run.failed += 1
        return
    record(
        db,
        invitation_id,
        "email",
        {
            "reminder_state": "sent",
            "reminders": [*email.get("reminders", []), iso(at)],
            "reminder_message_id": str(message["Message-ID"]),
        },
    )
    run.sent += 1


def _reminders(email: dict[str, Any]) -> list[datetime]:
    value = email.get("reminders")
    times = [parse_iso(v) for v in value] if isinstance(value, list) else []
    return [t for t in times if t is not None]

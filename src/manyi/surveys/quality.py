"""Quality signals of the respondent form and what a respondent is given for answering.

- **Timing.** Every page of the form carries its render time, signed with the app's
  secret and bound to the draft's resume token (:func:`render_stamp`). When the last
  page comes back, :func:`timing_flags` flags ``bot_suspect`` if that stamp is missing
  or forged (the post did not come from a page manyi rendered for this draft) and
  ``too_fast`` if the whole form, from the draft's start, took less than
  ``MANYI_RESPOND_MIN_SECONDS``. Flagged responses are stored and left to analysts
  (only the honeypot field drops a post).
- **Incentives.** A response to a survey with an ``incentive``, or from an invitation
  whose metadata says ``"incentive": true``, is recorded as incentivised; a code
  incentive shows the respondent a code unique to the response on the thank-you page
  (:func:`thank_you_incentive`), the same on every reload.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from manyi.domain.enums import QualityFlag
from manyi.domain.survey import SurveyDefinition
from manyi.storage.database import Database
from manyi.storage.exclusions import (
    draft_response_id,
    incentive_code_of,
    invitation_incentive,
    set_incentive_code,
)
from manyi.storage.types import utcnow

#: Letters of a code: Crockford's base-32 without the easily confused I, L, O, U.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TRANSLATE = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", _CROCKFORD.encode())
#: Characters of the random part of a code (10 base-32 characters: 50 bits).
CODE_LENGTH = 10


def _mac(secret: str, message: str) -> bytes:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()


def render_stamp(secret: str, resume_token: str, now: datetime | None = None) -> str:
    """The signed render time a page of the form carries: ``<unix seconds>.<hmac>``."""
    seconds = int((now or utcnow()).timestamp())
    signature = _mac(secret, f"rendered:{resume_token}:{seconds}").hex()[:32]
    return f"{seconds}.{signature}"


def stamp_time(secret: str, resume_token: str, stamp: str) -> datetime | None:
    """When the page carrying ``stamp`` was rendered, or None if the stamp is missing,
    malformed or not signed for this draft."""
    seconds, _, signature = stamp.partition(".")
    if not seconds.isdigit() or len(seconds) > 12 or not signature:
        return None
    expected = _mac(secret, f"rendered:{resume_token}:{seconds}").hex()[:32]
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        return None
    return datetime.fromtimestamp(int(seconds))


def timing_flags(
    secret: str,
    resume_token: str,
    stamp: str | None,
    *,
    started_at: datetime,
    min_seconds: float,
    now: datetime | None = None,
) -> tuple[str, ...]:
    """Flags for the last page of a form coming back with ``stamp``: ``bot_suspect``
    (no valid stamp), ``too_fast`` (the whole form, from ``started_at``, the draft's
    start in naive UTC, in less than ``min_seconds``; 0 turns the check off)."""
    flags: list[str] = []
    if stamp_time(secret, resume_token, stamp or "") is None:
        flags.append(QualityFlag.BOT_SUSPECT.value)
    elapsed = ((now or utcnow()) - started_at).total_seconds()
    if min_seconds > 0 and elapsed < min_seconds:
        flags.append(QualityFlag.TOO_FAST.value)
    return tuple(flags)


def incentivised(db: Database, invitation_id: int | None) -> bool | None:
    """Whether a personal invitation promised a reward (its metadata's ``incentive``);
    None: the invitation does not say, and the survey's ``incentive`` decides."""
    if invitation_id is None:
        return None
    with db.session() as s:
        return invitation_incentive(s, invitation_id)


def incentive_code(secret: str, response_id: int, prefix: str = "") -> str:
    """The code of one response: 50 bits of an HMAC of its id, in base 32 without
    ambiguous letters, grouped for typing (``PREFIX-XXXXX-XXXXX``). Not guessable
    without the secret; the same response always gets the same code."""
    digest = _mac(secret, f"incentive:{response_id}")
    letters = base64.b32encode(digest).translate(_TRANSLATE).decode()[:CODE_LENGTH]
    groups = [letters[:5], letters[5:]]
    return "-".join([prefix, *groups] if prefix else groups)


@dataclass(frozen=True)
class ThankYouIncentive:
    code: str
    #: What the survey says about the code, in the page's language ("" if nothing).
    text: str


def thank_you_incentive(
    db: Database,
    secret: str,
    definition: SurveyDefinition,
    draft_id: int,
    language: str,
) -> ThankYouIncentive | None:
    """The code the thank-you page shows for the response submitted from ``draft_id``,
    stored on the response the first time; None when the survey gives no code or the
    draft has no stored response (screened out, or not submitted)."""
    incentive = definition.incentive
    if incentive is None or incentive.kind != "code":
        return None
    with db.session() as s:
        response_id = draft_response_id(s, draft_id)
        if response_id is None:
            return None
        code = incentive_code_of(s, response_id)
        if code is None:
            code = incentive_code(secret, response_id, incentive.prefix)
            set_incentive_code(s, response_id, code)
    text = incentive.text.get(language) if incentive.text is not None else ""
    return ThankYouIncentive(code, text)

"""Consent on the respondent form: the survey's consent statement is shown on the first
page with a checkbox; ticking it records the version and the exact text shown in the
respondent's draft (the text once, in ``consent_texts``), and the response carries both.

A survey whose consent is ``required`` does not move past the first page without it, and
the intake pipeline refuses a response to it without consent on every channel
(docs/privacy.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from manyi.domain.survey import SurveyDefinition
from manyi.storage.privacy import (
    consent_text,
    draft_consent,
    set_draft_consent,
    store_consent_text,
)

#: The checkbox's form field and the value it posts when ticked.
FIELD = "consent"
AGREED = "yes"
#: The error kind the page shows next to the checkbox.
MISSING = "consent_missing"


@dataclass(frozen=True)
class GivenConsent:
    """The consent a draft holds: the version and the exact text that was shown."""

    version: str
    text: str


def consent_given(session: Session, draft_id: int) -> bool:
    """Whether the respondent of this draft ticked the consent box."""
    return draft_consent(session, draft_id)[0] is not None


def take_consent(
    session: Session,
    draft_id: int,
    definition: SurveyDefinition,
    form: Mapping[str, Sequence[str]],
    language: str,
) -> tuple[bool, dict[str, list[tuple[str, str]]]]:
    """Read the first page's checkbox into the draft: (given, errors by field).

    A tick stores the version and the text in ``language`` (as the page showed it); no
    tick withdraws an earlier one, and is an error when the consent is required.
    """
    consent = definition.consent
    if consent is None:
        return False, {}
    ticked = AGREED in (form.get(FIELD) or ())
    if ticked:
        digest = store_consent_text(session, consent.text.get(language))
        set_draft_consent(session, draft_id, version=consent.version, text_hash=digest)
        return True, {}
    set_draft_consent(session, draft_id, version=None, text_hash=None)
    if consent.required:
        return False, {FIELD: [(MISSING, "consent is required to take part")]}
    return False, {}


def given_consent(session: Session, draft_id: int) -> GivenConsent | None:
    """The consent the draft holds, with the text as stored, for its response."""
    version, digest = draft_consent(session, draft_id)
    if version is None or digest is None:
        return None
    text = consent_text(session, digest)
    return None if text is None else GivenConsent(version, text)

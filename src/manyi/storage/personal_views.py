"""The audit trail of personal data shown: who saw which response, feedback item or
customer unmasked, and when (``audit_log`` entries with action ``personal_data.view``).

The read side records an entry per item whose personal data it showed unmasked: a
response or feedback item whose stored text was redacted and whose original it returned,
a customer whose contact fields it returned unmasked. Items without personal data (no
original kept) show nothing personal and record nothing, so the log stays a list of the
people whose data was seen.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from manyi.domain.scope import Reader
from manyi.storage.audit import add_audit_entry

PERSONAL_DATA_VIEW = "personal_data.view"


def record_personal_data_views(
    session: Session,
    reader: Reader,
    subject_kind: str,
    subject_ids: Iterable[int | str],
    detail: dict[str, Any] | None = None,
) -> int:
    """One ``personal_data.view`` entry per subject, in ``session``; returns how many.

    Nothing is recorded for a reader who is not shown personal data.
    """
    if not reader.personal_data:
        return 0
    n = 0
    for subject_id in subject_ids:
        add_audit_entry(
            session,
            action=PERSONAL_DATA_VIEW,
            subject_kind=subject_kind,
            subject_id=subject_id,
            detail=detail,
            actor=reader.label,
            actor_user_id=reader.user_id,
        )
        n += 1
    return n

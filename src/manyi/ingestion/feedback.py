"""Unstructured feedback: complaints, call notes, e-mails, reviews, staff entries.

The steps the intake pipeline (:mod:`manyi.ingestion.pipeline`) runs for them.

A batch is accepted whole or not at all, and every bad field is reported with its
index (``items.3.text``). ``external_id`` (unique per source) and ``Idempotency-Key``
make retries and re-imports safe; an identical text from the same customer is stored
but marked ``is_duplicate``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from manyi.domain.enums import FeedbackKind
from manyi.errors import FieldError, InvalidInput
from manyi.ingestion.cleaning import fingerprint, normalize_text
from manyi.storage.database import Database
from manyi.storage.feedback import stored_feedback_hashes
from manyi.storage.references import References
from manyi.storage.types import as_utc_naive, utcnow

MAX_TEXT_CHARS = 100_000


@dataclass(frozen=True)
class FeedbackIn:
    text: str
    kind: str = FeedbackKind.OTHER.value
    rating: float | None = None
    customer: str | None = None
    channel: str | None = None
    touchpoint: str | None = None
    department: str | None = None
    occurred_at: datetime | None = None
    external_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordedFeedback:
    id: int
    created: bool
    is_duplicate: bool


def prepare_feedback(
    refs: References,
    item: FeedbackIn,
    *,
    source: str,
    loc: tuple[str | int, ...] = (),
    import_id: int | None = None,
) -> dict[str, Any]:
    errors: list[FieldError] = []
    text = normalize_text(item.text) if isinstance(item.text, str) else ""
    if not text:
        errors.append(FieldError((*loc, "text"), "text is empty", "missing"))
    elif len(text) > MAX_TEXT_CHARS:
        errors.append(
            FieldError((*loc, "text"), f"text is longer than {MAX_TEXT_CHARS} characters", "range")
        )
    try:
        kind = FeedbackKind(item.kind).value
    except ValueError:
        errors.append(
            FieldError(
                (*loc, "kind"),
                f"unknown kind; kinds are {', '.join(k.value for k in FeedbackKind)}",
                "choice",
            )
        )
        kind = FeedbackKind.OTHER.value
    if item.rating is not None and (not math.isfinite(item.rating) or not 0 <= item.rating <= 10):
        errors.append(FieldError((*loc, "rating"), "rating must be a number from 0 to 10", "range"))
    sub: list[FieldError] = []
    channel_id = refs.channel(item.channel, sub)
    touchpoint_id = refs.touchpoint(item.touchpoint, sub)
    department_id = refs.department(item.department, sub)
    errors.extend(FieldError((*loc, *e.loc), e.msg, e.type) for e in sub)
    if errors:
        raise InvalidInput(f"{len(errors)} field(s) could not be accepted", errors)
    customer_id = refs.customer(item.customer)
    return {
        "kind": kind,
        "text": text,
        "rating": item.rating,
        "customer_id": customer_id,
        "channel_id": channel_id,
        "touchpoint_id": touchpoint_id,
        "department_id": department_id,
        "occurred_at": as_utc_naive(item.occurred_at) if item.occurred_at else utcnow(),
        "received_at": utcnow(),
        "source": source,
        "external_id": item.external_id,
        "content_hash": fingerprint(kind, item.customer, text),
        "meta": item.metadata,
        "import_id": import_id,
    }


def mark_duplicates(session: Session, rows: list[dict[str, Any]]) -> None:
    """Set ``is_duplicate`` on rows whose text a stored or earlier row already has."""
    seen = stored_feedback_hashes(session, (r["content_hash"] for r in rows))
    for r in rows:
        r["is_duplicate"] = r["content_hash"] in seen
        seen.add(r["content_hash"])


def record_feedback(
    db: Database,
    items: Sequence[FeedbackIn],
    *,
    idempotency_key: str | None = None,
    source: str = "api",
    keep_raw_text: bool = True,
) -> list[RecordedFeedback]:
    """Store a batch of feedback items atomically (through the intake pipeline).

    Retries with the same key return the same ids.
    """
    # Imported here because the pipeline builds on this module's steps.
    from manyi.ingestion.pipeline import FeedbackBatch, IntakeOptions, record

    if not items:
        raise InvalidInput("no feedback items given")
    result = record(
        db,
        FeedbackBatch(items, idempotency_key),
        IntakeOptions(source=source, keep_raw_text=keep_raw_text),
    )
    return [RecordedFeedback(s.id, s.created, s.is_duplicate) for s in result.stored]

"""Recording unstructured feedback: complaints, call notes, e-mails, reviews, staff entries.

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

from sqlalchemy import select
from sqlalchemy.orm import Session

from manyi.domain.enums import FeedbackKind
from manyi.errors import FieldError, InvalidInput
from manyi.ingestion.cleaning import fingerprint, normalize_text
from manyi.ingestion.references import References
from manyi.storage.database import Database
from manyi.storage.insert import insert_ignore
from manyi.storage.tables import FeedbackItemRow
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
    hashes = {r["content_hash"] for r in rows}
    seen = set(
        session.scalars(
            select(FeedbackItemRow.content_hash).where(FeedbackItemRow.content_hash.in_(hashes))
        ).all()
    )
    for r in rows:
        r["is_duplicate"] = r["content_hash"] in seen
        seen.add(r["content_hash"])


def store_feedback_rows(
    session: Session, rows: list[dict[str, Any]]
) -> list[tuple[int, str | None, str | None]]:
    """Insert rows not stored yet (by source+external_id or idempotency key); return (id, external_id, key)."""
    mark_duplicates(session, rows)
    keyed = [r for r in rows if r.get("idempotency_key")]
    plain = [r for r in rows if not r.get("idempotency_key")]
    out: list[tuple[int, str | None, str | None]] = []
    returning = (FeedbackItemRow.id, FeedbackItemRow.external_id, FeedbackItemRow.idempotency_key)
    if keyed:
        out += [
            tuple(r)
            for r in insert_ignore(
                session, FeedbackItemRow, keyed, conflict=("idempotency_key",), returning=returning
            )
        ]
    if plain:
        out += [
            tuple(r)
            for r in insert_ignore(
                session,
                FeedbackItemRow,
                plain,
                conflict=("source", "external_id"),
                returning=returning,
            )
        ]
    return out


def record_feedback(
    db: Database,
    items: Sequence[FeedbackIn],
    *,
    idempotency_key: str | None = None,
    source: str = "api",
) -> list[RecordedFeedback]:
    """Store a batch of feedback items atomically; retries with the same key return the same ids."""
    if not items:
        raise InvalidInput("no feedback items given")
    with db.session() as s:
        refs = References(s)
        rows: list[dict[str, Any]] = []
        errors: list[FieldError] = []
        batch = len(items) > 1
        for i, item in enumerate(items):
            try:
                row = prepare_feedback(refs, item, source=source, loc=("items", i) if batch else ())
            except InvalidInput as exc:
                errors.extend(exc.errors)
                continue
            row["idempotency_key"] = f"{idempotency_key}:{i}" if idempotency_key else None
            rows.append(row)
        if errors:
            raise InvalidInput(
                f"{len(errors)} field(s) could not be accepted; nothing was stored", errors
            )
        inserted = store_feedback_rows(s, rows)
        by_key = {(ext, key): rid for rid, ext, key in inserted}
        results: list[RecordedFeedback] = []
        for row in rows:
            rid = by_key.get((row["external_id"], row["idempotency_key"]))
            if rid is not None:
                results.append(RecordedFeedback(rid, True, row["is_duplicate"]))
                continue
            existing = s.scalar(
                select(FeedbackItemRow).where(
                    FeedbackItemRow.idempotency_key == row["idempotency_key"]
                    if row["idempotency_key"]
                    else (FeedbackItemRow.source == row["source"])
                    & (FeedbackItemRow.external_id == row["external_id"])
                )
            )
            if existing is None:  # pragma: no cover - a conflict implies a stored row
                raise InvalidInput(
                    "a feedback item clashed with one being stored concurrently; retry"
                )
            results.append(RecordedFeedback(existing.id, False, existing.is_duplicate))
        return results

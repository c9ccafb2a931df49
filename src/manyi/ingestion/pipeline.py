"""The one intake pipeline: every channel records responses and feedback items through it.

::

    prepare ──► normalise ──► redact ──► flag ──► store ──► say what needs enrichment
    (codes →     (answers,     (personal   (quality,  (once, by        (and enqueue it when
     ids,         text)         data →      duplicates) idempotency     the caller gave a
     validate)                  labels)                 or external key) queue)

The API routes, the file importer, the demo loader and the respondent pages call
:func:`record` with a :class:`ResponseBatch` or a :class:`FeedbackBatch`; none of them
rebuilds the steps. A batch is stored in one transaction. With
``IntakeOptions.all_or_nothing`` (the API) one bad item rejects the batch with every
bad field listed; without it (file import) good items are stored and bad ones come back
in ``IntakeResult.rejected`` with their index.

Personal data is redacted here, at intake: the stored analytic text (feedback ``text``,
open answers) has phone numbers, e-mail addresses, ID and card numbers replaced by
labels such as ``[手机号]``. The original is kept apart (``feedback_items.raw_text``,
``responses.raw_answers``), only where the redaction changed something and only when
``keep_raw_text`` is on, for the roles allowed to see personal data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from manyi.domain.schedule import survey_state
from manyi.errors import Conflict, FieldError, InvalidInput
from manyi.ingestion.cleaning import fingerprint
from manyi.ingestion.feedback import FeedbackIn, mark_duplicates, prepare_feedback
from manyi.ingestion.quotas import claim_quotas
from manyi.ingestion.responses import (
    PreparedResponse,
    ResponseIn,
    SurveyContext,
    answer_rows,
    context_from,
    flag_batch,
    prepare,
)
from manyi.storage.answers import insert_answer_rows
from manyi.storage.database import Database
from manyi.storage.feedback import insert_feedback, stored_feedback
from manyi.storage.privacy import store_consent_text
from manyi.storage.references import References
from manyi.storage.responses import (
    insert_responses,
    response_by_idempotency_key,
    stored_external_keys,
)
from manyi.storage.rollups import add_responses
from manyi.storage.surveys import current_survey
from manyi.storage.types import utcnow
from manyi.text.pii import redact

__all__ = [
    "AlertHook",
    "Enqueue",
    "FeedbackBatch",
    "IntakeOptions",
    "IntakeResult",
    "RejectedItem",
    "ResponseBatch",
    "StoredItem",
    "record",
    "redact_text",
]

#: Asks the job queue to enrich new text; it must never raise (a queue that is down may
#: not lose a submission: the periodic sweep catches up).
Enqueue = Callable[[], object]
#: Asks for the alert rules to be evaluated on the items just stored ("response" or
#: "feedback", their ids), after the commit: manyi.jobs queues the ``evaluate-alerts`` job.
#: A separate job, not the intake transaction, so that a rule never slows or fails intake.
AlertHook = Callable[[str, list[int]], object]
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class ResponseBatch:
    """Responses to one survey, as a channel delivers them."""

    survey_id: int
    items: Sequence[ResponseIn]
    #: Idempotency-Key of the request: the same key returns the stored response.
    idempotency_key: str | None = None


@dataclass(frozen=True)
class FeedbackBatch:
    """Feedback items (complaints, call notes, reviews, …)."""

    items: Sequence[FeedbackIn]
    idempotency_key: str | None = None


@dataclass(frozen=True)
class IntakeOptions:
    """How a channel wants its batch recorded."""

    #: Stored in ``source`` of every row: api, import, demo, web, …
    source: str = "api"
    #: One bad item rejects the whole batch (API) or only itself (file import).
    all_or_nothing: bool = True
    #: Keep the original of a redacted text apart (``MANYI_KEEP_RAW_TEXT``).
    keep_raw_text: bool = True
    speeder_fraction: float = 0.3
    #: Responses only to surveys that are active (imports and the demo may back-fill).
    #: A live submission: only to a survey open now (its status and schedule), claiming
    #: its quotas (imports and the demo, which back-fill, do neither).
    require_active: bool = True
    import_id: int | None = None
    #: The moment checked against the survey's schedule (None: now; tests inject a clock).
    at: datetime | None = None


@dataclass(frozen=True)
class StoredItem:
    """One item of the batch that is stored: now (``created``) or by an earlier request."""

    index: int
    id: int
    created: bool
    survey_version: int | None = None
    quality_flags: tuple[str, ...] = ()
    is_duplicate: bool = False


@dataclass(frozen=True)
class RejectedItem:
    """One item of the batch that was not stored, and every reason why."""

    index: int
    errors: tuple[FieldError, ...]


@dataclass(frozen=True)
class IntakeResult:
    """What :func:`record` did with a batch."""

    stored: tuple[StoredItem, ...]
    rejected: tuple[RejectedItem, ...] = ()
    #: New items with free text that the enrichment job has to analyse.
    to_enrich: int = 0
    #: Whether the enrichment job was asked to run (a queue was given and there was text).
    enqueued: bool = False

    @property
    def created(self) -> int:
        return sum(item.created for item in self.stored)

    @property
    def already_stored(self) -> int:
        return sum(not item.created for item in self.stored)


def redact_text(text: str) -> str:
    """``text`` with personal data replaced by labels, in the text's own language."""
    return redact(text, language="zh" if _CJK.search(text) else "en")


def record(
    db: Database,
    batch: ResponseBatch | FeedbackBatch,
    options: IntakeOptions | None = None,
    *,
    enqueue: Enqueue | None = None,
    alerts: AlertHook | None = None,
) -> IntakeResult:
    """Record a batch of responses or feedback items in one transaction.

    Raises
    ------
    InvalidInput
        With ``all_or_nothing``, when any item is bad (every bad field, by item index for
        a batch of several); nothing is stored then.
    NotFound
        For an unknown survey.
    Conflict
        For a survey that is not active (when required) or an Idempotency-Key reused with
        another body.
    """
    options = options or IntakeOptions()
    if not batch.items:
        raise InvalidInput("nothing to record: the batch is empty")
    with db.session() as s:
        if isinstance(batch, ResponseBatch):
            result = _record_responses(s, batch, options)
        else:
            result = _record_feedback(s, batch, options)
    created = [item.id for item in result.stored if item.created and not item.is_duplicate]
    if alerts is not None and created:
        alerts("response" if isinstance(batch, ResponseBatch) else "feedback", created)
    if result.to_enrich and enqueue is not None:
        enqueue()
        return replace(result, enqueued=True)
    return result


def _item_key(key: str | None, index: int, count: int) -> str | None:
    if not key:
        return None
    return key if count == 1 else f"{key}:{index}"


def _rejected(
    errors: dict[int, list[FieldError]], count: int, options: IntakeOptions
) -> tuple[RejectedItem, ...]:
    """Raise for an all-or-nothing batch with errors; else the rejected items."""
    if errors and options.all_or_nothing:
        located = [
            FieldError(("items", i, *e.loc), e.msg, e.type) if count > 1 else e
            for i, item_errors in sorted(errors.items())
            for e in item_errors
        ]
        stored = "; nothing was stored" if count > 1 else ""
        raise InvalidInput(f"{len(located)} field(s) could not be accepted{stored}", located)
    return tuple(RejectedItem(i, tuple(e)) for i, e in sorted(errors.items()))


# --------------------------------------------------------------------------- responses


def _redact_response(prepared: PreparedResponse, keep_raw: bool) -> None:
    """Redact every free-text cell and the same text in the stored answers."""
    answers = prepared.values["answers"]
    raw: dict[str, Any] = {}
    cells = []
    for cell in prepared.cells:
        if cell.text:
            redacted = redact_text(cell.text)
            if redacted != cell.text:
                if answers.get(cell.question) == cell.text:
                    answers[cell.question] = redacted
                raw[cell.question] = cell.text
                cell = replace(cell, text=redacted)
        cells.append(cell)
    prepared.cells = cells
    prepared.values["raw_answers"] = raw if raw and keep_raw else None


def _store_consent_text(s: Session, prepared: PreparedResponse) -> None:
    """Store the consent text shown (once per distinct text) and keep its SHA-256."""
    text = prepared.values.pop("consent_text", None)
    prepared.values["consent_text_hash"] = store_consent_text(s, text) if text else None


def _load_survey(s: Session, batch: ResponseBatch, options: IntakeOptions) -> SurveyContext:
    current = current_survey(s, batch.survey_id)
    ctx = context_from(current)
    if options.require_active:
        # The schedule is checked now, at intake: no job has to have run for it to hold.
        row = current.survey
        state = survey_state(row.status, row.opens_at, row.closes_at, options.at or utcnow())
        if state == "not_yet" and row.opens_at is not None:
            raise Conflict(
                f"survey {batch.survey_id} opens at {row.opens_at:%Y-%m-%d %H:%M} UTC, "
                "not accepting responses yet"
            )
        if state == "ended" and row.closes_at is not None:
            raise Conflict(
                f"survey {batch.survey_id} closed at {row.closes_at:%Y-%m-%d %H:%M} UTC, "
                "not accepting responses"
            )
        if state != "open":
            raise Conflict(f"survey {batch.survey_id} is {ctx.status}, not accepting responses")
    return ctx


def _record_responses(s: Session, batch: ResponseBatch, options: IntakeOptions) -> IntakeResult:
    ctx = _load_survey(s, batch, options)
    count = len(batch.items)
    refs = References(s)
    if count > 1:
        refs.ensure_customers(item.customer for item in batch.items)
    keyed: dict[str, tuple[int, str]] = {}  # idempotency key -> (index, request hash)
    answered: list[StoredItem] = []
    prepared: list[tuple[int, PreparedResponse]] = []
    errors: dict[int, list[FieldError]] = {}
    for i, item in enumerate(batch.items):
        key = _item_key(batch.idempotency_key, i, count)
        request_hash = fingerprint(item.__dict__) if key else ""
        if key:
            existing = _by_idempotency_key(s, ctx.survey_id, key, request_hash, i)
            if existing is not None:
                answered.append(existing)
                continue
            keyed[key] = (i, request_hash)
        try:
            p = prepare(refs, ctx, item, source=options.source, import_id=options.import_id)
        except InvalidInput as exc:
            errors[i] = list(exc.errors) or [FieldError((), exc.message)]
            continue
        p.values["idempotency_key"] = key
        p.values["request_hash"] = request_hash if key else None
        _redact_response(p, options.keep_raw_text)
        _store_consent_text(s, p)
        prepared.append((i, p))
    rejected = _rejected(errors, count, options)
    flag_batch(s, ctx, [p for _, p in prepared], options.speeder_fraction)
    stored = answered + _store_responses(s, ctx, prepared)
    # The dashboards' daily histograms, in this transaction (storage/rollups.py).
    add_responses(s, [item.id for item in stored if item.created])
    if options.require_active and ctx.definition.quotas:
        new = {item.index for item in stored if item.created}
        given = {i: item.customer_segments for i, item in enumerate(batch.items)}
        claim_quotas(
            s,
            ctx,
            [
                (p.values["answers"], p.values.get("customer_id"), given.get(i))
                for i, p in prepared
                if i in new
            ],
        )
    created = {item.index for item in stored if item.created}
    # Free text is what the enrichment job reads: text cells without a number.
    to_enrich = sum(
        i in created and any(c.text and c.value is None for c in p.cells) for i, p in prepared
    )
    return IntakeResult(tuple(sorted(stored, key=lambda x: x.index)), rejected, to_enrich)


def _store_responses(
    s: Session, ctx: SurveyContext, prepared: list[tuple[int, PreparedResponse]]
) -> list[StoredItem]:
    """Insert the prepared responses; those already stored (same key) give their ids."""
    out: list[StoredItem] = []
    groups = (
        ("idempotency_key", ("survey_id", "idempotency_key")),
        ("external_key", ("survey_id", "external_key")),
        (None, None),
    )
    remaining = prepared
    for column, conflict in groups:
        group = [(i, p) for i, p in remaining if column is None or p.values.get(column)]
        taken = {i for i, _ in group}
        remaining = [(i, p) for i, p in remaining if i not in taken]
        if not group:
            continue
        new_ids = _insert_group(s, group, column, conflict)
        cells: list[dict[str, Any]] = []
        missing: list[tuple[int, PreparedResponse]] = []
        for i, p in group:
            rid = new_ids.get(i)
            if rid is None:
                missing.append((i, p))
                continue
            cells += answer_rows(rid, p)
            out.append(StoredItem(i, rid, True, ctx.version, tuple(p.values["quality_flags"])))
        insert_answer_rows(s, cells)
        out += _already_stored(s, ctx, missing, column)
    return out


def _insert_group(
    s: Session,
    group: list[tuple[int, PreparedResponse]],
    column: str | None,
    conflict: tuple[str, ...] | None,
) -> dict[int, int]:
    """Insert one group; return batch index -> new id for the rows inserted now."""
    if column is None:
        # Nothing to match returned rows on: one statement per row (the API's single
        # response without a key; batches from files and the demo always have keys).
        return {i: insert_responses(s, [p.values], conflict=None)[0][0] for i, p in group}
    inserted = insert_responses(s, [p.values for _, p in group], conflict=conflict)
    by_key = {(external, key): rid for rid, external, key in inserted}
    out: dict[int, int] = {}
    for i, p in group:
        # pop: a key repeated within the batch was inserted once, for its first row;
        # the later rows are "already stored"
        rid = by_key.pop((p.values["external_key"], p.values["idempotency_key"]), None)
        if rid is not None:
            out[i] = rid
    return out


def _already_stored(
    s: Session, ctx: SurveyContext, missing: list[tuple[int, PreparedResponse]], column: str | None
) -> list[StoredItem]:
    if not missing:
        return []
    if column == "external_key":
        ids = stored_external_keys(s, ctx.survey_id, [p.values["external_key"] for _, p in missing])
        return [
            StoredItem(i, ids[p.values["external_key"]], False, ctx.version)
            for i, p in missing
            if p.values["external_key"] in ids
        ]
    out = []
    for i, p in missing:
        # A concurrent request with the same key won the race: answer with its response.
        existing = _by_idempotency_key(
            s, ctx.survey_id, p.values["idempotency_key"], p.values["request_hash"], i
        )
        if existing is None:
            raise Conflict("the idempotency key is in use by a request still being processed")
        out.append(existing)
    return out


def _by_idempotency_key(
    s: Session, survey_id: int, key: str, request_hash: str, index: int
) -> StoredItem | None:
    row = response_by_idempotency_key(s, survey_id, key)
    if row is None:
        return None
    if row.request_hash and row.request_hash != request_hash:
        raise Conflict(
            "this Idempotency-Key was already used with a different request body",
            [
                FieldError(
                    ("headers", "Idempotency-Key"), "reused with a different body", "conflict"
                )
            ],
        )
    return StoredItem(index, row.id, False, row.survey_version, tuple(row.quality_flags or []))


# --------------------------------------------------------------------------- feedback


@dataclass
class _PreparedFeedback:
    index: int
    values: dict[str, Any] = field(default_factory=dict)


def _record_feedback(s: Session, batch: FeedbackBatch, options: IntakeOptions) -> IntakeResult:
    count = len(batch.items)
    refs = References(s)
    if count > 1:
        refs.ensure_customers(item.customer for item in batch.items)
    prepared: list[_PreparedFeedback] = []
    errors: dict[int, list[FieldError]] = {}
    for i, item in enumerate(batch.items):
        try:
            values = prepare_feedback(
                refs, item, source=options.source, import_id=options.import_id
            )
        except InvalidInput as exc:
            errors[i] = list(exc.errors) or [FieldError((), exc.message)]
            continue
        values["idempotency_key"] = _item_key(batch.idempotency_key, i, count)
        redacted = redact_text(values["text"])
        values["raw_text"] = (
            values["text"] if redacted != values["text"] and options.keep_raw_text else None
        )
        values["text"] = redacted
        prepared.append(_PreparedFeedback(i, values))
    rejected = _rejected(errors, count, options)
    rows = [p.values for p in prepared]
    mark_duplicates(s, rows)
    inserted = insert_feedback(s, rows)
    by_key = {(ext, key): rid for rid, ext, key in inserted}
    # Items with neither key nor external id all share the (None, None) key: they are all
    # inserted, and their ids ascend in the order of the rows (one INSERT per batch).
    unnamed = iter(sorted(rid for rid, ext, key in inserted if ext is None and key is None))
    stored: list[StoredItem] = []
    for p in prepared:
        v = p.values
        if v["external_id"] is None and v["idempotency_key"] is None:
            rid = next(unnamed, None)
        else:
            rid = by_key.get((v["external_id"], v["idempotency_key"]))
        if rid is not None:
            stored.append(StoredItem(p.index, rid, True, is_duplicate=v["is_duplicate"]))
            continue
        existing = stored_feedback(
            s,
            source=v["source"],
            external_id=v["external_id"],
            idempotency_key=v["idempotency_key"],
        )
        if existing is None:
            raise Conflict("a feedback item clashed with one being stored concurrently; retry")
        stored.append(StoredItem(p.index, existing.id, False, is_duplicate=existing.is_duplicate))
    return IntakeResult(tuple(stored), rejected, sum(item.created for item in stored))

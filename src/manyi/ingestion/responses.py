"""Recording survey responses: validate → clean → flag → store (idempotently).

Two idempotency mechanisms keep retries and re-runs from storing a response twice:
``Idempotency-Key`` (API clients) and ``external_key`` (imports: the file's response id,
or a fingerprint of the line). Both are unique per survey in the database, so even
concurrent retries store exactly one row; the loser reads the winner's id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from manyi.domain.answers import AnswerCell, validate_answers
from manyi.domain.enums import QualityFlag
from manyi.domain.survey import SurveyDefinition
from manyi.errors import Conflict, FieldError, InvalidInput, NotFound
from manyi.ingestion.cleaning import clean_answers, fingerprint, median, quality_flags
from manyi.ingestion.references import References
from manyi.storage.database import Database
from manyi.storage.insert import insert_ignore
from manyi.storage.tables import AnswerRow, ResponseRow, SurveyRow, SurveyVersionRow
from manyi.storage.types import as_utc_naive, utcnow

ANSWERS = cast(Table, AnswerRow.__table__)
SPEEDER_REFERENCE_SAMPLE = 200
MIN_RESPONSES_FOR_MEDIAN = 20


@dataclass(frozen=True)
class ResponseIn:
    """A response as a channel delivers it (codes, not ids)."""

    answers: dict[str, Any]
    customer: str | None = None
    customer_segments: dict[str, Any] | None = None
    channel: str | None = None
    touchpoint: str | None = None
    started_at: datetime | None = None
    submitted_at: datetime | None = None
    language: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    consent: bool = False
    external_key: str | None = None


@dataclass(frozen=True)
class RecordedResponse:
    id: int
    created: bool
    survey_version: int
    quality_flags: list[str]


@dataclass(frozen=True)
class SurveyContext:
    survey_id: int
    version: int
    status: str
    definition: SurveyDefinition


def load_context(session: Session, survey_id: int) -> SurveyContext:
    survey = session.get(SurveyRow, survey_id)
    if survey is None:
        raise NotFound(f"no survey with id {survey_id}")
    version = session.scalar(
        select(SurveyVersionRow).where(
            SurveyVersionRow.survey_id == survey_id,
            SurveyVersionRow.version == survey.current_version,
        )
    )
    if version is None:
        raise NotFound(f"survey {survey_id} has no current version")
    return SurveyContext(
        survey_id,
        survey.current_version,
        survey.status,
        SurveyDefinition.model_validate(version.definition),
    )


def reference_seconds(
    session: Session, ctx: SurveyContext, extra: Sequence[float] = ()
) -> float | None:
    """The median completion time of recent responses (or the survey's expected time)."""
    rows = session.execute(
        select(ResponseRow.started_at, ResponseRow.submitted_at)
        .where(ResponseRow.survey_id == ctx.survey_id, ResponseRow.started_at.is_not(None))
        .order_by(ResponseRow.submitted_at.desc())
        .limit(SPEEDER_REFERENCE_SAMPLE)
    ).all()
    durations = [(b - a).total_seconds() for a, b in rows if a is not None and b is not None]
    durations.extend(extra)
    if len(durations) >= MIN_RESPONSES_FOR_MEDIAN:
        return median(durations)
    return float(ctx.definition.expected_seconds) if ctx.definition.expected_seconds else None


@dataclass
class PreparedResponse:
    values: dict[str, Any]
    cells: list[AnswerCell]


def prepare(
    refs: References,
    ctx: SurveyContext,
    item: ResponseIn,
    *,
    source: str,
    import_id: int | None = None,
) -> PreparedResponse:
    """Validate and clean one response; raises InvalidInput listing every bad field."""
    errors: list[FieldError] = []
    answers = clean_answers(item.answers)
    try:
        checked = validate_answers(ctx.definition, answers)
    except InvalidInput as exc:
        errors.extend(exc.errors)
        checked = None
    channel_id = refs.channel(item.channel, errors)
    touchpoint_id = refs.touchpoint(item.touchpoint, errors)
    submitted = as_utc_naive(item.submitted_at) if item.submitted_at else utcnow()
    started = as_utc_naive(item.started_at) if item.started_at else None
    if started is not None and started > submitted:
        errors.append(FieldError(("started_at",), "started_at is after submitted_at", "range"))
    if item.language not in (None, "zh-CN", "en"):
        errors.append(FieldError(("language",), "language must be zh-CN or en", "choice"))
    if errors or checked is None:
        raise InvalidInput(f"{len(errors)} field(s) could not be accepted", errors)
    customer_id = refs.customer(item.customer, item.customer_segments)
    values: dict[str, Any] = {
        "survey_id": ctx.survey_id,
        "survey_version": ctx.version,
        "customer_id": customer_id,
        "channel_id": channel_id,
        "touchpoint_id": touchpoint_id,
        "started_at": started,
        "submitted_at": submitted,
        "received_at": utcnow(),
        "language": item.language,
        "answers": checked.answers,
        "meta": item.metadata,
        "quality_flags": [],
        "consent": item.consent,
        "source": source,
        "external_key": item.external_key,
        "content_hash": fingerprint(ctx.survey_id, item.customer, checked.answers),
        "import_id": import_id,
    }
    return PreparedResponse(values, checked.cells)


def _duration(values: dict[str, Any]) -> float | None:
    if values["started_at"] is None:
        return None
    return float((values["submitted_at"] - values["started_at"]).total_seconds())


def flag_batch(
    session: Session, ctx: SurveyContext, batch: list[PreparedResponse], speeder_fraction: float
) -> None:
    """Set quality flags, including duplicates of stored responses or earlier rows in the batch."""
    durations = [d for d in (_duration(p.values) for p in batch) if d is not None]
    reference = reference_seconds(session, ctx, durations if len(batch) > 1 else ())
    hashes = {p.values["content_hash"] for p in batch}
    seen = set(
        session.scalars(
            select(ResponseRow.content_hash).where(
                ResponseRow.survey_id == ctx.survey_id, ResponseRow.content_hash.in_(hashes)
            )
        ).all()
    )
    for p in batch:
        flags = quality_flags(
            ctx.definition,
            p.values["answers"],
            duration_s=_duration(p.values),
            reference_s=reference,
            speeder_fraction=speeder_fraction,
        )
        if p.values["content_hash"] in seen:
            flags.append(QualityFlag.DUPLICATE.value)
        seen.add(p.values["content_hash"])
        p.values["quality_flags"] = flags


def store_batch(session: Session, batch: list[PreparedResponse]) -> dict[str, int]:
    """Insert responses whose external_key is new, with their answer cells.

    Returns {external_key: id} for the rows inserted now; rows already stored are skipped.
    """
    if not batch:
        return {}
    inserted = insert_ignore(
        session,
        ResponseRow,
        [p.values for p in batch],
        conflict=("survey_id", "external_key"),
        returning=(ResponseRow.id, ResponseRow.external_key),
    )
    ids: dict[str, int] = {row[1]: row[0] for row in inserted}
    cells = [
        cell
        for p in batch
        if p.values["external_key"] in ids
        for cell in answer_rows(ids[p.values["external_key"]], p)
    ]
    insert_answer_rows(session, cells)
    return ids


_ANSWER_COLUMNS = ("response_id", "survey_id", "question", "item", "value", "text", "submitted_at")


def insert_answer_rows(session: Session, cells: list[dict[str, Any]]) -> None:
    """Insert answer cells with the driver's executemany.

    The narrow table receives ten or more rows per response, so per-row overhead decides
    import speed; SQLAlchemy's parameter processing costs more than SQLite's insert here.
    """
    if not cells:
        return
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        connection.execute(insert(ANSWERS), cells)
        return
    sql = f"INSERT INTO answers ({', '.join(_ANSWER_COLUMNS)}) VALUES ({', '.join('?' * len(_ANSWER_COLUMNS))})"
    # Same text format as SQLAlchemy's SQLite DateTime, so stored values compare and parse alike.
    rows = [
        (
            c["response_id"],
            c["survey_id"],
            c["question"],
            c["item"],
            c["value"],
            c["text"],
            c["submitted_at"].strftime("%Y-%m-%d %H:%M:%S.%f"),
        )
        for c in cells
    ]
    connection.exec_driver_sql(sql, rows)


def answer_rows(response_id: int, prepared: PreparedResponse) -> list[dict[str, Any]]:
    """The narrow answers-table rows of one stored response."""
    return [
        {
            "response_id": response_id,
            "survey_id": prepared.values["survey_id"],
            "question": c.question,
            "item": c.item,
            "value": c.value,
            "text": c.text,
            "submitted_at": prepared.values["submitted_at"],
        }
        for c in prepared.cells
    ]


def record_response(
    db: Database,
    survey_id: int,
    item: ResponseIn,
    *,
    idempotency_key: str | None = None,
    source: str = "api",
    speeder_fraction: float = 0.3,
    require_active: bool = True,
) -> RecordedResponse:
    """Validate, clean, flag and store one response. Same idempotency key → same response."""
    request_hash = fingerprint(item.__dict__)
    with db.session() as s:
        ctx = load_context(s, survey_id)
        if require_active and ctx.status != "active":
            raise Conflict(f"survey {survey_id} is {ctx.status}, not accepting responses")
        if idempotency_key:
            existing = _by_idempotency_key(s, survey_id, idempotency_key, request_hash)
            if existing is not None:
                return existing
        refs = References(s)
        prepared = prepare(refs, ctx, item, source=source)
        prepared.values["idempotency_key"] = idempotency_key
        prepared.values["request_hash"] = request_hash
        flag_batch(s, ctx, [prepared], speeder_fraction)
        inserted = insert_ignore(
            s,
            ResponseRow,
            [prepared.values],
            conflict=("survey_id", "idempotency_key") if idempotency_key else None,
            returning=(ResponseRow.id,),
        )
        if not inserted:
            # A concurrent request with the same key won the race: answer with its response.
            s.rollback()
            assert idempotency_key is not None
            existing = _by_idempotency_key(s, survey_id, idempotency_key, request_hash)
            if existing is None:  # pragma: no cover - the unique row must exist now
                raise Conflict("the idempotency key is in use by a request still being processed")
            return existing
        rid = int(inserted[0][0])
        insert_answer_rows(s, answer_rows(rid, prepared))
        return RecordedResponse(rid, True, ctx.version, prepared.values["quality_flags"])


def _by_idempotency_key(
    s: Session, survey_id: int, key: str, request_hash: str
) -> RecordedResponse | None:
    row = s.scalar(
        select(ResponseRow).where(
            ResponseRow.survey_id == survey_id, ResponseRow.idempotency_key == key
        )
    )
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
    return RecordedResponse(row.id, False, row.survey_version, list(row.quality_flags or []))

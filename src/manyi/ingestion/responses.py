"""Survey responses: the steps the intake pipeline (:mod:`manyi.ingestion.pipeline`)
runs for them: validate and clean (:func:`prepare`), flag (:func:`flag_batch`), and the
narrow answer cells of a stored response (:func:`answer_rows`).

Two idempotency mechanisms keep retries and re-runs from storing a response twice:
``Idempotency-Key`` (API clients) and ``external_key`` (imports: the file's response id,
or a fingerprint of the line). Both are unique per survey in the database, so even
concurrent retries store exactly one row; the loser reads the winner's id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from manyi.domain.answers import AnswerCell, validate_answers
from manyi.domain.enums import QualityFlag
from manyi.domain.privacy import without_identifiers
from manyi.domain.survey import SurveyDefinition
from manyi.errors import FieldError, InvalidInput
from manyi.ingestion.cleaning import clean_answers, fingerprint, median, quality_flags
from manyi.storage.database import Database
from manyi.storage.exclusions import quality_of
from manyi.storage.references import References
from manyi.storage.responses import recent_durations, stored_response_hashes
from manyi.storage.surveys import CurrentSurvey, current_survey
from manyi.storage.types import as_utc_naive, utcnow

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
    #: The consent statement's version and exact text as shown; when consent is given
    #: without them, the survey definition's consent (in the response's language).
    consent_version: str | None = None
    consent_text: str | None = None
    #: Flags the channel found itself (the web form's timing: too_fast, bot_suspect).
    quality_flags: tuple[str, ...] = ()
    #: Whether the respondent was offered a reward; None: the survey's incentive decides.
    incentivised: bool | None = None


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


def context_from(current: CurrentSurvey) -> SurveyContext:
    return SurveyContext(
        current.id,
        current.version,
        current.status,
        SurveyDefinition.model_validate(current.definition),
    )


def load_context(session: Session, survey_id: int) -> SurveyContext:
    """The survey's current version and definition (NotFound for an unknown survey)."""
    return context_from(current_survey(session, survey_id))


def reference_seconds(
    session: Session, ctx: SurveyContext, extra: Sequence[float] = ()
) -> float | None:
    """The median completion time of recent responses (or the survey's expected time)."""
    durations = recent_durations(session, ctx.survey_id, SPEEDER_REFERENCE_SAMPLE)
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
    errors += privacy_errors(ctx.definition, item)
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
        "meta": without_identifiers(item.metadata) if ctx.definition.anonymous else item.metadata,
        "quality_flags": list(item.quality_flags),
        "incentivised": (
            item.incentivised
            if item.incentivised is not None
            else ctx.definition.incentive is not None
        ),
        "consent": item.consent,
        **consent_values(ctx.definition, item),
        "source": source,
        "external_key": item.external_key,
        "content_hash": fingerprint(ctx.survey_id, item.customer, checked.answers),
        "import_id": import_id,
    }
    return PreparedResponse(values, checked.cells)


def privacy_errors(definition: SurveyDefinition, item: ResponseIn) -> list[FieldError]:
    """Why a response may not be stored under the survey's privacy settings: a required
    consent not given, or a customer named in an anonymous survey (docs/privacy.md)."""
    errors: list[FieldError] = []
    consent = definition.consent
    if consent is not None and consent.required and not item.consent:
        errors.append(
            FieldError(
                ("consent",),
                f"this survey asks for the respondent's consent (version {consent.version}); "
                "send consent: true once it was given",
                "consent",
            )
        )
    if definition.anonymous and item.customer:
        errors.append(
            FieldError(
                ("customer",),
                "this survey is anonymous: a response may not name a customer",
                "anonymous",
            )
        )
    return errors


def consent_values(definition: SurveyDefinition, item: ResponseIn) -> dict[str, Any]:
    """The consent version and text to store with a response (the pipeline stores the text
    once and keeps its hash); None for both when no consent was given."""
    consent = definition.consent
    if not item.consent:
        return {"consent_version": None, "consent_text": None}
    version = item.consent_version or (consent.version if consent is not None else None)
    text = item.consent_text
    if text is None and consent is not None:
        text = consent.text.get(item.language or "zh-CN")
    return {"consent_version": version, "consent_text": text}


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
    seen = stored_response_hashes(session, ctx.survey_id, (p.values["content_hash"] for p in batch))
    for p in batch:
        flags = [*p.values["quality_flags"]]
        flags += quality_flags(
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
        p.values["quality"] = quality_of(flags, None)


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
            "quality": prepared.values["quality"],
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
    keep_raw_text: bool = True,
) -> RecordedResponse:
    """Validate, clean, redact, flag and store one response (through the intake pipeline).

    Same idempotency key → same response.
    """
    # Imported here because the pipeline builds on this module's steps.
    from manyi.ingestion.pipeline import IntakeOptions, ResponseBatch, record

    result = record(
        db,
        ResponseBatch(survey_id, [item], idempotency_key),
        IntakeOptions(
            source=source,
            speeder_fraction=speeder_fraction,
            require_active=require_active,
            keep_raw_text=keep_raw_text,
        ),
    )
    stored = result.stored[0]
    return RecordedResponse(
        stored.id, stored.created, stored.survey_version or 0, list(stored.quality_flags)
    )

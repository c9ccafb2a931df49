"""Request and response bodies of the JSON API (``…Create`` in, ``…Public`` out)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SurveyCreate(Strict):
    definition: dict[str, Any] = Field(description="the survey document; see docs/surveys.md")
    code: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    status: str = Field(default="draft", description="draft, active, paused or closed")


_PUBLIC_URL = (
    "the anonymous link respondents open (MANYI_PUBLIC_BASE_URL + /s/{id}); "
    "add ch=, tp= and lang= to name a channel, touchpoint and language"
)


_OPENS_AT = "scheduled opening (UTC); before it the survey is 'scheduled' and takes no answers"
_CLOSES_AT = "scheduled closing (UTC); from it the survey takes no answers and is closed"


class SurveySchedule(Strict):
    """Body of PUT /surveys/{id}/schedule: null (or left out) clears a bound."""

    opens_at: datetime | None = Field(
        default=None, description="ISO 8601; with no offset it is taken as UTC"
    )
    closes_at: datetime | None = Field(
        default=None, description="ISO 8601, after opens_at and not in the past"
    )


class QuotaPublic(BaseModel):
    code: str
    segment: dict[str, list[Any]]
    limit: int
    count: int = Field(description="responses stored in the quota")
    action: str = Field(description="screen_out or close, when the quota is full")
    full: bool


class SurveyPublic(BaseModel):
    id: int
    code: str | None
    title: str
    status: str
    version: int
    definition: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    public_url: str = Field(description=_PUBLIC_URL)
    opens_at: datetime | None = Field(default=None, description=_OPENS_AT)
    closes_at: datetime | None = Field(default=None, description=_CLOSES_AT)


class SurveySummaryPublic(BaseModel):
    id: int
    code: str | None
    title: str
    status: str
    version: int
    responses: int
    updated_at: datetime
    public_url: str = Field(description=_PUBLIC_URL)
    opens_at: datetime | None = Field(default=None, description=_OPENS_AT)
    closes_at: datetime | None = Field(default=None, description=_CLOSES_AT)


class SurveysPublic(BaseModel):
    data: list[SurveySummaryPublic]
    count: int
    limit: int
    offset: int


class ResponseCreate(Strict):
    answers: dict[str, Any] = Field(
        description="{question code: answer}; see docs/surveys.md for each kind"
    )
    incentivised: bool | None = Field(
        default=None,
        description="whether the respondent was offered a reward (default: the survey has an incentive)",
    )
    customer: str | None = Field(
        default=None, max_length=128, description="the customer's external id"
    )
    customer_segments: dict[str, Any] | None = None
    channel: str | None = Field(default=None, max_length=64)
    touchpoint: str | None = Field(default=None, max_length=64)
    started_at: datetime | None = None
    submitted_at: datetime | None = None
    language: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    consent: bool = False
    consent_version: str | None = Field(
        default=None,
        max_length=64,
        description="the consent statement's version (default: the survey's, when consent is true)",
    )
    consent_text: str | None = Field(
        default=None,
        max_length=20_000,
        description="the consent text exactly as shown (default: the survey's, in the language)",
    )


class ResponseRecorded(BaseModel):
    id: int
    created: bool
    survey_version: int
    quality_flags: list[str]


class ResponsePublic(BaseModel):
    id: int
    survey_id: int
    survey_version: int
    customer_id: int | None
    channel: str | None
    touchpoint: str | None
    started_at: datetime | None
    submitted_at: datetime
    language: str | None
    answers: dict[str, Any]
    metadata: dict[str, Any]
    quality_flags: list[str]
    source: str
    excluded: bool | None = Field(
        default=None,
        description="an analyst's decision: true excluded from aggregates, false kept, null none",
    )
    incentivised: bool = False
    consent: bool = False
    consent_version: str | None = Field(
        default=None, description="the consent statement's version the respondent agreed to"
    )


class ResponsesPublic(BaseModel):
    data: list[ResponsePublic]
    count: int
    limit: int
    offset: int


class FeedbackCreate(Strict):
    text: str = Field(min_length=1, max_length=100_000)
    kind: str = "other"
    rating: float | None = None
    customer: str | None = Field(default=None, max_length=128)
    channel: str | None = None
    touchpoint: str | None = None
    department: str | None = None
    occurred_at: datetime | None = None
    external_id: str | None = Field(default=None, max_length=200)
    metadata: dict[str, Any] = Field(default_factory=dict)


class FeedbackBatchCreate(Strict):
    items: list[FeedbackCreate] = Field(min_length=1, max_length=1000)


class FeedbackRecorded(BaseModel):
    id: int
    created: bool
    is_duplicate: bool


class FeedbackRecordedList(BaseModel):
    data: list[FeedbackRecorded]


class FeedbackPublic(BaseModel):
    id: int
    kind: str
    text: str
    rating: float | None
    customer_id: int | None
    channel: str | None
    touchpoint: str | None
    department: str | None
    occurred_at: datetime
    source: str
    external_id: str | None
    is_duplicate: bool
    language: str | None
    sentiment_label: str | None
    sentiment_score: float | None
    aspects: list[Any] | None
    redacted_text: str | None


class FeedbackListPublic(BaseModel):
    data: list[FeedbackPublic]
    count: int
    limit: int
    offset: int


class ImportPublic(BaseModel):
    import_id: int
    total_rows: int
    imported: int
    duplicates: int
    errors: int
    error_file: str | None
    unmapped_columns: list[str]


class InvitationCreate(Strict):
    customer: str | None = Field(
        default=None, max_length=128, description="the customer's external id (created if new)"
    )
    channel: str | None = Field(default=None, max_length=64, description="a channel code")
    touchpoint: str | None = Field(default=None, max_length=64, description="a touchpoint code")
    valid_days: int = Field(default=30, ge=1, le=3650, description="days until the link expires")
    metadata: dict[str, Any] = Field(default_factory=dict)


class InvitationPublic(BaseModel):
    id: int
    survey_id: int
    url: str = Field(description="the personal single-use link; shown this once, stored nowhere")
    customer: str | None
    channel: str | None
    touchpoint: str | None
    expires_at: datetime | None


class FlaggedResponsePublic(BaseModel):
    id: int
    survey_id: int
    submitted_at: datetime
    quality_flags: list[str]
    excluded: bool | None = Field(description="true excluded, false kept, null not reviewed")
    exclusion_reason: str | None
    reviewed_at: datetime | None
    incentivised: bool
    answers: dict[str, Any]
    source: str


class FlaggedResponsesPublic(BaseModel):
    data: list[FlaggedResponsePublic]
    count: int
    limit: int
    offset: int


class ExclusionUpdate(Strict):
    excluded: bool | None = Field(
        description="true: leave the response out of every aggregate; false: count it despite "
        "its quality flags; null: forget the decision (the flags decide again)"
    )
    reason: str | None = Field(default=None, max_length=500)


class ExclusionResult(BaseModel):
    id: int
    survey_id: int
    excluded: bool | None
    counted: bool = Field(description="whether NPS, CSAT and the other aggregates count it now")

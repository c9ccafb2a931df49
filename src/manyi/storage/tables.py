"""The tables. One ``…Row`` class per table; all times are naive UTC.

The narrow ``answers`` table holds one row per answered item so that aggregates over
millions of answers are index scans on (survey, question, item) and (survey, question,
submitted_at) instead of JSON parsing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from manyi.storage.types import IdType, JsonType, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JsonType, list[Any]: JsonType}  # noqa: RUF012


class DepartmentRow(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The department above this one (a tree: managers see their subtree). No foreign key:
    # adding one on SQLite copies the table (migration 0009).
    parent_id: Mapped[int | None] = mapped_column(IdType, index=True)


class UserRow(Base):
    __tablename__ = "users"
    __table_args__ = (Index("uq_users_oidc", "oidc_issuer", "oidc_subject", unique=True),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # An OpenID Connect identity (issuer + subject) that signs in as this user.
    oidc_issuer: Mapped[str | None] = mapped_column(String(500))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))


class ApiTokenRow(Base):
    """API tokens are stored as SHA-256 hashes; the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class CustomerRow(Base):
    """A customer. ``name``, ``phone`` and ``email`` are personal data (see PERSONAL_FIELDS)."""

    __tablename__ = "customers"
    PERSONAL_FIELDS = ("name", "phone", "email")

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320))
    segments: Mapped[dict[str, Any]] = mapped_column(default=dict)
    consent_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_research: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ChannelRow(Base):
    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")


class TouchpointRow(Base):
    __tablename__ = "touchpoints"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    stage: Mapped[str] = mapped_column(String(32))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )


class SurveyRow(Base):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    code: Mapped[str | None] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # Responses older than this many days are purged (None: kept); docs/privacy.md.
    retention_days: Mapped[int | None] = mapped_column(Integer)
    # The schedule (naive UTC): a published survey takes answers from opens_at until
    # closes_at (manyi.domain.schedule); None: no bound.
    opens_at: Mapped[datetime | None] = mapped_column(DateTime)
    closes_at: Mapped[datetime | None] = mapped_column(DateTime)


class SurveyVersionRow(Base):
    __tablename__ = "survey_versions"
    __table_args__ = (
        UniqueConstraint("survey_id", "version", name="uq_survey_versions_survey_version"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ImportRow(Base):
    """One file import run; its error file lists every rejected line."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id", ondelete="SET NULL"))
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), default="running")
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    imported_rows: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_rows: Mapped[int] = mapped_column(Integer, default=0)
    error_rows: Mapped[int] = mapped_column(Integer, default=0)
    error_file: Mapped[str | None] = mapped_column(String(1000))
    message: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class ResponseRow(Base):
    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("survey_id", "idempotency_key", name="uq_responses_survey_idempotency"),
        UniqueConstraint("survey_id", "external_key", name="uq_responses_survey_external"),
        Index("ix_responses_survey_submitted", "survey_id", "submitted_at"),
        Index("ix_responses_survey_content", "survey_id", "content_hash"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    survey_version: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id", ondelete="SET NULL"))
    touchpoint_id: Mapped[int | None] = mapped_column(
        ForeignKey("touchpoints.id", ondelete="SET NULL")
    )
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    language: Mapped[str | None] = mapped_column(String(8))
    # Open answers are stored redacted (personal data replaced by labels such as [手机号]);
    # ``raw_answers`` keeps the original of each answer the redaction changed, when raw
    # text is kept at all (MANYI_KEEP_RAW_TEXT), for roles allowed to see personal data.
    answers: Mapped[dict[str, Any]] = mapped_column()
    raw_answers: Mapped[dict[str, Any] | None] = mapped_column()
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    quality_flags: Mapped[list[Any]] = mapped_column(default=list)
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(16), default="api")
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    external_key: Mapped[str | None] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id", ondelete="SET NULL"))
    # How the response counts in aggregates (storage/exclusions.py): 0 counted, 1 flagged
    # (left out unless flagged responses are included), 2 excluded by an analyst. Derived
    # from ``quality_flags`` and ``excluded`` and copied to its answers in one transaction.
    quality: Mapped[int] = mapped_column(SmallInteger, default=0, server_default=sql_text("0"))
    # An analyst's decision: None not reviewed, True excluded, False kept despite its flags.
    excluded: Mapped[bool | None] = mapped_column(Boolean)
    exclusion_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # No foreign key: adding one on SQLite would copy the table (and cascade to answers).
    reviewed_by: Mapped[int | None] = mapped_column(IdType)
    incentivised: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    incentive_code: Mapped[str | None] = mapped_column(String(32), index=True, unique=True)
    # The consent given: the definition's consent version and the SHA-256 of the exact
    # text shown (consent_texts.sha256, stored once); None when no consent was asked.
    consent_version: Mapped[str | None] = mapped_column(String(64))
    consent_text_hash: Mapped[str | None] = mapped_column(String(64))


class AnswerRow(Base):
    """One answered item. ``value`` is numeric where the item is (scores, choice positions)."""

    __tablename__ = "answers"
    # One covering index serves both the all-time histogram of an item (prefix scan) and
    # the time-window histogram (range on submitted_at); a second index would double the
    # cost of every insert into the largest table.
    __table_args__ = (
        Index(
            "ix_answers_survey_question_item_time_value_quality",
            "survey_id",
            "question",
            "item",
            "submitted_at",
            "value",
            "quality",
        ),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    survey_id: Mapped[int] = mapped_column(IdType)
    question: Mapped[str] = mapped_column(String(64))
    item: Mapped[str] = mapped_column(String(64), default="")
    value: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str | None] = mapped_column(Text)
    # Copied from the response so time-window aggregates need no join.
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    # The response's ``quality`` (0 counted, 1 flagged, 2 excluded), copied for the same
    # reason: the histograms filter on it inside the covering index.
    quality: Mapped[int] = mapped_column(SmallInteger, default=0, server_default=sql_text("0"))


class FeedbackItemRow(Base):
    """Unstructured feedback from any source, with slots that text enrichment fills."""

    __tablename__ = "feedback_items"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_feedback_items_source_external"),
        UniqueConstraint("idempotency_key", name="uq_feedback_items_idempotency"),
        Index("ix_feedback_items_occurred", "occurred_at"),
        Index("ix_feedback_items_content", "content_hash"),
        Index("ix_feedback_items_enriched", "enriched_at"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    # ``text`` is redacted at intake; ``raw_text`` holds the original only when the
    # redaction changed it and raw text is kept (MANYI_KEEP_RAW_TEXT).
    text: Mapped[str] = mapped_column(Text)
    raw_text: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[float | None] = mapped_column(Float)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id", ondelete="SET NULL"))
    touchpoint_id: Mapped[int | None] = mapped_column(
        ForeignKey("touchpoints.id", ondelete="SET NULL")
    )
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(32), default="api")
    external_id: Mapped[str | None] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))
    is_duplicate: Mapped[bool] = mapped_column(Boolean, default=False)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id", ondelete="SET NULL"))
    # Enrichment slots (filled by the text enrichment job).
    language: Mapped[str | None] = mapped_column(String(8))
    sentiment_label: Mapped[str | None] = mapped_column(String(16))
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    aspects: Mapped[list[Any] | None] = mapped_column()
    topics: Mapped[list[Any] | None] = mapped_column()
    redacted_text: Mapped[str | None] = mapped_column(Text)
    enriched_at: Mapped[datetime | None] = mapped_column(DateTime)
    enrichment_version: Mapped[str | None] = mapped_column(String(64))
    enrichment_error: Mapped[str | None] = mapped_column(Text)


class AnswerEnrichmentRow(Base):
    """Text enrichment of one open answer (kept apart so the narrow answers table stays narrow)."""

    __tablename__ = "answer_enrichments"
    __table_args__ = (Index("ix_answer_enrichments_survey_question", "survey_id", "question"),)

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True
    )
    survey_id: Mapped[int] = mapped_column(IdType)
    question: Mapped[str] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8))
    sentiment_label: Mapped[str | None] = mapped_column(String(16))
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    aspects: Mapped[list[Any] | None] = mapped_column()
    redacted_text: Mapped[str | None] = mapped_column(Text)
    enriched_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    enrichment_version: Mapped[str] = mapped_column(String(64))
    enrichment_error: Mapped[str | None] = mapped_column(Text)


class AspectMentionRow(Base):
    """One aspect mentioned in one enriched text: a feedback item or an open answer.

    Written by the enrichment job next to the item's JSON ``aspects`` (which keeps every
    detail), so that pages count and list mentions with indexed SQL instead of parsing
    JSON on every load. Exactly one of ``feedback_id`` and ``answer_id`` is set;
    ``occurred_at`` is the item's time (a feedback item's ``occurred_at``, an answer's
    ``submitted_at``) and ``counted`` is false for duplicate feedback items.
    """

    __tablename__ = "aspect_mentions"
    __table_args__ = (
        # covering: counted = true, a range of occurred_at, then GROUP BY aspect, label
        Index("ix_aspect_mentions_time_aspect", "counted", "occurred_at", "aspect", "label"),
        Index("ix_aspect_mentions_aspect_time", "aspect", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    feedback_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback_items.id", ondelete="CASCADE"), index=True
    )
    answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("answers.id", ondelete="CASCADE"), index=True
    )
    survey_id: Mapped[int | None] = mapped_column(IdType)
    aspect: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    dimension: Mapped[str | None] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(16))
    score: Mapped[float | None] = mapped_column(Float)
    evidence: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    counted: Mapped[bool] = mapped_column(Boolean, default=True)


class InvitationRow(Base):
    """A personal, single-use survey link: one invitation, one response.

    The link carries a signed token; only its SHA-256 is stored. ``response_id`` is set
    when the invitation is answered, so a second visit is told it was already answered.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id", ondelete="SET NULL"))
    touchpoint_id: Mapped[int | None] = mapped_column(
        ForeignKey("touchpoints.id", ondelete="SET NULL")
    )
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id", ondelete="SET NULL"))


class SurveyDraftRow(Base):
    """A respondent's partial answers, kept so that the same link resumes where they left.

    ``resume_hash`` is the SHA-256 of the resume token held in the respondent's cookie (or
    the invitation's token); ``response_id`` is set once the draft is submitted.
    """

    __tablename__ = "survey_drafts"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    survey_version: Mapped[int] = mapped_column(Integer)
    resume_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL")
    )
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    page: Mapped[int] = mapped_column(Integer, default=0)
    language: Mapped[str | None] = mapped_column(String(8))
    channel: Mapped[str | None] = mapped_column(String(64))
    touchpoint: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id", ondelete="SET NULL"))
    # The consent given on the first page, carried to the response on submission.
    consent_version: Mapped[str | None] = mapped_column(String(64))
    consent_text_hash: Mapped[str | None] = mapped_column(String(64))
    # The quota (its code) that screened this respondent out: the draft keeps its answers
    # and the link shows the screen-out page from then on.
    screened_out: Mapped[str | None] = mapped_column(String(64))


class ConsentTextRow(Base):
    """A consent statement exactly as shown to respondents, stored once under its SHA-256."""

    __tablename__ = "consent_texts"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditLogRow(Base):
    """Who did what to which subject, and when: privacy requests, purges, and any later
    action that must be accountable (closed loop, dashboards). ``actor`` is a label
    (the user's e-mail, ``cli``, ``job:purge``) kept when the user is deleted."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_subject", "subject_kind", "subject_id"),
        Index("ix_audit_log_at", "at"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(64))
    subject_kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ContactListRow(Base):
    """A named list of customers to invite, filled by contact-file imports.

    ``import_ids`` names the ``imports`` runs that added to it (their error files list the
    rejected lines).
    """

    __tablename__ = "contact_lists"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    import_ids: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ContactListMemberRow(Base):
    """A customer on a contact list (once per list), with the import and line that added it."""

    __tablename__ = "contact_list_members"

    list_id: Mapped[int] = mapped_column(
        ForeignKey("contact_lists.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id", ondelete="SET NULL"))
    line: Mapped[int | None] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class InvitationCampaignRow(Base):
    """One invitation campaign: a survey sent to a sample of a contact list.

    ``params`` holds the request (sample, fatigue days, language), ``counts`` the outcome
    (invited, and skipped by reason). (survey, idempotency_key) is unique, so the same
    campaign posted twice is found instead of sent again.
    """

    __tablename__ = "invitation_campaigns"
    __table_args__ = (UniqueConstraint("survey_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    list_id: Mapped[int | None] = mapped_column(ForeignKey("contact_lists.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(8))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SurveyTriggerRow(Base):
    """A rule: an event of ``event_type`` (whose attributes match ``conditions``) invites its
    customer to ``survey_id`` over ``channel`` after ``delay_minutes``."""

    __tablename__ = "survey_triggers"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    event_type: Mapped[str] = mapped_column(String(100), index=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    delay_minutes: Mapped[int] = mapped_column(Integer, default=0)
    channel_code: Mapped[str | None] = mapped_column(String(64))
    touchpoint: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8))
    fatigue_days: Mapped[int | None] = mapped_column(Integer)
    conditions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CustomerEventRow(Base):
    """An event posted by another system (order delivered, case closed), stored once per
    ``external_id``, with what each matching trigger made of it (``outcomes``)."""

    __tablename__ = "customer_events"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    outcomes: Mapped[list[Any]] = mapped_column(default=list)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class InvitationRequestRow(Base):
    """One invitation decided on (by a campaign or an event) and handed to a sending job.

    Written before the job is queued, under the customer's row lock, so that contact
    fatigue counts it at once (``send_at``: when the job is due). ``state``: ``claimed``
    (recorded, not yet queued), ``queuing`` (being handed to the queue), ``queued``,
    ``failed`` (the queue refused it). The job records its ``result`` and the invitation
    it made.
    """

    __tablename__ = "invitation_requests"
    __table_args__ = (
        Index("ix_invitation_requests_customer_send_at", "customer_id", "send_at"),
        Index("ix_invitation_requests_survey_customer", "survey_id", "customer_id"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(8))
    language: Mapped[str | None] = mapped_column(String(8))
    channel_code: Mapped[str | None] = mapped_column(String(64))
    touchpoint: Mapped[str | None] = mapped_column(String(64))
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation_campaigns.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer_events.id", ondelete="SET NULL"), index=True
    )
    send_at: Mapped[datetime] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(String(16), default="claimed")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: What the sending job did: sent, skipped, rejected … (with its reason).
    result: Mapped[str | None] = mapped_column(String(500))
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL")
    )


class SurveyQuotaCountRow(Base):
    """How many responses a survey's quota holds (the quota's ``code`` in the definition).

    Claimed by one conditional ``UPDATE … SET count = count + 1 WHERE count < limit`` in
    the transaction that stores the response (``manyi.storage.quotas``), so a full quota
    never over-fills and a failed store gives its place back."""

    __tablename__ = "survey_quota_counts"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    quota: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --- closed loop: alert rules, routing, cases (migration 0011, manyi.workflow) ---


class AlertRuleRow(Base):
    """A rule evaluated on each response or feedback item at intake (and after enrichment).

    ``conditions`` is a list of typed conditions (``manyi.domain.workflow.RuleCondition``),
    all of which must hold; ``actions`` says what a hit does (open a case, notify, tag)."""

    __tablename__ = "alert_rules"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # "response", "feedback" or "any": which intake items the rule looks at.
    applies_to: Mapped[str] = mapped_column(String(16), default="any")
    conditions: Mapped[list[Any]] = mapped_column(default=list)
    actions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RoutingRuleRow(Base):
    """Where a new case goes: the first rule (lowest ``position``) whose set fields all match.

    ``touchpoint_id``, ``aspect`` and ``region`` are optional criteria (None = any);
    ``round_robin`` assigns the case to the active agent of the department who waited
    longest since their last assignment."""

    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200), default="")
    touchpoint_id: Mapped[int | None] = mapped_column(
        ForeignKey("touchpoints.id", ondelete="CASCADE")
    )
    aspect: Mapped[str | None] = mapped_column(String(64))
    region: Mapped[str | None] = mapped_column(String(64))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))
    round_robin: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CaseRow(Base):
    """A problem to handle for one customer: from an alert rule or entered by hand.

    ``version`` is the optimistic-concurrency counter: every change is an
    ``UPDATE … WHERE id = :id AND version = :seen`` that bumps it, so two agents acting on
    the same version cannot both win. Due times are UTC, computed on the business-hours
    calendar and pushed back by the business time spent waiting for the customer."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_state_department", "state", "department_id"),
        Index("ix_cases_customer_opened", "customer_id", "opened_at"),
        Index("ix_cases_resolution_due", "state", "resolution_due_at"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    # "rule", "call", "letter", "walk_in", "email", "other"
    origin: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(24), default="new")
    importance: Mapped[int] = mapped_column(SmallInteger, default=2)
    urgency: Mapped[int] = mapped_column(SmallInteger, default=2)
    priority: Mapped[str] = mapped_column(String(4))
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("responses.id", ondelete="SET NULL"), index=True
    )
    feedback_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback_items.id", ondelete="SET NULL"), index=True
    )
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("alert_rules.id", ondelete="SET NULL"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    touchpoint_id: Mapped[int | None] = mapped_column(
        ForeignKey("touchpoints.id", ondelete="SET NULL")
    )
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id", ondelete="SET NULL"))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime)
    # What the case is about, for routing and repeat-complaint detection.
    aspect: Mapped[str | None] = mapped_column(String(64))
    region: Mapped[str | None] = mapped_column(String(64))
    tags: Mapped[list[Any]] = mapped_column(default=list)
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    first_response_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolution_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    first_responded_at: Mapped[datetime | None] = mapped_column(DateTime)
    waiting_since: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    root_cause_code: Mapped[str | None] = mapped_column(String(32))
    solution: Mapped[str | None] = mapped_column(Text)
    follow_up_at: Mapped[datetime | None] = mapped_column(DateTime)
    follow_up_note: Mapped[str | None] = mapped_column(Text)
    follow_up_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    followup_invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL"), unique=True
    )
    followup_response_id: Mapped[int | None] = mapped_column(
        ForeignKey("responses.id", ondelete="SET NULL")
    )
    # The post-resolution satisfaction the customer gave in the follow-up survey.
    post_csat: Mapped[float | None] = mapped_column(Float)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    repeat_of_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CaseEventRow(Base):
    """One entry of a case's timeline: a note, a call, a state change, an assignment,
    an escalation, a merge, the follow-up. Notes are events of kind ``note``."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(24))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(200), default="")
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str | None] = mapped_column(String(24))
    body: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AlertRuleHitRow(Base):
    """One rule matching one response or feedback item; unique per (rule, item), so the
    evaluation at intake and the one after enrichment never fire a rule twice.

    A metric rule's hit has no item: ``signal_key`` names the signal (measure and period,
    trend bucket or aspect and month), unique per rule, so the periodic job fires once
    per signal; ``period_end`` is the last day measured and ``detail`` the numbers."""

    __tablename__ = "alert_rule_hits"
    __table_args__ = (
        UniqueConstraint("rule_id", "response_id", name="uq_alert_rule_hits_rule_response"),
        UniqueConstraint("rule_id", "feedback_id", name="uq_alert_rule_hits_rule_feedback"),
        Index("ix_alert_rule_hits_rule_at", "rule_id", "at"),
        Index("uq_alert_rule_hits_rule_signal", "rule_id", "signal_key", unique=True),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("alert_rules.id", ondelete="CASCADE"))
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    feedback_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback_items.id", ondelete="CASCADE")
    )
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Why it matched: one line per condition, and the actions taken.
    matched: Mapped[list[Any]] = mapped_column(default=list)
    actions_taken: Mapped[list[Any]] = mapped_column(default=list)
    signal_key: Mapped[str | None] = mapped_column(String(200))
    period_end: Mapped[date | None] = mapped_column(Date)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JsonType)


class ReportScheduleRow(Base):
    """A report e-mailed on a schedule: the company or one department, weekly or monthly,
    in one language, to a list of addresses (manyi.reporting.reports.schedules)."""

    __tablename__ = "report_schedules"
    __table_args__ = (Index("ix_report_schedules_due", "active", "next_run_at"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    #: "company" or "department" (then department_id names it).
    scope: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), index=True
    )
    #: "weekly" (Monday to Sunday) or "monthly" (calendar month), UTC.
    frequency: Mapped[str] = mapped_column(String(16))
    #: "report" (the full report) or "executive" (the one-page summary).
    kind: Mapped[str] = mapped_column(String(16), default="report")
    language: Mapped[str] = mapped_column(String(8))
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    #: When the next period is complete and its report due (naive UTC).
    next_run_at: Mapped[datetime] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ReportRunRow(Base):
    """One scheduled report of one period: claimed once (unique schedule + period), then
    sent or failed; ``file_name`` names the PDF kept under <data_dir>/reports, if kept."""

    __tablename__ = "report_runs"
    __table_args__ = (UniqueConstraint("schedule_id", "period_start"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("report_schedules.id", ondelete="CASCADE"), index=True
    )
    period_start: Mapped[datetime] = mapped_column(DateTime)
    period_end: Mapped[datetime] = mapped_column(DateTime)
    #: "claimed" (being rendered and sent), "sent" or "failed".
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(1000))
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    file_name: Mapped[str | None] = mapped_column(String(200))
    size_bytes: Mapped[int | None] = mapped_column(Integer)


# --- closed loop: notifications, improvement plans, points (migration 0012, manyi.workflow) ---


class InboxItemRow(Base):
    """One notification in one user's in-app inbox (manyi.workflow.notifications)."""

    __tablename__ = "inbox_items"
    __table_args__ = (Index("ix_inbox_items_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(64))
    subject_kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(IdType)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Set when the item went out in a daily digest e-mail (each item is digested once).
    digested_at: Mapped[datetime | None] = mapped_column(DateTime)


class WebhookSubscriptionRow(Base):
    """An HTTPS endpoint that receives signed JSON events (docs/plans.md, Webhooks).

    ``events`` lists event names (``case-opened`` …) or ``"*"`` for all; ``secret`` signs
    every delivery (HMAC-SHA256) and is shown to the admin who creates it."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    url: Mapped[str] = mapped_column(String(1000))
    secret: Mapped[str] = mapped_column(String(200))
    events: Mapped[list[Any]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class WebhookDeliveryRow(Base):
    """One event for one subscription, and the log of trying to deliver it.

    ``body`` is the exact JSON text that is signed and sent on every attempt;
    ``status`` is ``pending`` (next try at ``next_attempt_at``), ``delivered`` or
    ``failed`` (every attempt used: shown on the webhook admin page)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(64))
    subject_kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(IdType)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    response_code: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)


class NotificationEmailRow(Base):
    """One notification e-mail (an event or a daily digest) and its sending state,
    ``pending`` / ``sent`` / ``failed``, retried with back-off like webhooks."""

    __tablename__ = "notification_emails"
    __table_args__ = (Index("ix_notification_emails_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    to_address: Mapped[str] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(16), default="event")
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class ImprovementPlanRow(Base):
    """An improvement plan (整改计划): the problem, its root cause, a target on one metric
    and how its effect is measured (manyi.workflow.plans; docs/plans.md).

    The metric is a survey question (``metric_kind`` mean / nps / proportion, with
    ``threshold`` for the top box) or an aspect's negative share (``aspect``). The
    effect compares ``before_days`` before ``change_at`` with ``after_days`` from it, in
    the ``treated`` values of ``segment_key`` against the ``control`` values (empty: all
    others). ``version`` is the optimistic-concurrency counter."""

    __tablename__ = "improvement_plans"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(300))
    problem: Mapped[str] = mapped_column(Text, default="")
    root_cause: Mapped[str] = mapped_column(Text, default="")
    # Where the plan came from: "driver", "servqual_gap", "topic", "cases", "manual".
    source_kind: Mapped[str] = mapped_column(String(32), default="manual")
    source_ref: Mapped[str] = mapped_column(String(200), default="")
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id", ondelete="SET NULL"))
    question: Mapped[str | None] = mapped_column(String(64))
    item: Mapped[str] = mapped_column(String(64), default="")
    aspect: Mapped[str | None] = mapped_column(String(64))
    metric_kind: Mapped[str] = mapped_column(String(16), default="mean")
    threshold: Mapped[float | None] = mapped_column(Float)
    target_value: Mapped[float | None] = mapped_column(Float)
    segment_key: Mapped[str | None] = mapped_column(String(32))
    treated: Mapped[list[Any]] = mapped_column(default=list)
    control: Mapped[list[Any]] = mapped_column(default=list)
    change_at: Mapped[datetime | None] = mapped_column(DateTime)
    before_days: Mapped[int] = mapped_column(Integer, default=28)
    after_days: Mapped[int] = mapped_column(Integer, default=28)
    deadline: Mapped[datetime | None] = mapped_column(DateTime)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    department_ids: Mapped[list[Any]] = mapped_column(default=list)
    # "draft", "active", "done", "cancelled"
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # On the "you said, we did" page; ``public``: also at /p/plans/{public_token}.
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    public_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PlanMilestoneRow(Base):
    __tablename__ = "plan_milestones"
    __table_args__ = (Index("ix_plan_milestones_plan_position", "plan_id", "position"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("improvement_plans.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    due_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)


class PlanCaseRow(Base):
    """A case linked to an improvement plan (the cluster of cases it addresses)."""

    __tablename__ = "plan_cases"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("improvement_plans.id", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    linked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PointsEntryRow(Base):
    """One entry of the incentive points ledger: points to a customer (for feedback), a
    department or a staff member (for handling it well); negative points correct."""

    __tablename__ = "points_ledger"
    __table_args__ = (Index("ix_points_ledger_holder", "holder_kind", "holder_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    # "customer", "department" or "user"
    holder_kind: Mapped[str] = mapped_column(String(16))
    holder_id: Mapped[int] = mapped_column(IdType)
    points: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(300))
    subject_kind: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column(IdType)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --- rollups: daily score histograms and response counts (migration 0010, storage/rollups.py) ---


class ScoreRollupRow(Base):
    """How many counted answers had each value, per survey, question, item and UTC day,
    kept at several grains (storage/rollups.py): ``grain`` says which of the dimension
    columns hold values; the others hold -1 / ``*``. Absent dimensions are 0 / ``""``
    (never NULL: the primary key is the upsert's conflict target). Maintained in the
    transaction that changes the answers; quality 2 (excluded) is never stored."""

    __tablename__ = "score_rollups"
    # SQLite: rows live in the primary-key b-tree, so a year of one question is one range.
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    question: Mapped[str] = mapped_column(String(64), primary_key=True)
    item: Mapped[str] = mapped_column(String(64), primary_key=True)
    grain: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    # Before the day: a department filter (its touchpoints) seeks a range per touchpoint
    # instead of reading every touchpoint's rows of the year (-1 in grains without it).
    touchpoint_id: Mapped[int] = mapped_column(IdType, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    quality: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    value: Mapped[float] = mapped_column(Float, primary_key=True)
    channel_id: Mapped[int] = mapped_column(IdType, primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), primary_key=True)
    tier: Mapped[str] = mapped_column(String(64), primary_key=True)
    product: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class ResponseRollupRow(Base):
    """How many counted responses arrived per survey and UTC day, at the same grains and
    dimensions as :class:`ScoreRollupRow`."""

    __tablename__ = "response_rollups"
    __table_args__ = (
        # All surveys at once (survey_id None in daily_response_counts).
        Index("ix_response_rollups_grain_day", "grain", "day"),
        {"sqlite_with_rowid": False},
    )

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    grain: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    touchpoint_id: Mapped[int] = mapped_column(IdType, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    quality: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    channel_id: Mapped[int] = mapped_column(IdType, primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), primary_key=True)
    tier: Mapped[str] = mapped_column(String(64), primary_key=True)
    product: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)

"""Closed vocabularies shared by every layer. Values are stable strings stored in the database."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    ANALYST = "analyst"
    AGENT = "agent"
    VIEWER = "viewer"


class ChannelKind(StrEnum):
    WEB = "web"
    EMAIL = "email"
    SMS = "sms"
    APP = "app"
    PHONE = "phone"
    STORE = "store"
    SOCIAL = "social"
    REVIEW_SITE = "review_site"
    LETTER = "letter"
    IMPORT = "import"
    API = "api"


class JourneyStage(StrEnum):
    AWARENESS = "awareness"
    DECISION = "decision"
    USAGE = "usage"
    AFTER_SALES = "after_sales"


class SurveyStatus(StrEnum):
    DRAFT = "draft"
    #: Published with a later opening time (``opens_at``): becomes active then.
    SCHEDULED = "scheduled"
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"


class QuestionKind(StrEnum):
    RATING = "rating"
    NPS = "nps"
    CSAT = "csat"
    CES = "ces"
    LIKERT = "likert"
    MATRIX = "matrix"
    SINGLE = "single"
    MULTIPLE = "multiple"
    RANKING = "ranking"
    OPEN = "open"
    SERVQUAL = "servqual"
    KANO = "kano"


class ServqualDimension(StrEnum):
    TANGIBLES = "tangibles"
    RELIABILITY = "reliability"
    RESPONSIVENESS = "responsiveness"
    ASSURANCE = "assurance"
    EMPATHY = "empathy"


class KanoAnswer(StrEnum):
    LIKE = "like"
    MUST_BE = "must-be"
    NEUTRAL = "neutral"
    LIVE_WITH = "live-with"
    DISLIKE = "dislike"


class FeedbackKind(StrEnum):
    COMPLAINT = "complaint"
    CALL_RECORD = "call_record"
    EMAIL = "email"
    REVIEW = "review"
    SOCIAL_POST = "social_post"
    STAFF_ENTRY = "staff_entry"
    SUGGESTION = "suggestion"
    PRAISE = "praise"
    OTHER = "other"


class QualityFlag(StrEnum):
    """Why a response looks low-quality. Flagged responses are kept, never silently deleted."""

    SPEEDER = "speeder"
    STRAIGHT_LINER = "straight_liner"
    GIBBERISH = "gibberish"
    EMPTY_OPEN = "empty_open"
    DUPLICATE = "duplicate"
    #: The web form was submitted faster than a person can read it (MANYI_RESPOND_MIN_SECONDS).
    TOO_FAST = "too_fast"
    #: The web form came back without the render time it was given, or with a forged one.
    BOT_SUSPECT = "bot_suspect"

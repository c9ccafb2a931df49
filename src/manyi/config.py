"""Typed settings, read from ``MANYI_*`` environment variables.

Settings are built once by an entry point (``manyi serve``, ``create_app``, the CLI) and
passed in; nothing builds them at import time, so tests can make apps with other settings.
Every field is documented in docs/settings.md, and a test fails when one is not.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-in-production"
#: A rate in the ``limits`` notation ("60/minute", "10 per second"), or empty for none.
RATE_PATTERN = r"^(\s*\d+\s*(/|per)\s*\d*\s*(second|minute|hour|day)s?\s*)?$"


def default_data_dir() -> Path:
    """Where the embedded SQLite database and job queue live unless told otherwise.

    The per-user data folder (``~/.local/share/manyi`` on Linux, ``$XDG_DATA_HOME/manyi``
    when that is set, ``~/Library/Application Support/manyi`` on macOS,
    ``%LOCALAPPDATA%\\manyi`` on Windows), so that every command finds the same database
    whichever folder it is run from (a folder relative to the current one gave each folder
    its own empty database).
    """
    return Path(user_data_dir("manyi", appauthor=False))


class Settings(BaseSettings):
    """manyi's configuration. Environment variables use the prefix ``MANYI_``."""

    model_config = SettingsConfigDict(env_prefix="MANYI_", extra="ignore")

    environment: Literal["development", "test", "production"] = Field(
        default="development",
        description="development allows the default secret key; production refuses it.",
    )
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description=(
            "Folder for the SQLite database, the embedded job queue and import error files. "
            "Default: the per-user data folder (Linux: ~/.local/share/manyi)."
        ),
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL. Default: sqlite:///<data_dir>/manyi.db. "
            "PostgreSQL: postgresql+psycopg://user@host:5432/db."
        ),
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis URL for the job queue when several worker machines share it; default: SQLite queue.",
    )
    secret_key: str = Field(
        default=DEFAULT_SECRET,
        description="Signs session cookies and CSRF tokens. Must be set outside development.",
    )
    host: str = Field(default="127.0.0.1", description="Address `manyi serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `manyi serve` listens on.")
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$",
        description=(
            "Address customers reach manyi at, the start of every survey link and QR code "
            "(e.g. https://survey.example.com); no query or fragment."
        ),
    )
    default_language: Literal["zh-CN", "en"] = Field(
        default="zh-CN",
        description=(
            "Language of pages when neither ?lang=, the manyi_lang cookie nor the browser's "
            "Accept-Language (with its q values) names zh or en."
        ),
    )
    session_max_age_s: int = Field(
        default=8 * 3600, ge=60, description="How long a login session lasts, in seconds."
    )
    max_upload_mb: int = Field(
        default=200, ge=1, description="Largest file the import API accepts, in MiB."
    )
    speeder_fraction: float = Field(
        default=0.3,
        gt=0,
        lt=1,
        description="A response is flagged as a speeder when it took less than this fraction of the survey's median time.",
    )
    sql_echo: bool = Field(default=False, description="Log every SQL statement (debugging only).")
    export_retention_hours: int = Field(
        default=24,
        ge=1,
        description="How long a finished export file is kept under <data_dir>/exports, in hours.",
    )
    export_direct_max_rows: int = Field(
        default=50_000,
        ge=1,
        description=(
            "Most responses GET /api/v1/surveys/{id}/responses.csv|.xlsx|.sav answers at once; "
            "a larger export is a background job (POST /api/v1/surveys/{id}/exports)."
        ),
    )
    export_sav_max_rows: int = Field(
        default=1_000_000,
        ge=1,
        description="Most responses in one SPSS .sav export, which is built in memory.",
    )
    keep_raw_text: bool = Field(
        default=True,
        description=(
            "Keep the original of a feedback text or open answer whose personal data intake "
            "redacted, readable only by roles allowed to see personal data (admin, manager, "
            "agent); false stores the redacted text only."
        ),
    )
    login_failures_per_account: int = Field(
        default=5,
        ge=1,
        description="Failed sign-ins allowed for one e-mail address within the login window; then it is locked until the oldest failure leaves the window.",
    )
    login_failures_per_ip: int = Field(
        default=20,
        ge=1,
        description="Failed sign-ins allowed from one client address within the login window.",
    )
    login_failure_window_s: int = Field(
        default=15 * 60,
        ge=1,
        description="The moving window, in seconds, over which failed sign-ins are counted.",
    )
    respond_rate_per_ip: str = Field(
        default="60/minute",
        pattern=RATE_PATTERN,
        description=(
            "Requests one client address may make to the respondent form (/s/{id}, GET and "
            "POST, invitation links included), e.g. 60/minute; over it: a 429 page. Empty: "
            "no limit. Counted in memory, or in Redis when MANYI_REDIS_URL is set."
        ),
    )
    respond_rate_per_link: str = Field(
        default="600/minute",
        pattern=RATE_PATTERN,
        description="Requests one survey's form may take from all addresses together; empty: no limit.",
    )
    respond_min_seconds: float = Field(
        default=3.0,
        ge=0,
        le=3600,
        description=(
            "A web response submitted faster than this, from the form's first page, is "
            "flagged too_fast (kept, left out of NPS and CSAT until reviewed); 0: no check."
        ),
    )
    respond_max_body_kb: int = Field(
        default=2048,
        ge=16,
        le=100_000,
        description=(
            "Largest page of answers the respondent form reads, in KiB; larger: a 413 page. "
            "A long answer under it gets the question's own length message instead."
        ),
    )

    smtp_host: str = Field(
        default="127.0.0.1", description="Mail server that e-mail invitations are sent through."
    )
    smtp_port: int = Field(
        default=25, ge=1, le=65535, description="Port of the mail server (587 with STARTTLS)."
    )
    smtp_user: str | None = Field(
        default=None, description="User name for the mail server; none: no login."
    )
    smtp_password: str | None = Field(
        default=None, description="Password for the mail server (with MANYI_SMTP_USER)."
    )
    smtp_starttls: bool = Field(
        default=False,
        description="Switch the mail connection to TLS (STARTTLS) before logging in and sending.",
    )
    smtp_from: str = Field(
        default="manyi@localhost",
        min_length=3,
        description="Sender address of e-mail invitations, e.g. 'Survey <survey@example.com>'.",
    )
    smtp_bounce_address: str | None = Field(
        default=None,
        pattern=r"^[^@\s+<>]+@[^@\s<>]+$",
        description=(
            "Mailbox that receives bounces, e.g. bounces@example.com; each invitation is sent "
            "with the envelope sender bounces+<id>-<tag>@example.com (VERP). None: the From "
            "address."
        ),
    )
    reminder_after_days: int = Field(
        default=3,
        ge=1,
        le=60,
        description="Days after an e-mail invitation (or the last reminder) before a reminder.",
    )
    reminder_max: int = Field(
        default=2, ge=0, le=10, description="Most reminders one e-mail invitation gets; 0: none."
    )
    reminder_hour_utc: int = Field(
        default=2,
        ge=0,
        le=23,
        description="Hour (UTC) the worker sends reminders; 2 is 10:00 in China.",
    )
    sms_url: str | None = Field(
        default=None,
        pattern=r"^https?://\S+$",
        description="Address of the SMS gateway (HTTP POST); none: SMS invitations are refused.",
    )
    sms_token: str | None = Field(
        default=None, description="Sent to the SMS gateway as 'Authorization: Bearer <token>'."
    )
    sms_username: str | None = Field(
        default=None, description="User name for HTTP Basic authentication at the SMS gateway."
    )
    sms_password: str | None = Field(
        default=None, description="Password for the SMS gateway (with MANYI_SMS_USERNAME)."
    )
    sms_sender: str = Field(
        default="",
        max_length=64,
        description="Sender id or signature name (签名) sent to the gateway.",
    )
    sms_body_template: str | None = Field(
        default=None,
        description=(
            "JSON object sent to the gateway, with {to}, {to_national}, {text}, {sender} and "
            "{reference} in its string values; none: the default body."
        ),
    )
    sms_body_format: Literal["json", "form"] = Field(
        default="json", description="json: a JSON body; form: the same fields form-encoded."
    )
    sms_id_field: str = Field(
        default="message_id",
        description="Dotted path of the message id in the gateway's JSON answer, e.g. BizId.",
    )
    sms_ok_field: str | None = Field(
        default=None,
        description="Dotted path of a status in the gateway's answer (e.g. Code); none: HTTP 2xx is success.",
    )
    sms_ok_value: str = Field(
        default="OK", description="Value of MANYI_SMS_OK_FIELD that means the message was taken."
    )
    sms_timeout_s: float = Field(
        default=10.0, gt=0, le=120, description="Seconds to wait for the SMS gateway's answer."
    )
    sms_max_segments: int = Field(
        default=4, ge=1, le=10, description="Longest SMS invitation sent, in segments."
    )
    sms_receipt_secret: str | None = Field(
        default=None,
        description="Shared secret of POST /api/v1/sms/receipts (HMAC-SHA256 or bearer); none: receipts refused.",
    )
    contact_fatigue_days: int = Field(
        default=30,
        ge=0,
        le=3650,
        description=(
            "Campaigns and event triggers invite no customer who was invited (to any survey) "
            "within this many days; 0: no such rule. A campaign or trigger may set its own."
        ),
    )
    # closed loop (docs/workflow.md)
    case_timezone: str = Field(
        default="Asia/Shanghai",
        description="Time zone of the business-hours calendar that case SLAs are counted on.",
    )
    case_working_hours: str = Field(
        default="09:00-12:00,13:00-18:00",
        pattern=r"^\s*\d{2}:\d{2}-\d{2}:\d{2}(\s*,\s*\d{2}:\d{2}-\d{2}:\d{2})*\s*$",
        description="Working periods of a workday for case SLAs (Chinese public holidays and 调休 apply).",
    )
    repeat_complaint_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="A new case of the same customer on the same aspect within this many days is a repeat complaint.",
    )
    alert_max_age_days: int = Field(
        default=14,
        ge=0,
        le=3650,
        description="Alert rules act on responses and feedback that happened within this many days (0: any age); older records, such as a back-filled import, are stored without opening cases.",
    )
    followup_survey_code: str = Field(
        default="case-followup",
        description="Code of the 回访 survey sent after a case is resolved (created from the template when missing).",
    )

    embed_origins: str = Field(
        default="",
        pattern=(
            r"^\s*((https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?)"
            r"(\s*,\s*|\s+|\s*$))*$"
        ),
        description=(
            "Websites allowed to show the survey widget (an iframe of the respondent form): "
            "origins such as https://www.example.com, separated by commas or spaces. Empty: "
            "the form cannot be embedded anywhere."
        ),
    )

    oidc_issuer: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s?#]+$",
        description=(
            "OpenID Connect issuer for single sign-on, e.g. "
            "https://sso.example.com/realms/staff (its /.well-known/openid-configuration is "
            "read); none: password sign-in only."
        ),
    )
    oidc_client_id: str | None = Field(
        default=None, description="Client id of manyi at the OpenID Connect provider."
    )
    oidc_client_secret: str | None = Field(
        default=None,
        description="Client secret of manyi at the provider; none: a public client (PKCE only).",
    )
    oidc_scopes: str = Field(
        default="openid email profile",
        pattern=r"^\s*\S.*$",
        description="Scopes asked of the provider (openid is always added).",
    )
    oidc_auto_create: Literal["manager", "analyst", "agent", "viewer"] | None = Field(
        default=None,
        description=(
            "Role of a user created at their first single sign-on; none: only users an "
            "administrator created (matched by confirmed e-mail address) may sign in."
        ),
    )

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEFAULT_SECRET:
            raise ValueError("MANYI_SECRET_KEY must be set to a long random value in production")
        if self.environment == "production" and len(self.secret_key) < 32:
            raise ValueError("MANYI_SECRET_KEY must be at least 32 characters in production")
        if self.oidc_issuer and not self.oidc_client_id:
            raise ValueError("MANYI_OIDC_CLIENT_ID must be set with MANYI_OIDC_ISSUER")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'manyi.db'}"

    @staticmethod
    def random_secret() -> str:
        return secrets.token_urlsafe(48)

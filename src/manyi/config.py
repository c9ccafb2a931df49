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

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEFAULT_SECRET:
            raise ValueError("MANYI_SECRET_KEY must be set to a long random value in production")
        if self.environment == "production" and len(self.secret_key) < 32:
            raise ValueError("MANYI_SECRET_KEY must be at least 32 characters in production")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'manyi.db'}"

    @staticmethod
    def random_secret() -> str:
        return secrets.token_urlsafe(48)

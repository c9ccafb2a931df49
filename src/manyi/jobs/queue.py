"""The job queue: which Huey storage, and the tasks registered on it.

Tasks are registered on a queue object built at run time from the settings (nothing
is created at import), so the web process (producer) and ``manyi worker`` (consumer)
build the same queue with the same task names. Every task calls one service function.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.exceptions import TaskLockedException

from manyi.config import Settings
from manyi.enrichment.service import enrich_pending
from manyi.errors import ChannelError
from manyi.privacy.audit import PURGE_JOB
from manyi.privacy.retention import purge
from manyi.reporting.exports import exports_folder, remove_expired_exports, run_export_job
from manyi.runtime import Database
from manyi.surveys.email import EmailSend, MailTransport, SmtpTransport, send_invitation_email

log = logging.getLogger("manyi.jobs")
ENRICH_LOCK = "manyi-enrich"


@dataclass
class JobQueue:
    huey: Huey
    enrich: Callable[..., Any]
    backend: str
    #: The e-mail invitation task: ``send_email(survey_id, customer, language)``.
    send_email: Callable[..., Any] | None = None
    #: The export task: ``export(export_id)`` (manyi.reporting.exports.jobs).
    export: Callable[..., Any] | None = None

    def enqueue_enrichment(self) -> bool:
        """Ask a worker to enrich new text; never fails intake (the sweep catches up)."""
        try:
            self.enrich()
            return True
        except Exception:  # a queue that is down must not lose a submission
            log.warning(
                "could not enqueue text enrichment; the periodic sweep will do it", exc_info=True
            )
            return False

    def enqueue_invitation_email(
        self, survey_id: int, customer: str, language: str | None = None
    ) -> None:
        """Queue one e-mail invitation; raises ChannelError when the queue cannot take it
        (unlike enrichment, nothing sweeps up a lost send, so the caller must know)."""
        if self.send_email is None:
            raise ChannelError("this job queue has no e-mail task")
        try:
            self.send_email(survey_id, customer, language)
        except Exception as error:
            raise ChannelError(f"could not queue the e-mail invitation: {error}") from error

    def enqueue_export(self, export_id: str) -> None:
        """Queue an export job; ChannelError when the queue cannot take it."""
        if self.export is None:
            raise ChannelError("this job queue has no export task")
        try:
            self.export(export_id)
        except Exception as error:
            raise ChannelError(f"could not queue the export: {error}") from error


def make_huey(settings: Settings, *, immediate: bool = False) -> tuple[Huey, str]:
    if settings.redis_url:
        return RedisHuey("manyi", url=settings.redis_url, immediate=immediate), "redis"
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(
        "manyi", filename=str(settings.data_dir / "jobs.db"), immediate=immediate
    ), "sqlite"


def build_queue(
    settings: Settings,
    db: Database,
    *,
    immediate: bool = False,
    huey: Huey | None = None,
    mail_transport: MailTransport | None = None,
) -> JobQueue:
    """Build the queue and register its tasks (``mail_transport``: default SMTP)."""
    backend = "custom"
    if huey is None:
        huey, backend = make_huey(settings, immediate=immediate)

    def run_enrichment() -> int:
        # One enrichment run at a time per queue: a second request finds the lock held and
        # returns, because the running one already takes every pending row.
        try:
            with huey.lock_task(ENRICH_LOCK):
                run = enrich_pending(db)
        except TaskLockedException:
            return 0
        if run.total:
            log.info(
                "enriched %d feedback items and %d open answers (%d errors)",
                run.feedback_items,
                run.open_answers,
                run.errors,
            )
        return run.total

    enrich = huey.task(name="enrich-pending", retries=3, retry_delay=30)(run_enrichment)
    huey.periodic_task(crontab(minute="*"), name="enrich-sweep")(run_enrichment)

    def run_purge() -> int:
        # Daily: responses past their survey's retention, in batches (docs/privacy.md).
        run = purge(db, PURGE_JOB)
        if run.total.total:
            log.info("retention purge deleted %s", run.total.as_dict())
        return run.total.responses

    huey.periodic_task(crontab(minute="17", hour="3"), name="retention-purge")(run_purge)
    transport = mail_transport or SmtpTransport(settings)

    def run_send_email(survey_id: int, customer: str, language: str | None = None) -> str:
        # A ChannelError (server down, refused) raises, and Huey retries the task; the
        # failed attempt is marked in the invitation, so the retry sends once.
        sent: EmailSend = send_invitation_email(
            db, survey_id, customer, settings=settings, transport=transport, language=language
        )
        if sent.status == "skipped":
            log.info("e-mail to customer %s skipped: %s", customer, sent.reason)
        return sent.status

    send_email = huey.task(name="send-invitation-email", retries=3, retry_delay=120)(run_send_email)
    exports_dir = exports_folder(settings.data_dir)

    def run_export(export_id: str) -> str:
        job = run_export_job(db, exports_dir, export_id, sav_max_rows=settings.export_sav_max_rows)
        return job.state

    def remove_old_exports() -> int:
        return remove_expired_exports(exports_dir, timedelta(hours=settings.export_retention_hours))

    export = huey.task(name="run-export")(run_export)
    huey.periodic_task(crontab(minute="41"), name="exports-cleanup")(remove_old_exports)
    return JobQueue(huey, enrich, backend, send_email, export)

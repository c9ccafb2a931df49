"""The job queue: which Huey storage, and the tasks registered on it.

Tasks are registered on a queue object built at run time from the settings (nothing
is created at import), so the web process (producer) and ``manyi worker`` (consumer)
build the same queue with the same task names. Every task calls one service function.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.exceptions import TaskLockedException

from manyi.config import Settings
from manyi.enrichment.service import enrich_pending
from manyi.errors import ChannelError
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
    return JobQueue(huey, enrich, backend, send_email)

"""The job queue: which Huey storage, and the tasks registered on it.

Tasks are registered on a queue object built at run time from the settings (nothing
is created at import), so the web process (producer) and ``manyi worker`` (consumer)
build the same queue with the same task names. Every task calls one service function.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.exceptions import TaskLockedException

from manyi.config import Settings
from manyi.enrichment.service import enrich_pending
from manyi.errors import ChannelError, Conflict, InvalidInput, NotFound
from manyi.privacy.audit import PURGE_JOB
from manyi.privacy.retention import purge
from manyi.reporting.exports import exports_folder, remove_expired_exports, run_export_job
from manyi.reporting.reports.schedules import ReportMail, send_due_reports
from manyi.runtime import Database
from manyi.surveys.campaigns import InvitationJob, record_send
from manyi.surveys.email import (
    EmailSend,
    MailTransport,
    SmtpTransport,
    send_file_email,
    send_invitation_email,
)
from manyi.surveys.reminders import send_reminders
from manyi.surveys.schedule import apply_schedules
from manyi.surveys.sms import HttpSmsGateway, SmsGateway
from manyi.surveys.sms_invitations import send_invitation_sms
from manyi.workflow.alerts import evaluate_enriched, evaluate_items
from manyi.workflow.config import WorkflowConfig
from manyi.workflow.delivery import deliver_due, queue_daily_digests
from manyi.workflow.escalation import escalate_breached
from manyi.workflow.followup import pending_followups, send_followup
from manyi.workflow.metric_alerts import evaluate_metric_rules
from manyi.workflow.report_loop import report_loop_provider
from manyi.workflow.webhooks import HttpxTransport, WebhookTransport

log = logging.getLogger("manyi.jobs")
#: The escalation job sends a lost 回访 for cases resolved this recently.
FOLLOWUP_CATCH_UP = timedelta(days=7)
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
    #: The SMS invitation task: ``send_sms(survey_id, customer, language)``, as e-mail.
    send_sms: Callable[..., Any] | None = None
    #: The reminder task: ``remind(survey_id, after_days, max_reminders)``.
    remind: Callable[..., Any] | None = None
    #: The alert-rule task: ``alerts(kind, ids)`` (manyi.workflow.alerts).
    alerts: Callable[..., Any] | None = None
    #: The 回访 e-mail of a resolved case: ``followup(case_id)``.
    followup: Callable[..., Any] | None = None

    def enqueue_alerts(self, kind: str, ids: list[int]) -> bool:
        """Evaluate the alert rules on new items; never fails intake."""
        if self.alerts is None:
            return False
        try:
            self.alerts(kind, ids)
            return True
        except Exception:  # a queue that is down must not lose a submission
            log.warning("could not evaluate the alert rules on %s %s", kind, ids, exc_info=True)
            return False

    def enqueue_followup(self, case_id: int) -> bool:
        """Send the 回访 e-mail of a resolved case; the minute sweep catches a lost one."""
        if self.followup is None:
            return False
        try:
            self.followup(case_id)
            return True
        except Exception:
            log.warning("could not queue the follow-up of case %s", case_id, exc_info=True)
            return False

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

    def enqueue_invitation_sms(
        self, survey_id: int, customer: str, language: str | None = None
    ) -> None:
        """Queue one SMS invitation; ChannelError when the queue cannot take it."""
        if self.send_sms is None:
            raise ChannelError("this job queue has no SMS task")
        try:
            self.send_sms(survey_id, customer, language)
        except Exception as error:
            raise ChannelError(f"could not queue the SMS invitation: {error}") from error

    def enqueue_invitation(self, job: InvitationJob) -> None:
        """Queue the sending job of one campaign or event invitation on its channel's task
        (``send-invitation-email`` or ``send-invitation-sms``), held until ``job.send_at``;
        ChannelError when the queue cannot take it."""
        task = {"email": self.send_email, "sms": self.send_sms}.get(job.channel)
        if task is None:
            raise ChannelError(f"this job queue has no {job.channel} invitation task")
        args = (job.survey_id, job.customer, job.language)
        kwargs = {"request_id": job.request_id}
        try:
            if job.send_at > datetime.now(UTC).replace(tzinfo=None):
                # Huey takes an aware time as UTC (a naive one would be read as local).
                eta = job.send_at.replace(tzinfo=UTC)
                task.schedule(args=args, kwargs=kwargs, eta=eta)  # type: ignore[attr-defined]
            else:
                task(*args, **kwargs)
        except Exception as error:
            raise ChannelError(f"could not queue the {job.channel} invitation: {error}") from error

    def enqueue_reminders(
        self, survey_id: int, after_days: int | None = None, max_reminders: int | None = None
    ) -> None:
        """Queue a reminder run for one survey; ChannelError when the queue cannot take it."""
        if self.remind is None:
            raise ChannelError("this job queue has no reminder task")
        try:
            self.remind(survey_id, after_days, max_reminders)
        except Exception as error:
            raise ChannelError(f"could not queue the reminders: {error}") from error

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
    sms_gateway: SmsGateway | None = None,
    clock: Callable[[], datetime] | None = None,
    webhook_transport: WebhookTransport | None = None,
) -> JobQueue:
    """Build the queue and register its tasks (``mail_transport``: default SMTP;
    ``sms_gateway``: default the HTTP gateway of the settings; ``clock``: naive UTC now,
    for the jobs that ask what is due)."""
    backend = "custom"
    if huey is None:
        huey, backend = make_huey(settings, immediate=immediate)

    def run_enrichment() -> int:
        # One enrichment run at a time per queue: a second request finds the lock held and
        # returns, because the running one already takes every pending row.
        try:
            with huey.lock_task(ENRICH_LOCK):
                started = datetime.now(UTC).replace(tzinfo=None)
                run = enrich_pending(db)
                if run.total:  # rules on aspects and sentiment see the enriched items now
                    evaluate_enriched(db, started, WorkflowConfig.from_settings(settings))
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

    def run_schedules() -> int:
        # Every minute: scheduled surveys that opened become active, those past closes_at
        # closed. The respondent pages check the times themselves; this keeps lists true.
        return len(apply_schedules(db))

    huey.periodic_task(crontab(minute="*"), name="survey-schedule")(run_schedules)

    def run_purge() -> int:
        # Daily: responses past their survey's retention, in batches (docs/privacy.md).
        run = purge(db, PURGE_JOB)
        if run.total.total:
            log.info("retention purge deleted %s", run.total.as_dict())
        return run.total.responses

    huey.periodic_task(crontab(minute="17", hour="3"), name="retention-purge")(run_purge)
    transport = mail_transport or SmtpTransport(settings)

    def run_send_email(
        survey_id: int, customer: str, language: str | None = None, request_id: int | None = None
    ) -> str:
        # A ChannelError (server down, refused) raises, and Huey retries the task; the
        # failed attempt is marked in the invitation, so the retry sends once.
        sent: EmailSend = send_invitation_email(
            db, survey_id, customer, settings=settings, transport=transport, language=language
        )
        if sent.status == "skipped":
            log.info("e-mail to customer %s skipped: %s", customer, sent.reason)
        if request_id is not None:  # a campaign's or event's invitation: keep the outcome
            record_send(db, request_id, sent.status, sent.reason, sent.invitation_id)
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
    gateway = sms_gateway or HttpSmsGateway(settings)

    def run_send_sms(
        survey_id: int, customer: str, language: str | None = None, request_id: int | None = None
    ) -> str:
        # Same arguments as send-invitation-email. A ChannelError (5xx, timeout, no
        # connection) raises and Huey retries with back-off (1, 2, 4, 8, 16 minutes); the
        # retry texts the same invitation. A refusal (4xx) returns "rejected": no retry.
        try:
            sent = send_invitation_sms(
                db, survey_id, customer, settings=settings, gateway=gateway, language=language
            )
        except (NotFound, Conflict, InvalidInput) as error:
            # Asking again cannot help: an unknown or closed survey, an unknown customer.
            log.warning("SMS to customer %s not sent: %s", customer, error.message)
            if request_id is not None:
                record_send(db, request_id, "skipped", error.message, None)
            return "skipped"
        if sent.status != "sent":
            log.info("SMS to customer %s %s: %s", customer, sent.status, sent.reason)
        if request_id is not None:  # a campaign's or event's invitation: keep the outcome
            record_send(db, request_id, sent.status, sent.reason, sent.invitation_id)
        return sent.status

    send_sms = huey.task(name="send-invitation-sms", retries=5, retry_delay=60, retry_backoff=2)(
        run_send_sms
    )

    def run_reminders(
        survey_id: int | None = None,
        after_days: int | None = None,
        max_reminders: int | None = None,
    ) -> int:
        run = send_reminders(
            db,
            settings=settings,
            transport=transport,
            survey_id=survey_id,
            after_days=after_days,
            max_reminders=max_reminders,
        )
        if run.sent or run.failed or run.bounced:
            log.info("reminders: %d sent, %d failed, %d bounced", run.sent, run.failed, run.bounced)
        return run.sent

    remind = huey.task(name="send-reminders")(run_reminders)
    huey.periodic_task(
        crontab(minute="7", hour=str(settings.reminder_hour_utc)), name="reminder-sweep"
    )(run_reminders)
    now = clock or (lambda: datetime.now(UTC).replace(tzinfo=None))

    def deliver_report(mail: ReportMail) -> str:
        return send_file_email(
            settings,
            transport,
            to=mail.to,
            subject=mail.subject,
            text=mail.text,
            attachment=mail.pdf,
            filename=mail.filename,
            language=mail.language,
        )

    def run_report_schedules() -> int:
        # Every 10 minutes: the reports whose week or month has ended, rendered and e-mailed
        # as PDF, once per schedule and period (docs/reports.md).
        run = send_due_reports(
            db,
            deliver=deliver_report,
            reports_dir=settings.data_dir / "reports",
            now=now(),
            cases=report_loop_provider(db),
        )
        if run.sent or run.failed:
            log.info("scheduled reports: %d sent, %d failed", run.sent, run.failed)
        return run.sent

    huey.periodic_task(crontab(minute="*/10"), name="report-schedule")(run_report_schedules)
    webhooks = webhook_transport or HttpxTransport()

    def run_notifications() -> int:
        # Every minute: due webhook deliveries and notification e-mails (retries included,
        # with their back-off; manyi.workflow.delivery).
        now = clock() if clock else None
        run = deliver_due(db, webhooks=webhooks, mail=transport, settings=settings, now=now)
        for failure in run.failures:
            log.warning("notification failed for good: %s", failure)
        return run.total

    huey.periodic_task(crontab(minute="*"), name="notifications-deliver")(run_notifications)

    def run_digests() -> int:
        # Daily at 00:05 UTC (08:05 in China): one digest e-mail per user with unread items.
        return queue_daily_digests(db, now=clock() if clock else None)

    huey.periodic_task(crontab(minute="5", hour="0"), name="notifications-digest")(run_digests)
    workflow = WorkflowConfig.from_settings(settings)

    def run_alerts(kind: str, ids: list[int]) -> int:
        # Queued by intake right after its commit: the alert rules on the new items.
        if kind == "response":
            return len(evaluate_items(db, "response", ids, workflow))
        return len(evaluate_items(db, "feedback", ids, workflow))

    alerts = huey.task(name="evaluate-alerts", retries=3, retry_delay=10)(run_alerts)

    def run_metric_alerts() -> int:
        # Hourly at :23: the metric rules (a significant drop, a control-chart signal, an
        # emerging aspect) on the dashboard's numbers; each signal fires once per rule.
        run = evaluate_metric_rules(db, workflow, clock() if clock else None)
        if run.fired or run.skipped:
            log.info("metric rules: %d fired, skipped %s", run.fired, run.skipped)
        return run.fired

    huey.periodic_task(crontab(minute="23"), name="metric-alerts")(run_metric_alerts)

    def run_escalation() -> int:
        # Every minute: cases past their SLA due time escalate (once); resolved cases get
        # their 回访 e-mail if the queued send was lost.
        at = now()
        escalated = escalate_breached(db, at)
        for case_id in pending_followups(db, at - FOLLOWUP_CATCH_UP):
            # one unreachable mail server must not fail the escalations or the other
            # cases' 回访 (the next minute tries again)
            try:
                run_followup(case_id)
            except ChannelError as error:
                log.warning("case %d: the 回访 e-mail was not sent: %s", case_id, error)
        return len(escalated)

    def run_followup(case_id: int) -> str:
        sent = send_followup(db, case_id, settings=settings, transport=transport)
        return sent.status if sent else "none"

    huey.periodic_task(crontab(minute="*"), name="case-escalation")(run_escalation)
    followup = huey.task(name="case-followup", retries=3, retry_delay=120)(run_followup)
    return JobQueue(
        huey,
        enrich,
        backend,
        send_email,
        export,
        send_sms=send_sms,
        remind=remind,
        alerts=alerts,
        followup=followup,
    )

"""Per-survey retention: responses older than the survey's ``retention_days`` are deleted
with their answers, enrichments, aspect mentions, drafts and invitations, in bounded
batches (one transaction each), by ``manyi privacy purge`` and a daily job."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from manyi.errors import InvalidInput, NotFound
from manyi.privacy.audit import Actor
from manyi.storage.audit import add_audit_entry
from manyi.storage.database import Database
from manyi.storage.privacy import (
    Purged,
    count_expired,
    purge_batch,
    retention_days,
    set_retention_days,
    survey_exists,
    surveys_with_retention,
)
from manyi.storage.types import as_utc_naive, utcnow

MAX_RETENTION_DAYS = 36_500
PURGE_BATCH = 500
SET_RETENTION = "survey.retention"
PURGE = "survey.purge"


def set_retention(db: Database, survey_id: int, days: int | None, actor: Actor) -> int | None:
    """Keep ``survey_id``'s responses ``days`` days (None: without limit); audited."""
    if days is not None and (
        isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_RETENTION_DAYS
    ):
        raise InvalidInput(
            f"retention is a whole number of days from 1 to {MAX_RETENTION_DAYS}, "
            f"or none to keep responses; not {days!r}"
        )
    with db.session() as s:
        before = retention_days(s, survey_id)
        if not set_retention_days(s, survey_id, days):
            raise NotFound(f"no survey with id {survey_id}")
        add_audit_entry(
            s,
            action=SET_RETENTION,
            subject_kind="survey",
            subject_id=survey_id,
            detail={"days": days, "before": before},
            actor=actor.label,
            actor_user_id=actor.user_id,
        )
    return days


def get_retention(db: Database, survey_id: int) -> int | None:
    """The survey's retention in days (None: kept without limit); NotFound when unknown."""
    with db.session() as s:
        if not survey_exists(s, survey_id):
            raise NotFound(f"no survey with id {survey_id}")
        return retention_days(s, survey_id)


@dataclass
class SurveyPurge:
    survey_id: int
    retention_days: int
    cutoff: datetime
    deleted: Purged = field(default_factory=Purged)


@dataclass
class PurgeRun:
    """What one purge deleted (or, ``dry_run``, would delete), survey by survey."""

    dry_run: bool
    surveys: list[SurveyPurge] = field(default_factory=list)

    @property
    def total(self) -> Purged:
        out = Purged()
        for survey in self.surveys:
            out.add(survey.deleted)
        return out


def purge(
    db: Database,
    actor: Actor,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    batch_size: int = PURGE_BATCH,
) -> PurgeRun:
    """Delete what every survey's retention has expired, ``batch_size`` responses per
    transaction; each survey with deletions gets one audit entry with the counts."""
    if batch_size < 1:
        raise InvalidInput("the purge batch size must be at least 1")
    at = as_utc_naive(now) if now is not None else utcnow()
    with db.session() as s:
        surveys = surveys_with_retention(s)
    run = PurgeRun(dry_run)
    for survey_id, days in surveys:
        one = SurveyPurge(survey_id, days, at - timedelta(days=days))
        if dry_run:
            with db.session() as s:
                one.deleted = count_expired(s, survey_id, one.cutoff)
        else:
            _purge_survey(db, one, batch_size)
            if one.deleted.total:
                with db.session() as s:
                    add_audit_entry(
                        s,
                        action=PURGE,
                        subject_kind="survey",
                        subject_id=survey_id,
                        detail={
                            "retention_days": days,
                            "cutoff": one.cutoff.isoformat(timespec="seconds"),
                            **one.deleted.as_dict(),
                        },
                        actor=actor.label,
                        actor_user_id=actor.user_id,
                    )
        run.surveys.append(one)
    return run


def _purge_survey(db: Database, one: SurveyPurge, batch_size: int) -> None:
    while True:
        with db.session() as s:
            done = purge_batch(s, one.survey_id, one.cutoff, batch_size)
        one.deleted.add(done)
        if not done.total:
            return

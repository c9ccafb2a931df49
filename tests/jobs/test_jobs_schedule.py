"""The periodic survey-schedule job is registered on the queue and stores what the
schedule says (issue #10)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from factories import make_survey
from manyi.config import Settings
from manyi.jobs.queue import build_queue
from manyi.storage.database import Database
from manyi.storage.types import utcnow
from manyi.surveys.schedule import set_schedule
from manyi.surveys.service import get_survey


def test_the_schedule_job_runs_every_minute_and_closes_a_survey(
    sqlite_db: Database, tmp_path: Path
) -> None:
    queue = build_queue(Settings(environment="test", data_dir=tmp_path), sqlite_db)
    survey = make_survey(sqlite_db)
    now = utcnow()
    # Scheduled an hour ago to close a minute ago: the stored status is still active.
    set_schedule(
        sqlite_db, survey.id, None, now - timedelta(minutes=1), now=now - timedelta(hours=1)
    )
    assert get_survey(sqlite_db, survey.id).status == "active"
    due = [t for t in queue.huey.read_periodic(now) if t.name == "survey-schedule"]
    assert len(due) == 1, "the job is due at any minute"
    assert queue.huey.execute(due[0]) == 1
    assert get_survey(sqlite_db, survey.id).status == "closed"
    assert queue.huey.execute(due[0]) == 0

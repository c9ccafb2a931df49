"""The case-escalation job's 回访 catch-up: a dead mail server does not fail the job, and
a case resolved long ago (the demo's history) gets no survey today."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from huey import MemoryHuey
from sqlalchemy import select

from factories import Outbox
from manyi.config import Settings
from manyi.errors import ChannelError
from manyi.jobs.queue import build_queue
from manyi.storage.database import Database
from manyi.storage.tables import CaseEventRow
from manyi.workflow.case_updates import update_case
from manyi.workflow.cases import Actor, CaseNew, open_case
from manyi.workflow.config import WorkflowConfig
from workflow.case_data import SYSTEM, make_case_world

CONFIG = WorkflowConfig()


def _resolved_case(db: Database, at: datetime) -> int:
    w = make_case_world(db)
    case = open_case(
        db, CaseNew("Late", touchpoint_id=w.delivery, customer_id=w.customer), SYSTEM, CONFIG, at
    )
    agent = Actor(w.agent_a, "a@example.com")
    case = update_case(db, case.id, case.version, agent, CONFIG, state="acknowledged", at=at)
    resolved = update_case(
        db, case.id, case.version, agent, CONFIG, state="resolved", at=at,
        root_cause_code="LOGI-DELAY", solution="Re-delivered",
    )  # fmt: skip
    return resolved.id


class DeadServer:
    def send(self, message: object) -> None:
        raise ChannelError("could not send through the mail server 127.0.0.1:25: refused")


def _escalation(db: Database, tmp_path: Path, clock: datetime, transport: object) -> int:
    settings = Settings(environment="test", data_dir=tmp_path)
    queue = build_queue(
        settings,
        db,
        huey=MemoryHuey("esc", immediate=True),
        clock=lambda: clock,
        mail_transport=transport,  # type: ignore[arg-type]
    )
    due = [t for t in queue.huey.read_periodic(clock) if t.name == "case-escalation"]
    assert len(due) == 1
    return int(queue.huey.execute(due[0]))


def _followup_events(db: Database, case_id: int) -> list[str]:
    with db.session() as s:
        return list(
            s.scalars(
                select(CaseEventRow.kind).where(
                    CaseEventRow.case_id == case_id, CaseEventRow.kind.like("followup%")
                )
            )
        )


def test_a_dead_mail_server_does_not_fail_the_job(sqlite_db: Database, tmp_path: Path) -> None:
    case_id = _resolved_case(sqlite_db, datetime(2026, 12, 1, 2))
    assert _escalation(sqlite_db, tmp_path, datetime(2026, 12, 2, 2), DeadServer()) == 0
    assert _followup_events(sqlite_db, case_id) == []  # not sent: tried again next minute
    outbox = Outbox()
    _escalation(sqlite_db, tmp_path, datetime(2026, 12, 2, 2, 1), outbox)
    assert len(outbox.messages) == 1 and _followup_events(sqlite_db, case_id) == ["followup-sent"]


def test_a_case_resolved_long_ago_gets_no_followup(sqlite_db: Database, tmp_path: Path) -> None:
    case_id = _resolved_case(sqlite_db, datetime(2026, 3, 1, 2))
    outbox = Outbox()
    assert _escalation(sqlite_db, tmp_path, datetime(2026, 12, 2, 2), outbox) == 0
    assert outbox.messages == [] and _followup_events(sqlite_db, case_id) == []

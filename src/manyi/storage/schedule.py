"""Survey schedules: the opening and closing times on ``surveys`` and the status changes
the schedule job stores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from manyi.errors import NotFound
from manyi.storage.tables import SurveyRow


@dataclass(frozen=True)
class Scheduled:
    """A published survey with a schedule, as the schedule job reads it."""

    id: int
    status: str
    opens_at: datetime | None
    closes_at: datetime | None


def set_survey_schedule(
    session: Session, survey_id: int, opens_at: datetime | None, closes_at: datetime | None
) -> SurveyRow:
    """Store the survey's opening and closing times (naive UTC); NotFound for no survey.

    The row is locked (where the database can), so a status set from the schedule is not
    overwritten by a concurrent change of the schedule."""
    row = session.get(SurveyRow, survey_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no survey with id {survey_id}")
    row.opens_at = opens_at
    row.closes_at = closes_at
    return row


def published_with_schedule(session: Session, statuses: tuple[str, ...]) -> list[Scheduled]:
    """The surveys in one of ``statuses`` that have an opening or a closing time."""
    rows = session.execute(
        select(SurveyRow.id, SurveyRow.status, SurveyRow.opens_at, SurveyRow.closes_at)
        .where(
            SurveyRow.status.in_(statuses),
            or_(SurveyRow.opens_at.is_not(None), SurveyRow.closes_at.is_not(None)),
        )
        .order_by(SurveyRow.id)
    ).all()
    return [Scheduled(*row) for row in rows]


def change_status_if(session: Session, survey_id: int, old: str, new: str) -> bool:
    """Set the survey's status to ``new`` only if it is still ``old`` (a manager's change
    made meanwhile wins); whether it was changed."""
    result = session.execute(
        update(SurveyRow)
        .where(SurveyRow.id == survey_id, SurveyRow.status == old)
        .values(status=new)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))

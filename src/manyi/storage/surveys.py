"""Survey repository: the one query for "the survey and its current definition"."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manyi.errors import NotFound
from manyi.storage.tables import SurveyRow, SurveyVersionRow


@dataclass(frozen=True)
class CurrentSurvey:
    """A survey row with the stored definition (JSON) of its current version."""

    survey: SurveyRow
    definition: dict[str, Any]

    @property
    def id(self) -> int:
        return self.survey.id

    @property
    def version(self) -> int:
        return self.survey.current_version

    @property
    def status(self) -> str:
        return self.survey.status


def current_survey(session: Session, survey_id: int) -> CurrentSurvey:
    """The survey ``survey_id`` with its current definition; NotFound when either is missing."""
    row = session.execute(
        select(SurveyRow, SurveyVersionRow.definition)
        .join(
            SurveyVersionRow,
            (SurveyVersionRow.survey_id == SurveyRow.id)
            & (SurveyVersionRow.version == SurveyRow.current_version),
            isouter=True,
        )
        .where(SurveyRow.id == survey_id)
    ).first()
    if row is None:
        raise NotFound(f"no survey with id {survey_id}")
    if row[1] is None:
        raise NotFound(f"survey {survey_id} has no current version")
    return CurrentSurvey(row[0], row[1])


def current_surveys(session: Session) -> Iterator[CurrentSurvey]:
    """Every survey with its current definition, by id (surveys without one are skipped)."""
    rows = session.execute(
        select(SurveyRow, SurveyVersionRow.definition)
        .join(
            SurveyVersionRow,
            (SurveyVersionRow.survey_id == SurveyRow.id)
            & (SurveyVersionRow.version == SurveyRow.current_version),
        )
        .order_by(SurveyRow.id)
    ).all()
    for survey, definition in rows:
        yield CurrentSurvey(survey, definition)

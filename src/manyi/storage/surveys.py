"""Survey repository: the one query for "the survey and its current definition", and the
writes and look-ups of the survey use cases (create, revise, change status, list)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manyi.errors import NotFound
from manyi.storage.paging import fetch_page
from manyi.storage.tables import SurveyRow, SurveyVersionRow
from manyi.storage.unique import add_unique


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


def survey_row(session: Session, survey_id: int) -> SurveyRow | None:
    """The survey ``survey_id``, or None."""
    return session.get(SurveyRow, survey_id)


def survey_id_by_code(session: Session, code: str) -> int | None:
    """The id of the survey with code ``code``, or None."""
    return session.scalar(select(SurveyRow.id).where(SurveyRow.code == code))


def version_definition(session: Session, survey_id: int, version: int) -> dict[str, Any] | None:
    """The stored definition (JSON) of one version of a survey, or None."""
    return session.scalar(
        select(SurveyVersionRow.definition).where(
            SurveyVersionRow.survey_id == survey_id, SurveyVersionRow.version == version
        )
    )


def add_survey(
    session: Session, *, code: str | None, title: str, status: str, definition: dict[str, Any]
) -> SurveyRow:
    """Store a new survey with ``definition`` as its version 1; Conflict when the code is taken."""
    row = add_unique(
        session,
        SurveyRow(code=code, title=title, status=status, current_version=1),
        f"a survey with code {code!r} already exists",
    )
    session.add(SurveyVersionRow(survey_id=row.id, version=1, definition=definition))
    session.flush()
    return row


def add_survey_version(
    session: Session, survey_id: int, *, title: str, definition: dict[str, Any]
) -> int:
    """Store ``definition`` as the survey's next version and make it current; returns its number.

    The survey row is locked first (SELECT … FOR UPDATE where the database has it), so two
    revisions at once get different numbers. NotFound when the survey does not exist.
    """
    row = session.get(SurveyRow, survey_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no survey with id {survey_id}")
    row.current_version += 1
    row.title = title
    session.add(
        SurveyVersionRow(survey_id=row.id, version=row.current_version, definition=definition)
    )
    return row.current_version


def replace_current_definition(
    session: Session, survey_id: int, *, title: str, definition: dict[str, Any]
) -> int:
    """Overwrite the definition of the survey's current version (a draft nobody answered:
    the survey builder saves every edit of one without numbering a version per click);
    returns the version number. NotFound when the survey or its version is missing."""
    row = session.get(SurveyRow, survey_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no survey with id {survey_id}")
    version = session.scalar(
        select(SurveyVersionRow).where(
            SurveyVersionRow.survey_id == survey_id,
            SurveyVersionRow.version == row.current_version,
        )
    )
    if version is None:
        raise NotFound(f"survey {survey_id} has no current version")
    version.definition = definition
    row.title = title
    return row.current_version


def set_survey_status(session: Session, survey_id: int, status: str) -> None:
    """Store the survey's status; NotFound when the survey does not exist."""
    row = session.get(SurveyRow, survey_id)
    if row is None:
        raise NotFound(f"no survey with id {survey_id}")
    row.status = status


def survey_page(
    session: Session, *, status: str | None, limit: int, offset: int
) -> tuple[list[SurveyRow], int]:
    """Surveys by id (only those with ``status`` if given): one page and the total."""
    query = select(SurveyRow)
    if status is not None:
        query = query.where(SurveyRow.status == status)
    return fetch_page(session, query.order_by(SurveyRow.id), limit=limit, offset=offset)

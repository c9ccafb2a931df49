"""Use cases for surveys: create, read, list, revise and change status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from manyi.domain.enums import SurveyStatus
from manyi.domain.survey import SurveyDefinition
from manyi.errors import FieldError, InvalidInput, NotFound
from manyi.storage.database import Database
from manyi.storage.responses import response_counts
from manyi.storage.surveys import (
    add_survey,
    add_survey_version,
    current_survey,
    set_survey_status,
    survey_id_by_code,
    survey_page,
    survey_row,
    version_definition,
)


@dataclass(frozen=True)
class Survey:
    id: int
    code: str | None
    title: str
    status: SurveyStatus
    version: int
    definition: SurveyDefinition
    created_at: datetime
    updated_at: datetime


def parse_definition(data: Any) -> SurveyDefinition:
    """Validate a survey document, turning pydantic's errors into field-level InvalidInput."""
    try:
        return SurveyDefinition.model_validate(data)
    except ValidationError as exc:
        errors = [
            FieldError(tuple(str(p) for p in e["loc"]), e["msg"], e["type"])
            for e in exc.errors(include_url=False)
        ]
        raise InvalidInput("the survey definition is not valid", errors) from None


def _dump(definition: SurveyDefinition) -> dict[str, Any]:
    return definition.model_dump(mode="json", by_alias=True, exclude_none=True)


def create_survey(
    db: Database,
    definition: Any,
    *,
    code: str | None = None,
    status: SurveyStatus | str = SurveyStatus.DRAFT,
) -> Survey:
    parsed = (
        definition if isinstance(definition, SurveyDefinition) else parse_definition(definition)
    )
    try:
        status = SurveyStatus(status)
    except ValueError:
        raise InvalidInput(f"unknown status {status!r}") from None
    with db.session() as s:
        row = add_survey(
            s,
            code=code,
            title=parsed.title.get("zh-CN"),
            status=status.value,
            definition=_dump(parsed),
        )
        return Survey(
            row.id, row.code, row.title, status, 1, parsed, row.created_at, row.updated_at
        )


def get_survey(db: Database, survey_id: int, version: int | None = None) -> Survey:
    """The survey with its current definition, or with version ``version`` of it."""
    with db.session() as s:
        if not version:
            current = current_survey(s, survey_id)
            row, wanted, stored = current.survey, current.version, current.definition
        else:
            found = survey_row(s, survey_id)
            if found is None:
                raise NotFound(f"no survey with id {survey_id}")
            row, wanted = found, version
            at_version = version_definition(s, survey_id, version)
            if at_version is None:
                raise NotFound(f"survey {survey_id} has no version {version}")
            stored = at_version
        definition = SurveyDefinition.model_validate(stored)
        return Survey(
            row.id,
            row.code,
            row.title,
            SurveyStatus(row.status),
            wanted,
            definition,
            row.created_at,
            row.updated_at,
        )


def find_survey_id(db: Database, ref: str | int) -> int:
    """Resolve a survey given by id or by code."""
    with db.session() as s:
        if isinstance(ref, int) or str(ref).isdigit():
            row = survey_row(s, int(ref))
            found = row.id if row is not None else None
        else:
            found = survey_id_by_code(s, str(ref))
        if found is None:
            raise NotFound(f"no survey {ref!r}")
        return found


@dataclass(frozen=True)
class SurveySummary:
    id: int
    code: str | None
    title: str
    status: SurveyStatus
    version: int
    responses: int
    updated_at: datetime


def list_surveys(
    db: Database, *, status: SurveyStatus | None = None, limit: int = 100, offset: int = 0
) -> tuple[list[SurveySummary], int]:
    with db.session() as s:
        rows, total = survey_page(
            s, status=status.value if status is not None else None, limit=limit, offset=offset
        )
        counts = response_counts(s, survey_ids=[r.id for r in rows])
        return [
            SurveySummary(
                r.id,
                r.code,
                r.title,
                SurveyStatus(r.status),
                r.current_version,
                counts.get(r.id, 0),
                r.updated_at,
            )
            for r in rows
        ], total


def revise_survey(db: Database, survey_id: int, definition: Any) -> Survey:
    """Store a new version; earlier responses keep pointing at the version they answered."""
    parsed = parse_definition(definition)
    with db.session() as s:
        add_survey_version(s, survey_id, title=parsed.title.get("zh-CN"), definition=_dump(parsed))
    return get_survey(db, survey_id)


def set_status(db: Database, survey_id: int, status: SurveyStatus | str) -> Survey:
    try:
        status = SurveyStatus(status)
    except ValueError:
        raise InvalidInput(f"unknown status {status!r}") from None
    with db.session() as s:
        set_survey_status(s, survey_id, status.value)
    return get_survey(db, survey_id)

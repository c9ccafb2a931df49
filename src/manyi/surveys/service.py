"""Use cases for surveys: create, read, list, revise and change status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from manyi.domain.enums import SurveyStatus
from manyi.domain.survey import SurveyDefinition
from manyi.errors import Conflict, FieldError, InvalidInput, NotFound
from manyi.storage.database import Database
from manyi.storage.tables import ResponseRow, SurveyRow, SurveyVersionRow


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
        row = SurveyRow(
            code=code, title=parsed.title.get("zh-CN"), status=status.value, current_version=1
        )
        s.add(row)
        try:
            s.flush()
        except IntegrityError:
            raise Conflict(f"a survey with code {code!r} already exists") from None
        s.add(SurveyVersionRow(survey_id=row.id, version=1, definition=_dump(parsed)))
        s.flush()
        return Survey(
            row.id, row.code, row.title, status, 1, parsed, row.created_at, row.updated_at
        )


def get_survey(db: Database, survey_id: int, version: int | None = None) -> Survey:
    with db.session() as s:
        row = s.get(SurveyRow, survey_id)
        if row is None:
            raise NotFound(f"no survey with id {survey_id}")
        wanted = version or row.current_version
        ver = s.scalar(
            select(SurveyVersionRow).where(
                SurveyVersionRow.survey_id == survey_id, SurveyVersionRow.version == wanted
            )
        )
        if ver is None:
            raise NotFound(f"survey {survey_id} has no version {wanted}")
        definition = SurveyDefinition.model_validate(ver.definition)
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
            row = s.get(SurveyRow, int(ref))
        else:
            row = s.scalar(select(SurveyRow).where(SurveyRow.code == str(ref)))
        if row is None:
            raise NotFound(f"no survey {ref!r}")
        return row.id


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
        query = select(SurveyRow)
        total_q = select(func.count()).select_from(SurveyRow)
        if status is not None:
            query = query.where(SurveyRow.status == status.value)
            total_q = total_q.where(SurveyRow.status == status.value)
        rows = s.scalars(query.order_by(SurveyRow.id).limit(limit).offset(offset)).all()
        counts = dict(
            s.execute(
                select(ResponseRow.survey_id, func.count())
                .where(ResponseRow.survey_id.in_([r.id for r in rows]))
                .group_by(ResponseRow.survey_id)
            ).all()
        )
        total = s.scalar(total_q) or 0
        return [
            SurveySummary(
                r.id,
                r.code,
                r.title,
                SurveyStatus(r.status),
                r.current_version,
                int(counts.get(r.id, 0)),
                r.updated_at,
            )
            for r in rows
        ], total


def revise_survey(db: Database, survey_id: int, definition: Any) -> Survey:
    """Store a new version; earlier responses keep pointing at the version they answered."""
    parsed = parse_definition(definition)
    with db.session() as s:
        row = s.get(SurveyRow, survey_id, with_for_update=True)
        if row is None:
            raise NotFound(f"no survey with id {survey_id}")
        row.current_version += 1
        row.title = parsed.title.get("zh-CN")
        s.add(
            SurveyVersionRow(
                survey_id=row.id, version=row.current_version, definition=_dump(parsed)
            )
        )
    return get_survey(db, survey_id)


def set_status(db: Database, survey_id: int, status: SurveyStatus | str) -> Survey:
    try:
        status = SurveyStatus(status)
    except ValueError:
        raise InvalidInput(f"unknown status {status!r}") from None
    with db.session() as s:
        row = s.get(SurveyRow, survey_id)
        if row is None:
            raise NotFound(f"no survey with id {survey_id}")
        row.status = status.value
    return get_survey(db, survey_id)

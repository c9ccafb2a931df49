"""Use cases for surveys: create, read, list, revise and change status."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from manyi.domain.enums import SurveyStatus
from manyi.domain.schedule import published_status
from manyi.domain.survey import SurveyDefinition
from manyi.errors import FieldError, InvalidInput, NotFound
from manyi.storage.database import Database
from manyi.storage.responses import response_counts
from manyi.storage.surveys import (
    add_survey,
    add_survey_version,
    set_survey_status,
    survey_id_by_code,
    survey_page,
    survey_row,
    version_definition,
)
from manyi.storage.types import utcnow


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
    #: The schedule (naive UTC; manyi.domain.schedule): None is no bound.
    opens_at: datetime | None = None
    closes_at: datetime | None = None


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


#: Parsed definitions kept per database (most recently used last).
DEFINITION_CACHE_SIZE = 256
#: (survey id, created_at, updated_at, version). A published version's definition never
#: changes; the survey row's created_at tells apart a survey that reuses a deleted one's
#: id (SQLite may hand it out again) and its updated_at moves with every write to the row.
#: A draft's current version may be overwritten in place by the builder, so drafts are
#: never cached (see :func:`get_survey`).
_DefinitionKey = tuple[int, datetime, datetime, int]
_definitions: weakref.WeakKeyDictionary[Database, OrderedDict[_DefinitionKey, SurveyDefinition]]
_definitions = weakref.WeakKeyDictionary()
_definitions_lock = threading.Lock()


def _cached_definition(db: Database, key: _DefinitionKey) -> SurveyDefinition | None:
    with _definitions_lock:
        found = _definitions.get(db, OrderedDict()).get(key)
        if found is not None:
            _definitions[db].move_to_end(key)
        return found


def _keep_definition(db: Database, key: _DefinitionKey, definition: SurveyDefinition) -> None:
    with _definitions_lock:
        kept = _definitions.setdefault(db, OrderedDict())
        kept[key] = definition
        while len(kept) > DEFINITION_CACHE_SIZE:
            kept.popitem(last=False)


def forget_survey(db: Database, survey_id: int) -> None:
    """Drop the cached definitions of one survey: call it after writing a definition
    (a revision: the old version is rarely read again; an in-place overwrite of a
    version). Other processes see the change through the key (version, updated_at)."""
    with _definitions_lock:
        kept = _definitions.get(db)
        if kept is not None:
            for key in [k for k in kept if k[0] == survey_id]:
                del kept[key]


def get_survey(db: Database, survey_id: int, version: int | None = None) -> Survey:
    """The survey with its current definition, or with version ``version`` of it.

    The status, title and current version come from the survey row on every call (one
    primary-key read), so a paused or closed survey is never seen open; only the parsed
    definition of a version of a survey that is not a draft is cached
    (:data:`DEFINITION_CACHE_SIZE` per database), which saves a read of the definition
    JSON and its validation per request. The definition is shared between callers: treat
    it as read-only (``model_copy(update=...)`` to derive another)."""
    with db.session() as s:
        row = survey_row(s, survey_id)
        if row is None:
            raise NotFound(f"no survey with id {survey_id}")
        wanted = version or row.current_version
        key = (row.id, row.created_at, row.updated_at, wanted)
        cacheable = row.status != SurveyStatus.DRAFT.value
        definition = _cached_definition(db, key) if cacheable else None
        if definition is None:
            stored = version_definition(s, survey_id, wanted)
            if stored is None:
                raise NotFound(
                    f"survey {survey_id} has no version {version}"
                    if version
                    else f"survey {survey_id} has no current version"
                )
            definition = SurveyDefinition.model_validate(stored)
            if cacheable:
                _keep_definition(db, key, definition)
        return Survey(
            row.id,
            row.code,
            row.title,
            SurveyStatus(row.status),
            wanted,
            definition,
            row.created_at,
            row.updated_at,
            opens_at=row.opens_at,
            closes_at=row.closes_at,
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
    opens_at: datetime | None = None
    closes_at: datetime | None = None


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
                r.opens_at,
                r.closes_at,
            )
            for r in rows
        ], total


def revise_survey(db: Database, survey_id: int, definition: Any) -> Survey:
    """Store a new version; earlier responses keep pointing at the version they answered."""
    parsed = parse_definition(definition)
    with db.session() as s:
        add_survey_version(s, survey_id, title=parsed.title.get("zh-CN"), definition=_dump(parsed))
    forget_survey(db, survey_id)
    return get_survey(db, survey_id)


def set_status(
    db: Database, survey_id: int, status: SurveyStatus | str, *, now: datetime | None = None
) -> Survey:
    """Store the status. Publishing (active or scheduled) follows the schedule: a survey
    with a later ``opens_at`` becomes scheduled, one past its ``closes_at`` cannot open."""
    try:
        status = SurveyStatus(status)
    except ValueError:
        raise InvalidInput(f"unknown status {status!r}") from None
    with db.session() as s:
        if status in (SurveyStatus.ACTIVE, SurveyStatus.SCHEDULED):
            row = survey_row(s, survey_id)
            if row is None:
                raise NotFound(f"no survey with id {survey_id}")
            try:
                status = published_status(row.opens_at, row.closes_at, now or utcnow())
            except ValueError as exc:
                raise InvalidInput(str(exc)) from None
        set_survey_status(s, survey_id, status.value)
    # The status is read from the survey row on every get_survey; the cached definition of
    # the version does not change with it, so nothing is dropped here.
    return get_survey(db, survey_id)

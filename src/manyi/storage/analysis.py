"""Reading one survey's stored responses for an analysis: filters, pages, texts, version.

The analysis of stored data (``manyi.reporting.stored``) reads the responses of a survey
in a period with the filters of the analysis pages: channel, touchpoint, the touchpoint's
department, the customer's segments (region, tier, product), the response language, and
the departments a user may see. Responses are read in keyset pages along the primary key
(as exports are, :mod:`manyi.storage.exports`), so memory stays one page of records; the
caller keeps only the numbers it needs. Excluded responses (``quality`` 2) and flagged ones
that nobody reviewed (``quality`` 1) are left out, as in every aggregate.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, String, func, select
from sqlalchemy.orm import Session

from manyi.storage.exports import ExportRecord
from manyi.storage.tables import (
    AnswerEnrichmentRow,
    AnswerRow,
    AspectMentionRow,
    ChannelRow,
    CustomerRow,
    DepartmentRow,
    ResponseRow,
    TouchpointRow,
)

#: Customer segments (keys of ``customers.segments``) an analysis can filter and compare by.
SEGMENT_KEYS: tuple[str, ...] = ("region", "tier", "product")
#: The response metadata key that names who rated (customer, staff, management): the
#: value curve compares these groups.
RATER_KEY = "rater"


@dataclass(frozen=True)
class AnalysisSelection:
    """Which responses of a survey an analysis reads (None: no condition).

    ``department_ids`` is the set of departments the user may see (None: all); a response
    belongs to the department that owns its touchpoint, so a scoped user does not see
    responses without a touchpoint. ``department`` is a filter the user chose (a code).
    """

    survey_id: int
    since: datetime | None = None
    until: datetime | None = None
    channel: str | None = None
    touchpoint: str | None = None
    department: str | None = None
    language: str | None = None
    segments: dict[str, str] = field(default_factory=dict)
    department_ids: frozenset[int] | None = None


@dataclass(frozen=True)
class AnalysisRecord:
    """One response as the analysis reads it: the export's fields and the groups."""

    record: ExportRecord
    department: str | None
    segments: dict[str, Any]
    rater: str | None


def _conditions(selection: AnalysisSelection, *, by_id: bool) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = [
        # ``survey_id + 0`` when reading pages along the primary key keeps the planner off
        # the (survey_id, submitted_at) index, which would sort the rest of the survey for
        # every page (see storage.exports).
        ((ResponseRow.survey_id + 0) if by_id else ResponseRow.survey_id) == selection.survey_id,
        # counted responses only: 1 flagged and not reviewed, 2 excluded by an analyst
        ResponseRow.quality == 0,
    ]
    if selection.since is not None:
        out.append(ResponseRow.submitted_at >= selection.since)
    if selection.until is not None:
        out.append(ResponseRow.submitted_at < selection.until)
    if selection.channel is not None:
        out.append(
            ResponseRow.channel_id.in_(
                select(ChannelRow.id).where(ChannelRow.code == selection.channel)
            )
        )
    if selection.touchpoint is not None:
        out.append(
            ResponseRow.touchpoint_id.in_(
                select(TouchpointRow.id).where(TouchpointRow.code == selection.touchpoint)
            )
        )
    if selection.department is not None:
        out.append(
            ResponseRow.touchpoint_id.in_(
                select(TouchpointRow.id)
                .join(DepartmentRow, DepartmentRow.id == TouchpointRow.department_id)
                .where(DepartmentRow.code == selection.department)
            )
        )
    if selection.department_ids is not None:
        out.append(
            ResponseRow.touchpoint_id.in_(
                select(TouchpointRow.id).where(
                    TouchpointRow.department_id.in_(sorted(selection.department_ids))
                )
            )
        )
    if selection.language is not None:
        out.append(ResponseRow.language == selection.language)
    for key, value in sorted(selection.segments.items()):
        out.append(
            ResponseRow.customer_id.in_(
                select(CustomerRow.id).where(CustomerRow.segments[key].as_string() == value)
            )
        )
    return out


def analysis_ceiling(session: Session, survey_id: int) -> int:
    """The survey's largest response id now (0 without responses): the analysis reads up to it."""
    return int(
        session.scalar(select(func.max(ResponseRow.id)).where(ResponseRow.survey_id == survey_id))
        or 0
    )


def count_analysis_rows(session: Session, selection: AnalysisSelection, ceiling: int) -> int:
    """How many responses the selection holds (ids up to ``ceiling``)."""
    query = (
        select(func.count())
        .select_from(ResponseRow)
        .where(*_conditions(selection, by_id=False), ResponseRow.id <= ceiling)
    )
    return int(session.scalar(query) or 0)


def analysis_page(
    session: Session, selection: AnalysisSelection, *, after_id: int, ceiling: int, limit: int
) -> list[AnalysisRecord]:
    """The next ``limit`` selected responses with ids in (after_id, ceiling], by id.

    No personal data is read: open answers as stored (redacted), no customer id.
    """
    department = select(DepartmentRow.code).where(DepartmentRow.id == TouchpointRow.department_id)
    query: Select[Any] = (
        select(
            ResponseRow.id,
            ResponseRow.survey_version,
            ResponseRow.submitted_at,
            ChannelRow.code,
            TouchpointRow.code,
            ResponseRow.language,
            ResponseRow.answers,
            ResponseRow.quality_flags,
            ResponseRow.quality,
            department.scalar_subquery(),
            CustomerRow.segments,
            ResponseRow.meta[RATER_KEY].as_string(),
        )
        .select_from(ResponseRow)
        .outerjoin(ChannelRow, ChannelRow.id == ResponseRow.channel_id)
        .outerjoin(TouchpointRow, TouchpointRow.id == ResponseRow.touchpoint_id)
        .outerjoin(CustomerRow, CustomerRow.id == ResponseRow.customer_id)
        .where(
            *_conditions(selection, by_id=True),
            ResponseRow.id > after_id,
            ResponseRow.id <= ceiling,
        )
        .order_by(ResponseRow.id)
        .limit(limit)
    )
    return [
        AnalysisRecord(
            ExportRecord(
                id=int(row[0]),
                survey_version=int(row[1]),
                submitted_at=row[2],
                channel=row[3],
                touchpoint=row[4],
                language=row[5],
                answers=row[6] or {},
                raw_answers=None,
                quality_flags=list(row[7] or []),
                quality=int(row[8] or 0),
                customer=None,
            ),
            department=row[9],
            segments=dict(row[10] or {}),
            rater=row[11],
        )
        for row in session.execute(query).all()
    ]


def analysis_records(
    session_factory: Any, selection: AnalysisSelection, *, ceiling: int, page_size: int
) -> Iterator[list[AnalysisRecord]]:
    """Every page of the selection, each read in a short session of its own."""
    after = 0
    while True:
        with session_factory() as session:
            page = analysis_page(
                session, selection, after_id=after, ceiling=ceiling, limit=page_size
            )
        if not page:
            return
        yield page
        after = page[-1].record.id


def data_version(session: Session, survey_id: int) -> tuple[Any, ...]:
    """What changes when the survey's analysable data change: its responses (count, last
    id, last review decision) and its text enrichment (count, last time). A cache keyed on
    it is never stale."""
    responses = session.execute(
        select(func.count(), func.max(ResponseRow.id), func.max(ResponseRow.reviewed_at)).where(
            ResponseRow.survey_id == survey_id
        )
    ).one()
    enriched = session.execute(
        select(func.count(), func.max(AnswerEnrichmentRow.enriched_at)).where(
            AnswerEnrichmentRow.survey_id == survey_id
        )
    ).one()
    return (*(str(v) for v in responses), *(str(v) for v in enriched))


def _selected_responses(selection: AnalysisSelection, ceiling: int) -> Select[Any]:
    return select(ResponseRow.id).where(
        *_conditions(selection, by_id=False), ResponseRow.id <= ceiling
    )


def aspect_label_counts_by_month(
    session: Session, selection: AnalysisSelection, ceiling: int
) -> list[tuple[str, str, str, str | None, str, int]]:
    """(aspect, name, month "YYYY-MM", dimension, label, mentions) in the open answers of
    the selected responses."""
    month = func.substr(func.cast(AspectMentionRow.occurred_at, String()), 1, 7)
    rows = session.execute(
        select(
            AspectMentionRow.aspect,
            func.min(AspectMentionRow.name),
            month,
            func.min(AspectMentionRow.dimension),
            AspectMentionRow.label,
            func.count(),
        )
        .join(AnswerRow, AnswerRow.id == AspectMentionRow.answer_id)
        .where(
            AspectMentionRow.survey_id == selection.survey_id,
            AspectMentionRow.counted,
            AnswerRow.response_id.in_(_selected_responses(selection, ceiling)),
        )
        .group_by(AspectMentionRow.aspect, month, AspectMentionRow.label)
    ).all()
    return [(str(a), str(n or a), str(m), d, str(lab), int(c)) for a, n, m, d, lab, c in rows]


def sentiment_by_month(
    session: Session, selection: AnalysisSelection, ceiling: int
) -> list[tuple[str, str | None, int]]:
    """(month "YYYY-MM", sentiment label, open answers) of the selected responses' enriched
    open answers."""
    month = func.substr(func.cast(AnswerRow.submitted_at, String()), 1, 7)
    rows = session.execute(
        select(month, AnswerEnrichmentRow.sentiment_label, func.count())
        .join(AnswerRow, AnswerRow.id == AnswerEnrichmentRow.answer_id)
        .where(
            AnswerEnrichmentRow.survey_id == selection.survey_id,
            AnswerEnrichmentRow.enrichment_error.is_(None),
            AnswerRow.response_id.in_(_selected_responses(selection, ceiling)),
        )
        .group_by(month, AnswerEnrichmentRow.sentiment_label)
    ).all()
    return [(str(m), label, int(n)) for m, label, n in rows]


def open_texts(
    session: Session, selection: AnalysisSelection, ceiling: int, *, limit: int
) -> list[tuple[datetime, str]]:
    """(time, redacted text) of the selected responses' open answers, newest first, at most
    ``limit`` of them (topics are found in a bounded sample)."""
    rows = session.execute(
        select(AnswerRow.submitted_at, AnswerRow.text)
        .where(
            AnswerRow.survey_id == selection.survey_id,
            AnswerRow.text.is_not(None),
            AnswerRow.value.is_(None),
            AnswerRow.response_id.in_(_selected_responses(selection, ceiling)),
        )
        .order_by(AnswerRow.submitted_at.desc(), AnswerRow.id.desc())
        .limit(limit)
    ).all()
    return [(when, str(text)) for when, text in rows if text and str(text).strip()]


def touchpoint_stages(session: Session) -> dict[str, tuple[str, str, str, int]]:
    """touchpoint code -> (stage, name_zh, name_en, id)."""
    rows = session.execute(
        select(
            TouchpointRow.code,
            TouchpointRow.stage,
            TouchpointRow.name_zh,
            TouchpointRow.name_en,
            TouchpointRow.id,
        )
    ).all()
    return {str(c): (str(s), str(zh), str(en or zh), int(i)) for c, s, zh, en, i in rows}


__all__ = [
    "RATER_KEY",
    "SEGMENT_KEYS",
    "AnalysisRecord",
    "AnalysisSelection",
    "analysis_ceiling",
    "analysis_page",
    "analysis_records",
    "aspect_label_counts_by_month",
    "count_analysis_rows",
    "data_version",
    "open_texts",
    "segment_values",
    "sentiment_by_month",
    "touchpoint_stages",
]


def segment_values(session: Session, *, limit: int = 50) -> dict[str, list[str]]:
    """The values customers' segments take (for filter menus), at most ``limit`` each."""
    out: dict[str, list[str]] = {}
    for key in SEGMENT_KEYS:
        value = CustomerRow.segments[key].as_string()
        rows = session.execute(
            select(value).where(value.is_not(None)).distinct().order_by(value).limit(limit)
        ).all()
        out[key] = [str(v) for (v,) in rows if v]
    return out

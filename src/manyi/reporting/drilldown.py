"""The responses behind a dashboard number: the drill-down list (/responses).

Same filters as the overview (:class:`~manyi.reporting.dashboard.DashboardFilters`),
narrowed to one measure's questions (``metric``) and optionally to an answer range
(``value``, e.g. ``0-6`` for NPS detractors), within the reader's departments. Each row
shows the drilled answers and the open answers (comments): stored redacted, the
originals only for a reader with ``Permission.VIEW_PERSONAL_DATA`` (and then audited),
and the customer's name through ``domain.privacy.mask_contact``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from manyi.domain.enums import QuestionKind, Role
from manyi.domain.privacy import mask_contact
from manyi.domain.scope import SYSTEM, Reader
from manyi.domain.survey import SurveyDefinition
from manyi.errors import InvalidInput
from manyi.reporting.dashboard import METRICS, metric_sources, resolve_codes
from manyi.reporting.dashboard_filters import DashboardFilters
from manyi.storage.dashboard import DrillFilters, directory, drill_page
from manyi.storage.database import Database
from manyi.storage.personal_views import record_personal_data_views
from manyi.storage.surveys import current_surveys

PER_PAGE = 25
MAX_PAGE = 100_000


@dataclass(frozen=True)
class DrillResponse:
    id: int
    submitted_at: datetime
    survey_id: int
    survey_zh: str
    survey_en: str
    touchpoint: tuple[str, str] | None
    channel: tuple[str, str] | None
    customer: str | None
    segments: dict[str, str]
    #: (question code, value) of the drilled measure's questions.
    values: list[tuple[str, float]]
    #: (question code, text) of the open answers.
    comments: list[tuple[str, str]]
    flagged: bool


@dataclass(frozen=True)
class DrillPage:
    filters: DashboardFilters
    metric: str | None
    value: str | None
    total: int
    page: int
    pages: int
    items: list[DrillResponse]


def parse_value(text: str | None) -> tuple[float | None, float | None]:
    """``"0-6"`` -> (0, 6), ``"9"`` -> (9, 9), None -> (None, None)."""
    if text is None or text == "":
        return None, None
    low_text, sep, high_text = text.partition("-")
    try:
        low = float(low_text)
        high = float(high_text) if sep else low
    except ValueError:
        raise InvalidInput(f"'value' must be a number or a range like 0-6, not {text!r}") from None
    if not (math.isfinite(low) and math.isfinite(high)) or high < low:
        raise InvalidInput(f"'value' must be a range from low to high, not {text!r}")
    return low, high


def responses_behind(
    db: Database,
    filters: DashboardFilters,
    *,
    metric: str | None = None,
    value: str | None = None,
    page: int = 1,
    reader: Reader = SYSTEM,
    role: Role = Role.VIEWER,
) -> DrillPage:
    """A page of the responses behind a number, newest first.

    ``metric``: one of csi, nps, csat, ces (None: any of them); ``value``: an answer or a
    range of answers of that measure's questions; ``role`` masks the customer's name.
    """
    if metric is not None and metric not in METRICS:
        raise InvalidInput(f"'metric' must be one of {', '.join(METRICS)}, not {metric!r}")
    if not 1 <= page <= MAX_PAGE:
        raise InvalidInput(f"'page' must be between 1 and {MAX_PAGE}")
    low, high = parse_value(value)
    scope = reader.scope
    with db.session() as s:
        names = directory(s)
        ids = resolve_codes(names, filters, scope)
        surveys = [
            c for c in current_surveys(s) if filters.survey_id is None or c.id == filters.survey_id
        ]
        if filters.survey_id is not None and not surveys:
            raise InvalidInput(f"there is no survey with id {filters.survey_id}")
        sources, _ = metric_sources(surveys)
        questions: dict[int, set[str]] = {}
        for key, found in sources.items():
            if metric is None or key == metric:
                for source in found:
                    questions.setdefault(source.survey_id, set()).add(source.question)
        departments = scope.department_ids
        if ids["department"] is not None:
            wanted = frozenset({ids["department"]})
            departments = wanted if departments is None else departments & wanted
        touchpoints = None
        if departments is not None:
            touchpoints = frozenset(
                t.id for t in names.touchpoints.values() if t.department_id in departments
            )
        if ids["touchpoint"] is not None:
            one = frozenset({ids["touchpoint"]})
            touchpoints = one if touchpoints is None else touchpoints & one
        segments = tuple(
            (key, getattr(filters, key))
            for key in ("region", "tier", "product")
            if getattr(filters, key) is not None
        )
        drill = DrillFilters(
            questions={k: tuple(sorted(v)) for k, v in questions.items()},
            start=filters.start,
            end=filters.end,
            low=low,
            high=high,
            touchpoint_ids=touchpoints,
            channel_id=ids["channel"],
            language=filters.language,
            segments=segments,
            include_flagged=filters.include_flagged,
        )
        rows, total = drill_page(s, drill, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
        record_personal_data_views(
            s, reader, "response", [r.response.id for r in rows if r.response.raw_answers]
        )
        definitions = {c.id: SurveyDefinition.model_validate(c.definition) for c in surveys}
        items = []
        for r in rows:
            resp = r.response
            definition = definitions.get(resp.survey_id)
            answers = dict(resp.answers or {})
            if reader.personal_data and resp.raw_answers:
                answers.update(resp.raw_answers)
            open_codes = (
                [q.code for q in definition.questions if q.kind == QuestionKind.OPEN]
                if definition
                else []
            )
            comments = [
                (code, str(answers[code]))
                for code in open_codes
                if isinstance(answers.get(code), str) and answers[code].strip()
            ]
            tp = names.touchpoints.get(resp.touchpoint_id or 0)
            ch = names.channels.get(resp.channel_id or 0)
            items.append(
                DrillResponse(
                    id=resp.id,
                    submitted_at=resp.submitted_at,
                    survey_id=resp.survey_id,
                    survey_zh=definition.title.get("zh-CN") if definition else "",
                    survey_en=definition.title.get("en") if definition else "",
                    touchpoint=(tp.name_zh, tp.name_en) if tp else None,
                    channel=(ch.name_zh, ch.name_en) if ch else None,
                    customer=mask_contact(role, "name", r.customer_name),
                    segments={
                        k: str(r.segments[k])
                        for k in ("region", "tier", "product")
                        if r.segments.get(k)
                    },
                    values=sorted(r.values.items()),
                    comments=comments,
                    flagged=resp.quality == 1,
                )
            )
    pages = max(1, math.ceil(total / PER_PAGE))
    return DrillPage(filters, metric, value, total, page, pages, items)

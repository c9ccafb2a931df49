"""What a report shows, as plain data the templates render (numbers, not markup).

:mod:`manyi.reporting.reports.content` fills it from the overview dashboard's
computation, so a report and the dashboard never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True)
class ScoreLine:
    """One headline measure of the period, with its change against the previous one."""

    key: str  # "nps", "csat", "ces", "csi"
    value: float | None
    low: float | None
    high: float | None
    n: int
    previous: float | None
    #: value − previous (None when either is missing).
    change: float | None
    #: The change is significant after the multiple-comparison control.
    significant: bool
    p_adjusted: float | None
    #: Digits to show (NPS and CSI whole numbers, CSAT a share, CES one decimal).
    digits: int
    #: "percent" for a share (CSAT top-box), else "number".
    unit: str = "number"


@dataclass(frozen=True)
class TrendPointLine:
    label: str
    start: date
    value: float | None
    low: float | None
    high: float | None
    n: int
    marked: bool


@dataclass(frozen=True)
class Trend:
    key: str
    points: list[TrendPointLine]
    digits: int
    unit: str = "number"


@dataclass(frozen=True)
class Move:
    """A significant change against the previous period (after the multiple-comparison
    control), or a control-chart signal in the trend."""

    key: str
    where: str
    before: float | None
    after: float | None
    p_adjusted: float | None
    digits: int
    unit: str = "number"


@dataclass(frozen=True)
class ThemeLine:
    name: str
    count: int
    negative_share: float | None
    quote: str | None


@dataclass(frozen=True)
class ShareLine:
    """``hits`` of ``n``; ``share`` None when ``n`` is below the loop's minimum (the
    scorecards' "not enough data")."""

    hits: int
    n: int
    share: float | None


@dataclass(frozen=True)
class CauseLine:
    """A root cause from the code book and how many cases of the period it closed."""

    code: str
    name_zh: str
    name_en: str
    count: int


@dataclass(frozen=True)
class PlanLine:
    """An improvement plan: its target and, where it can be measured, its effect."""

    title: str
    status: str  # "active" (in progress) or "done"
    deadline: date | None
    overdue: bool
    metric_kind: str  # "mean", "nps", "top_box", "negative_share"
    target_value: float | None
    #: "improved", "worsened", "no_change"; None when the effect cannot be measured yet.
    verdict: str | None = None
    verdict_zh: str | None = None
    verdict_en: str | None = None
    target_reached: bool | None = None


@dataclass(frozen=True)
class CaseSummary:
    """The closed loop (cases and improvement plans) of the report's department subtree
    or the company in the report's period, filled by a :class:`CaseSummaryProvider`."""

    #: Cases opened in the period (merged duplicates left out).
    opened: int
    #: Cases resolved in the period (or closed without a resolution), whenever opened.
    closed: int
    #: Of the cases open at the period's end, those past a first-response or resolution
    #: due time then.
    overdue: int
    #: Improvement plans in progress (status active).
    plans_active: int
    #: Cases open at the period's end (or now, for a period still running).
    backlog: int = 0
    #: (age bucket key, open cases) at the period's end: ``<1d``, ``1-3d``, ``3-7d``,
    #: ``7-30d``, ``30d+``.
    backlog_ageing: list[tuple[str, int]] = field(default_factory=list)
    #: Of the cases opened in the period (with the time and its due time).
    first_response_sla: ShareLine = ShareLine(0, 0, None)
    resolution_sla: ShareLine = ShareLine(0, 0, None)
    #: Of the cases opened in the period and resolved: reopened at least once.
    reopen: ShareLine = ShareLine(0, 0, None)
    #: Of the cases opened in the period: flagged as a repeat of an earlier complaint.
    repeat: ShareLine = ShareLine(0, 0, None)
    #: Median hours from opening to the first response (None below the minimum n).
    first_response_median_h: float | None = None
    #: The most frequent root causes of the cases closed in the period.
    root_causes: list[CauseLine] = field(default_factory=list)
    #: Plans marked done in the period.
    plans_done: int = 0
    #: The plans shown (in progress first), with their effects.
    plans: list[PlanLine] = field(default_factory=list)

    @property
    def no_cases(self) -> bool:
        """Nothing opened, closed or open: the report says so in one line."""
        return self.opened == 0 and self.closed == 0 and self.backlog == 0


class CaseSummaryProvider(Protocol):
    """What an entry point hands the report so that it shows the closed loop: the summary
    of ``department_id``'s subtree (None: the company) in ``[start, end)``, as of
    ``now`` (the backlog is that of the period's end, or of ``now`` if earlier).

    The closed loop (``manyi.workflow``) sits above the reporting service in the layers,
    so the report cannot ask it itself: ``manyi.workflow.report_loop`` is passed in."""

    def __call__(
        self, department_id: int | None, start: datetime, end: datetime, now: datetime
    ) -> CaseSummary: ...


@dataclass(frozen=True)
class ReportContent:
    kind: str
    start: date
    last_day: date
    previous_start: date
    previous_last_day: date
    responses: int
    scores: list[ScoreLine]
    trends: list[Trend]
    moves: list[Move]
    themes: list[ThemeLine]
    generated_at: datetime
    #: How the numbers were computed (confidence level, the correction), in the catalog.
    notes: list[str] = field(default_factory=list)
    cases: CaseSummary | None = None

"""What a report shows, as plain data the templates render (numbers, not markup).

:mod:`manyi.reporting.reports.content` fills it from the overview dashboard's
computation, so a report and the dashboard never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


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
class CaseSummary:
    """The closed loop in the period, when the workflow service is there."""

    opened: int
    closed: int
    overdue: int
    plans_active: int


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

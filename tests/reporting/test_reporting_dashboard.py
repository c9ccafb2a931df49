"""The overview dashboard service: its numbers equal ``manyi.stats`` (and statsmodels /
scipy for the tests) on the raw generated rows; filters round-trip through the URL; bad
filters give clear messages; scoping and drill-down agree with the numbers."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from dashboard_data import INCIDENT_MONTH, DashboardData, Row, make_dashboard_data
from manyi.domain.enums import Role
from manyi.domain.scope import DepartmentScope, Reader
from manyi.errors import InvalidInput
from manyi.reporting.dashboard import (
    DashboardFilters,
    build_overview,
    drill_link,
    grouped,
    parse_filters,
)
from manyi.reporting.dashboard_stats import buckets, csi_value
from manyi.reporting.drilldown import responses_behind
from manyi.stats.comparisons import compare_groups
from manyi.stats.csi import csi
from manyi.stats.metrics import ces, csat, nps, two_proportion_z
from manyi.stats.trends import control_chart
from manyi.storage.database import Database

TODAY = date(2026, 12, 1)


def _filters(**params: str) -> DashboardFilters:
    return parse_filters({k: [v] for k, v in params.items()}, today=TODAY)


def _in(rows: list[Row], start: date, end: date, touchpoint: str | None = None) -> list[Row]:
    return [
        r
        for r in rows
        if start <= r.submitted_at.date() <= end and touchpoint in (None, r.touchpoint)
    ]


@pytest.fixture
def data(db: Database) -> DashboardData:
    return make_dashboard_data(db)


def test_headline_numbers_equal_manyi_stats_on_the_raw_rows(
    db: Database, data: DashboardData
) -> None:
    f = parse_filters(
        grouped([("from", "2026-06-01"), ("to", "2026-08-31"), ("survey", str(data.survey_id))]),
        today=TODAY,
    )
    o = build_overview(db, f)
    now = _in(data.rows, date(2026, 6, 1), date(2026, 8, 31))
    then = _in(data.rows, *f.previous)  # 2026-03-02 .. 2026-05-31
    assert o.responses.total == len(now) and o.responses.previous == len(then)
    expected_nps = nps([r.nps for r in now])
    m = o.metric("nps")
    assert m is not None
    assert (m.value, m.low, m.high, m.n) == pytest.approx(
        (expected_nps.score, expected_nps.ci_low, expected_nps.ci_high, expected_nps.n)
    )
    expected_csat = csat([r.csat for r in now], scale=(1, 5))
    c = o.metric("csat")
    assert c is not None and c.mean == pytest.approx(expected_csat.mean)
    assert (c.value, c.low, c.high) == pytest.approx(
        (
            100 * expected_csat.top_box_share,
            100 * expected_csat.top_box_ci_low,
            100 * expected_csat.top_box_ci_high,
        )
    )
    expected_ces = ces([r.ces for r in now], scale=(1, 7))
    e = o.metric("ces")
    assert e is not None
    assert (e.value, e.low, e.high) == pytest.approx(
        (expected_ces.mean, expected_ces.ci_low, expected_ces.ci_high)
    )
    # CSI: stats.csi with equal weights on the indicators put on 0..1 by their scales
    frame = pd.DataFrame(
        {"speed": [(r.speed - 1) / 4 for r in now], "staff": [(r.staff - 1) / 9 for r in now]}
    )
    i = o.metric("csi")
    assert i is not None and i.value == pytest.approx(csi(frame, None, None, (0, 1)).index)

    # Changes against the previous period: the tests of stats.comparisons (NPS z, Welch t)
    # and the pooled two-proportion z; Holm over the four, as statsmodels computes it.
    both = pd.DataFrame(
        {
            "nps": [r.nps for r in then + now],
            "ces": [r.ces for r in then + now],
            "period": ["a"] * len(then) + ["b"] * len(now),
        }
    )
    assert m.p_value == pytest.approx(compare_groups(both, "nps", "period", "nps").p_value)
    assert e.p_value == pytest.approx(compare_groups(both, "ces", "period", "mean").p_value)
    top_now = sum(r.csat >= 4 for r in now)
    top_then = sum(r.csat >= 4 for r in then)
    assert c.p_value == pytest.approx(two_proportion_z(top_now, len(now), top_then, len(then))[1])
    raw = [x.p_value for x in o.metrics]
    holm = multipletests(raw, method="holm")[1]
    assert [x.p_adjusted for x in o.metrics] == pytest.approx(list(holm))


def test_monthly_trend_marks_the_incident_month_as_a_drop(
    db: Database, data: DashboardData
) -> None:
    o = build_overview(db, _filters(**{"from": "2026-03-01", "to": "2026-08-31"}))
    trend = o.trend("nps")
    assert trend is not None and trend.chart == "xbar"
    assert [p.label for p in trend.points] == [f"2026-{m:02d}" for m in range(3, 9)]
    months = [_in(data.rows, p.start, p.end) for p in trend.points]
    assert [p.value for p in trend.points] == pytest.approx(
        [nps([r.nps for r in rows]).score for rows in months]
    )
    # the x̄ chart of the +100/0/−100 score per answer (stats.trends.control_chart)
    scores = [
        np.array([100.0 if r.nps >= 9 else -100.0 if r.nps <= 6 else 0.0 for r in rows])
        for rows in months
    ]
    chart = control_chart(
        [s.mean() for s in scores],
        "xbar",
        n=[s.size for s in scores],
        sd=[s.std(ddof=1) for s in scores],
    )
    assert [p.lcl for p in trend.points] == pytest.approx(list(chart.table["lcl"]))
    marked = [p.label for p in trend.points if p.drop]
    assert marked == [f"2026-{INCIDENT_MONTH:02d}"]


def test_filters_narrow_the_numbers_and_round_trip_through_the_url(
    db: Database, data: DashboardData
) -> None:
    f = _filters(
        **{
            "from": "2026-03-01",
            "to": "2026-08-31",
            "department": "LOG",
            "region": "华东",
            "granularity": "quarter",
        }
    )
    assert parse_filters(grouped(f.query()), today=TODAY) == f
    o = build_overview(db, f)
    rows = [r for r in _in(data.rows, f.start, f.end, "delivery") if r.region == "华东"]
    m = o.metric("nps")
    assert m is not None and m.n == len(rows)
    assert m.value == pytest.approx(nps([r.nps for r in rows]).score)
    assert [p.label for p in o.trend("nps").points] == ["2026-Q1", "2026-Q2", "2026-Q3"]  # type: ignore[union-attr]


def test_scope_intersects_with_the_department_filter(db: Database, data: DashboardData) -> None:
    care_only = DepartmentScope(frozenset({data.departments["CARE"]}))
    f = _filters(**{"from": "2026-03-01", "to": "2026-08-31"})
    scoped = build_overview(db, f, scope=care_only)
    rows = _in(data.rows, f.start, f.end, "hotline")
    assert scoped.metric("nps").n == len(rows)  # type: ignore[union-attr]
    assert [c.value for c in scoped.options.departments] == ["CARE"]
    with pytest.raises(InvalidInput, match="no department with code 'LOG' among your"):
        build_overview(db, _filters(department="LOG"), scope=care_only)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "2y"}, "period must be one of"),
        ({"from": "2026-13-01", "to": "2026-12-31"}, "'from' must be a date"),
        ({"from": "2026-05-01"}, "needs both 'from' and 'to'"),
        ({"from": "2026-05-02", "to": "2026-05-01"}, "must not be before"),
        ({"granularity": "hour"}, "granularity must be one of"),
        ({"period": "180d", "granularity": "day"}, "a daily trend covers at most 92 days"),
        ({"survey": "abc"}, "'survey' must be a survey id"),
        ({"flagged": "yes"}, "'flagged' must be include or exclude"),
    ],
)
def test_bad_filters_say_what_is_wrong(params: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        _filters(**params)


def test_a_preset_wins_over_the_dates_the_form_also_sends() -> None:
    f = _filters(period="30d", **{"from": "2026-01-01", "to": "2026-02-01"})
    assert (f.start, f.end, f.preset) == (date(2026, 11, 2), TODAY, "30d")
    custom = _filters(period="custom", **{"from": "2026-01-01", "to": "2026-02-01"})
    assert (custom.start, custom.end) == (date(2026, 1, 1), date(2026, 2, 1))


def test_unknown_codes_and_parameters_are_refused(db: Database, data: DashboardData) -> None:
    with pytest.raises(InvalidInput, match="no touchpoint with code 'nowhere'"):
        build_overview(db, _filters(touchpoint="nowhere"))
    with pytest.raises(InvalidInput, match="no survey with id 999"):
        build_overview(db, _filters(survey="999"))
    with pytest.raises(InvalidInput, match="unknown filter 'colour'"):
        parse_filters({"colour": ["red"]}, today=TODAY, strict=True)


def test_drill_down_lists_the_responses_behind_a_number(db: Database, data: DashboardData) -> None:
    f = _filters(**{"from": "2026-06-01", "to": "2026-06-30", "touchpoint": "delivery"})
    o = build_overview(db, f)
    rows = _in(data.rows, f.start, f.end, "delivery")
    everyone = responses_behind(db, f, metric="nps", role=Role.VIEWER)
    assert everyone.total == o.metric("nps").n == len(rows)  # type: ignore[union-attr]
    detractors = responses_behind(db, f, metric="nps", value="0-6", role=Role.VIEWER)
    assert detractors.total == sum(r.nps <= 6 for r in rows)
    first = detractors.items[0]
    assert all(v <= 6 for q, v in first.values if q == "nps")
    assert first.comments and "送货太慢" in first.comments[0][1]
    assert first.customer is not None and first.customer.startswith("顾") and "*" in first.customer
    admin = responses_behind(
        db, f, metric="nps", value="0-6", role=Role.ADMIN, reader=Reader(personal_data=True)
    )
    assert admin.items[0].customer is not None and "*" not in admin.items[0].customer
    assert "/responses?from=2026-06-01&to=2026-06-30&touchpoint=delivery&metric=nps" in (
        drill_link(f, "nps")
    )
    care_only = Reader(scope=DepartmentScope(frozenset({data.departments["CARE"]})))
    with pytest.raises(InvalidInput, match="among your departments"):
        responses_behind(db, f, metric="nps", reader=care_only)
    with pytest.raises(InvalidInput, match="'value' must be a number or a range"):
        responses_behind(db, f, metric="nps", value="low")


def test_csi_interval_bounds_the_respondent_level_standard_error() -> None:
    # The CSI's SE from the per-question SEs (added as if fully correlated) is never below
    # the SE of the per-respondent index, which needs who answered what.
    rng = np.random.default_rng(3)
    a = rng.integers(1, 6, 300)
    b = np.clip(a + rng.integers(-1, 2, 300), 1, 5)  # correlated with a
    value = csi_value(
        {
            "a": (dict(zip(*np.unique(a, return_counts=True), strict=True)), (1, 5)),
            "b": (dict(zip(*np.unique(b, return_counts=True), strict=True)), (1, 5)),
        }
    )
    assert value is not None
    per_respondent = 100 * ((a - 1) / 4 + (b - 1) / 4) / 2
    assert value.value == pytest.approx(per_respondent.mean())
    assert value.se >= per_respondent.std(ddof=1) / np.sqrt(300)


def test_buckets_cover_the_period_with_partial_edges() -> None:
    assert buckets(date(2026, 1, 15), date(2026, 4, 2), "quarter") == [
        (date(2026, 1, 15), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 4, 2)),
    ]
    weeks = buckets(date(2026, 6, 3), date(2026, 6, 15), "week")
    assert weeks[0] == (date(2026, 6, 3), date(2026, 6, 7)) and weeks[-1][1] == date(2026, 6, 15)
